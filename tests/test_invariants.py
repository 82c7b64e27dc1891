"""Invariants every ruleset must keep, checked on generated cases; and the engine fixes they led to.

The properties run on the national rules and on fixture rulesets that exercise
every construct of the rule language (tests/fixtures/stress, taal, diff). Each
check is also shown to fail on a decision that breaks it, so none of them can
pass vacuously.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weerbaar_rules import Case, Engine, EvaluationError
from weerbaar_rules.decision.model import Decision, FiringRecord
from weerbaar_rules.render import to_json
from weerbaar_rules.testing import cases, invariants
from weerbaar_rules.testing.invariants import (
    InvariantViolation,
    assert_invariants,
    check_aggravation_monotone,
    check_deterministic,
    check_explanation_consistency,
    check_lawful_information,
    check_legal_basis,
    check_recommended_not_excluded,
    check_validity,
)

from .conftest import RULES

FIXTURES = Path(__file__).parent / "fixtures"
STRESS = FIXTURES / "stress"
TAAL = FIXTURES / "taal"
DIFF_OUD = FIXTURES / "diff" / "oud"
DIFF_NIEUW = FIXTURES / "diff" / "nieuw"
MONOTONE = "verzwaring_verlaagt_niet"


@functools.cache
def _engine(path: Path) -> Engine:
    return Engine.from_directory(path)


def _cases_for(path: Path) -> st.SearchStrategy[Case]:
    # Deferred, so a ruleset is loaded when the test runs, not when the module is collected.
    return st.deferred(lambda: cases(_engine(path).ruleset))


def _case(**data: Any) -> Case:
    base: dict[str, Any] = {"schema_versie": "2", "zaak_id": "t", "peildatum": "2024-03-01", "locatie": {"type": "woning"}}
    return Case.model_validate({**base, **data})


POLITIE = [{"id": "p", "bron": "politie", "grondslag": "wpg_16"}]


# -- the properties -------------------------------------------------------------------------------


@settings(max_examples=60)
@given(_cases_for(RULES))
def test_national_rules_keep_the_invariants(case: Case) -> None:
    # Monotonicity has its own test below, with the counterexamples found in the national rules.
    assert_invariants(_engine(RULES), case, skip=(MONOTONE,))


@pytest.mark.parametrize("path", [STRESS, TAAL, DIFF_OUD, DIFF_NIEUW], ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_rulesets_keep_the_invariants(path: Path) -> None:
    # The stress ruleset is deliberately not monotone (see test_aggravation_check_finds_...).
    skip = (MONOTONE,) if path == STRESS else ()

    @settings(max_examples=40)
    @given(_cases_for(path))
    def holds(case: Case) -> None:
        assert_invariants(_engine(path), case, skip=skip)

    holds()


@settings(max_examples=60)
@given(_cases_for(RULES))
def test_national_aggravation_never_lowers_the_recommendation(case: Case) -> None:
    # Earlier findings, fixed in the rules: plants of lijst I did not count as a handelshoeveelheid;
    # a stopgesprek that gives way to a closure is not "doing less" (see check_aggravation_monotone).
    problems = check_aggravation_monotone(_engine(RULES), case)
    assert not problems, f"{case.model_dump_json(exclude_defaults=True)}: {problems}"


def test_aggravation_check_finds_a_ruleset_that_is_not_monotone() -> None:
    # Stress ruleset: a_zwaar (70) is suitable for "groot", which for lijst II counts plants and for
    # lijst I only weight. II -> I on a plant-only activity makes a_zwaar undecided: spoor a goes down.
    engine = _engine(STRESS)
    case = _case(
        activiteiten=[{"type": "drugsopslag", "opiumwet_lijst": "II", "hoeveelheid": {"eenheid": "planten", "waarde": 6}, "informatie": ["p"]}],
        locatie={"type": "woning", "minderjarigen": False, "beroepsgebruik": "geen"},
        informatie=POLITIE,
    )
    assert engine.evaluate(case).aanbevolen == ["a_zwaar"]
    assert check_aggravation_monotone(engine, case) == ["activiteiten[0] lijst II -> I: spoor a gaat van ingrijpendheid 70 naar geen aanbeveling"]
    with pytest.raises(InvariantViolation, match=MONOTONE):
        assert_invariants(engine, case)


def test_aggravations_are_the_documented_ones() -> None:
    case = _case(
        activiteiten=[
            {"type": "drugsopslag", "opiumwet_lijst": "II", "hoeveelheid": {"eenheid": "gram", "waarde": 3}, "informatie": ["p"]},
            {"type": "witwassen", "informatie": ["p"]},
        ],
        informatie=POLITIE,
    )
    variants = dict(invariants.aggravations(_engine(DIFF_NIEUW), case))
    assert set(variants) == {"meer drugs in activiteiten[0]", "activiteiten[0] lijst II -> I", "eerdere waarschuwing"}
    more = variants["meer drugs in activiteiten[0]"].activiteiten[0]
    assert more.hoeveelheid is not None and more.hoeveelheid.waarde == 7 and more.hoeveelheid.eenheid == "gram"
    warning = variants["eerdere waarschuwing"].voorgeschiedenis[-1]
    assert warning.instrument == "bestuurlijke_waarschuwing" and warning.datum < case.peildatum  # type: ignore[operator]


# -- each check can fail --------------------------------------------------------------------------


def _decision(path: Path, case: Case) -> Decision:
    return _engine(path).evaluate(case)


def _harddrugs() -> Case:
    return _case(activiteiten=[{"type": "drugshandel", "opiumwet_lijst": "I", "informatie": ["p"]}], informatie=POLITIE)


def test_legal_basis_check_fails_without_a_basis() -> None:
    decision = _decision(DIFF_NIEUW, _harddrugs())
    assert check_legal_basis(decision) == []
    broken = decision.model_copy(deep=True)
    broken.instruments["sluiting_13b_opiumwet"].grondslag = []
    assert check_legal_basis(broken) == ["sluiting_13b_opiumwet is aanbevolen maar heeft geen grondslag"]


def test_recommended_and_excluded_check_fails_when_both() -> None:
    decision = _decision(DIFF_NIEUW, _harddrugs())
    assert check_recommended_not_excluded(decision) == []
    broken = decision.model_copy(deep=True)
    broken.instruments["sluiting_13b_opiumwet"].status = "uitgesloten"
    assert "sluiting_13b_opiumwet staat in aanbevolen maar heeft status uitgesloten" in check_recommended_not_excluded(broken)


def test_validity_check_fails_on_a_firing_outside_the_period() -> None:
    case = _case(peildatum="2018-06-01", activiteiten=[{"type": "voorbereidingshandelingen", "wetenschap_betrokkene": True, "informatie": ["p"]}], informatie=POLITIE)
    decision = _decision(DIFF_NIEUW, case)
    assert check_validity(_engine(DIFF_NIEUW), decision) == []
    broken = decision.model_copy(deep=True)
    broken.afvuringen.append(FiringRecord(regel="opiumwet.13b.grond_b", modus="zeker", laag=0, feiten=["activiteiten[0]"]))
    assert len(check_validity(_engine(DIFF_NIEUW), broken)) == 1


def test_consistency_check_fails_when_a_firing_is_missing() -> None:
    engine = _engine(DIFF_NIEUW)
    case = _harddrugs()
    decision = engine.evaluate(case)
    assert check_explanation_consistency(engine, case, decision) == []
    broken = decision.model_copy(deep=True)
    broken.afvuringen = [f for f in broken.afvuringen if not (f.regel == "damocles.harddrugs" and f.modus == "zeker")]
    assert check_explanation_consistency(engine, case, broken) == [
        f"regel damocles.harddrugs ({engine.ruleset.rule('damocles.harddrugs').source}): de uitleg zegt zeker, de engine vuurde alleen mogelijk"
    ]


class _Flaky:
    """An engine that changes its mind: every evaluation gets another zaak_id in the output."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.calls = 0

    def evaluate(self, case: Case, peildatum: dt.date | None = None) -> Decision:
        self.calls += 1
        return self.engine.evaluate(case.model_copy(update={"zaak_id": f"{case.zaak_id}-{self.calls}"}), peildatum)


def test_determinism_check_fails_on_an_engine_that_changes_its_mind() -> None:
    case = _harddrugs()
    assert check_deterministic(_engine(DIFF_NIEUW), case, other=_case()) == []
    assert len(check_deterministic(_Flaky(_engine(DIFF_NIEUW)), case)) == 1  # type: ignore[arg-type]


class _Leaky:
    """An engine that wrongly treats all information as lawful, so unlawful facts carry its decisions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.ruleset = engine.ruleset

    def evaluate(self, case: Case, peildatum: dt.date | None = None) -> Decision:
        lawful = [i.model_copy(update={"grondslag": "wpg_16", "bron": "politie"}) for i in case.informatie]
        return self.engine.evaluate(case.model_copy(update={"informatie": lawful}), peildatum)


def test_lawful_information_check_fails_when_unlawful_facts_carry_a_decision() -> None:
    case = _case(
        activiteiten=[{"type": "drugshandel", "opiumwet_lijst": "I", "informatie": ["anoniem"]}],
        informatie=[{"id": "anoniem", "bron": "anonieme_melding", "grondslag": "geen"}],
    )
    assert check_lawful_information(_engine(DIFF_NIEUW), case) == []
    problems = check_lawful_information(_Leaky(_engine(DIFF_NIEUW)), case)  # type: ignore[arg-type]
    assert len(problems) == 1 and "sluiting_13b_opiumwet is aanbevolen, maar zonder de feiten die burgemeester niet mag gebruiken wordt het uitgesloten" in problems[0]


# -- regressions: what the consistency property found in the engine -------------------------------


def test_graph_part_check_fails_when_the_parts_do_not_give_back_the_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    decision = _engine(RULES).evaluate(_case(activiteiten=[{"type": "drugshandel", "opiumwet_lijst": "I", "informatie": ["p"]}], informatie=POLITIE))
    assert invariants.check_graph_part(decision) == []
    real = invariants.expand_graph

    def losing_a_node(compact: dict[str, Any], part: Any, day: Any) -> dict[str, Any]:
        whole = real(compact, part, day)
        return {**whole, "nodes": whole["nodes"][1:]}

    monkeypatch.setattr(invariants, "expand_graph", losing_a_node)
    problems = invariants.check_graph_part(decision)
    assert problems and "andere graaf" in problems[0]


def test_two_somes_over_one_list_may_be_met_by_one_item() -> None:
    # durable_rules never lets one fact match two patterns of a rule; the compiler now turns the
    # second `some` over the same list into a helper fact (compiler._distinct_patterns).
    engine = _engine(STRESS)
    case = _case(activiteiten=[{"type": "drugshandel", "opiumwet_lijst": "I", "informatie": ["p"]}], informatie=POLITIE)
    decision = engine.evaluate(case)
    assert ("s.twee_items", "zeker") in {(f.regel, f.modus) for f in decision.afvuringen}
    assert check_explanation_consistency(engine, case, decision) == []


@pytest.mark.parametrize("number", [1e-05, 1e16, 2.5e-07])
def test_numbers_in_exponent_notation_reach_the_engine_intact(number: float) -> None:
    # json.dumps writes 1e-05; durable_rules misreads an exponent without a decimal point and loses
    # the rest of the batch (here: the permit that makes s.c fire). backend.dumps writes 1.0e-05.
    engine = _engine(STRESS)
    case = _case(
        activiteiten=[{"type": "wapens_munitie", "hoeveelheid": {"eenheid": "gram", "waarde": number}, "informatie": ["p"]}],
        vergunningen=[{"soort": "subsidie", "status": "aangevraagd"}],
        informatie=POLITIE,
    )
    decision = engine.evaluate(case)
    assert ("s.c", "zeker") in {(f.regel, f.modus) for f in decision.afvuringen}
    assert check_explanation_consistency(engine, case, decision) == []


def test_infinite_numbers_are_refused_instead_of_crashing_the_engine() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        _case(activiteiten=[{"type": "drugshandel", "hoeveelheid": {"eenheid": "gram", "waarde": float("inf")}, "informatie": ["p"]}], informatie=POLITIE)
    # A case built without validation (model_copy) still cannot crash the engine.
    valid = _case(activiteiten=[{"type": "drugshandel", "hoeveelheid": {"eenheid": "gram", "waarde": 1.0}, "informatie": ["p"]}], informatie=POLITIE)
    quantity = valid.activiteiten[0].hoeveelheid
    assert quantity is not None
    act = valid.activiteiten[0].model_copy(update={"hoeveelheid": quantity.model_copy(update={"waarde": float("inf")})})
    case = valid.model_copy(update={"activiteiten": [act]})
    with pytest.raises(EvaluationError, match="niet eindig"):
        _engine(STRESS).evaluate(case)


def test_a_count_counts_items_not_branches_of_an_or() -> None:
    # s.telling: at least 2 measures that are recent, or about drugshandel, or without grond. One
    # measure meeting all three branches is still one: durable_rules' own count saw three.
    engine = _engine(STRESS)
    one = [{"instrument": "x", "datum": "2024-02-01", "reden": "drugshandel"}]
    for measures, expected in ((one, None), (one * 2, "zeker")):
        case = _case(voorgeschiedenis=measures)
        decision = engine.evaluate(case)
        assert decision.afgeleide_feiten.get("herhaald") == expected
        assert check_explanation_consistency(engine, case, decision) == []


@settings(max_examples=40)
@given(_cases_for(RULES), _cases_for(RULES), _cases_for(STRESS))
def test_a_case_is_decided_the_same_whatever_came_before(case: Case, before: Case, other_ruleset: Case) -> None:
    """The engine reuses one durable_rules session per stratum: no fact of an earlier case may stay behind."""
    engine = _engine(RULES)
    expected = to_json(engine.evaluate(case))
    engine.evaluate(before)
    assert to_json(engine.evaluate(case)) == expected
    _engine(STRESS).evaluate(other_ruleset)  # another ruleset in between
    # A run that stops halfway (here: the firing limit) leaves its session behind half full; it must be discarded.
    with contextlib.suppress(EvaluationError):
        Engine(engine.ruleset, max_firings=3).evaluate(before)
    assert to_json(engine.evaluate(case)) == expected


@settings(max_examples=40)
@given(_cases_for(RULES))
def test_the_compiled_value_of_a_condition_is_the_walks_value(case: Case) -> None:
    """The walk skips the traces of parts it knows by their compiled value: that value must be the walk's own, node by node."""
    from weerbaar_rules.engine.facts import PROVENANCE
    from weerbaar_rules.engine.walk import Explainer, Trace, value_of
    from weerbaar_rules.language import conditions as cond

    engine = _engine(RULES)
    run = engine.run(case)
    explainer = Explainer(run.facts, run.derived)
    for rule in engine.ruleset.rules:
        for node in cond.walk(rule.when):
            assert value_of(node)(explainer, run.facts.zaak) == explainer.evaluate(node, Trace()), (rule.id, node)
            if isinstance(node, cond.Some) and node.where is not None:
                for item in explainer.items.get(node.list, []):
                    walked = explainer.evaluate(node.where, Trace(), item, f"{item[PROVENANCE]}.")
                    assert value_of(node.where)(explainer, item) == walked, (rule.id, node.where, item[PROVENANCE])
