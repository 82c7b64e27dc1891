"""Never decide on a fact the case does not state (issue #10).

* Exceptions (`unless`) only count when established; unknown leaves the power
  standing and is named as a point to check.
* The metamorphic invariant: filling one unknown fact changes the
  recommendation only if the decision named that fact as deciding. It runs on
  every example case, on the scenario cases of every profile and on generated
  cases, and it catches a ruleset that reads an unknown place as "in the home".
* The split-condition lint of `rules check`.
* Dated profile parameters; facts after the peildatum; links to the law then in force.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from weerbaar_rules import Case, Engine, RulesetError
from weerbaar_rules.language.conditions import ConditionSyntaxError, Parser
from weerbaar_rules.language.ruleset import load_ruleset
from weerbaar_rules.lint import check_directory, split_item_findings
from weerbaar_rules.testing import cases
from weerbaar_rules.testing.scenarios import find, load_scenario
from weerbaar_rules.testing.unknowns import check_unknowns_named, fillings

from .conftest import CASES, PROFILES, RULES

FIXTURES = Path(__file__).parent / "fixtures"
PROFILE_NAMES = sorted(p.stem for p in PROFILES.glob("*.yaml"))


@functools.cache
def _engine(rules: Path = RULES, profile: str | None = None) -> Engine:
    return Engine.from_directory(rules, profile=PROFILES / f"{profile}.yaml" if profile else None)


def _case(**data: Any) -> Case:
    base: dict[str, Any] = {
        "schema_versie": "2",
        "zaak_id": "t",
        "peildatum": "2026-11-01",
        "locatie": {"type": "woning"},
        # A police report to the burgemeester, dated: its information law is settled, so only the rules are tested.
        "informatie": [{"id": "p", "bron": "politie", "grondslag": "wpg_16", "ontvanger": "burgemeester", "datum": "2026-10-15"}],
    }
    return Case.model_validate({**base, **data})


# -- the language ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"unless": {"fact": "locatie.horeca", "equals": True}, "title": "x"}, "direct in een all-lijst"),
        ({"any": [{"fact": "locatie.horeca", "equals": True}, {"unless": {"fact": "locatie.horeca", "equals": True}, "title": "x"}]}, "direct in een all-lijst"),
        ({"not": {"all": [{"fact": "locatie.horeca", "equals": True}, {"unless": {"fact": "locatie.horeca", "equals": True}, "title": "x"}]}}, "niet binnen not"),
        ({"all": [{"fact": "locatie.horeca", "equals": True}, {"unless": {"fact": "locatie.horeca", "equals": True}}]}, "verwacht een title"),
        ({"all": [{"unless": {"fact": "locatie.horeca", "equals": True}, "title": "x"}]}, "alleen uitzonderingen"),
    ],
)
def test_an_exception_stands_next_to_the_conditions_it_excepts(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConditionSyntaxError, match=message):
        Parser({}).parse(raw)


def test_an_unknown_exception_leaves_the_power_standing_and_is_named() -> None:
    engine = _engine(FIXTURES / "uitzondering")
    act = {"type": "drugsopslag", "plek": "in_pand", "hoeveelheid": {"eenheid": "gram", "waarde": 50}, "informatie": ["p"]}
    decision = engine.evaluate(_case(activiteiten=[act]))
    closure = decision.instruments["sluiting"]
    assert closure.status == "aanbevolen"
    checks = {c.uitzondering: c.ontbrekende_feiten for c in closure.te_controleren}
    assert checks == {
        "er is een praktijk in het pand (lid 2)": ["locatie.beroepsgebruik"],
        "activiteiten[0].eigen gebruik gebleken": ["activiteiten[0].eigen_gebruik"],
    }
    deciding = {m.feit for m in decision.ontbrekende_feiten if m.kan_aanbeveling_veranderen}
    assert {"locatie.beroepsgebruik", "activiteiten[0].eigen_gebruik"} <= deciding


def test_an_established_exception_takes_the_power_away_and_says_so() -> None:
    engine = _engine(FIXTURES / "uitzondering")
    act = {"type": "drugsopslag", "plek": "in_pand", "hoeveelheid": {"eenheid": "gram", "waarde": 50}, "eigen_gebruik": False, "informatie": ["p"]}
    decision = engine.evaluate(_case(locatie={"type": "woning", "beroepsgebruik": "arts"}, activiteiten=[act]))
    closure = decision.instruments["sluiting"]
    assert closure.status == "uitgesloten"
    assert "uitzondering: er is een praktijk in het pand (lid 2)" in closure.redenen
    own_use = {**act, "eigen_gebruik": True}
    decision = engine.evaluate(_case(locatie={"type": "woning", "beroepsgebruik": "geen"}, activiteiten=[own_use]))
    assert decision.instruments["sluiting"].status == "uitgesloten"


def test_an_exception_that_does_not_apply_leaves_nothing_to_check() -> None:
    engine = _engine(FIXTURES / "uitzondering")
    act = {"type": "drugsopslag", "plek": "in_pand", "hoeveelheid": {"eenheid": "gram", "waarde": 50}, "eigen_gebruik": False, "informatie": ["p"]}
    decision = engine.evaluate(_case(locatie={"type": "woning", "beroepsgebruik": "geen"}, activiteiten=[act]))
    closure = decision.instruments["sluiting"]
    assert closure.status == "aanbevolen" and closure.te_controleren == []
    assert not [m for m in decision.ontbrekende_feiten if m.kan_aanbeveling_veranderen]


def test_a_condition_stays_a_condition() -> None:
    """The place is a condition: unknown leaves the closure undecided, with the place named."""
    engine = _engine(FIXTURES / "uitzondering")
    act = {"type": "drugsopslag", "hoeveelheid": {"eenheid": "gram", "waarde": 50}, "eigen_gebruik": False, "informatie": ["p"]}
    decision = engine.evaluate(_case(locatie={"type": "woning", "beroepsgebruik": "geen"}, activiteiten=[act]))
    closure = decision.instruments["sluiting"]
    assert closure.status == "onbeslist"
    assert "activiteiten[0].plek" in {m.feit for m in decision.ontbrekende_feiten if m.kan_aanbeveling_veranderen}


# -- the metamorphic invariant ---------------------------------------------------------------------------------


def test_the_invariant_catches_an_unknown_read_as_its_likely_value() -> None:
    engine = _engine(FIXTURES / "onbekend_als_waar")
    case = _case(activiteiten=[{"type": "drugshandel", "informatie": ["p"]}])
    assert engine.evaluate(case).aanbevolen == ["sluiting"]
    problems = check_unknowns_named(engine, case)
    assert problems and problems[0].startswith("activiteiten[0].plek = 'bij_pand' verandert de aanbeveling (sluiting -> geen)")


def test_fillings_try_every_value_of_an_unknown_fact() -> None:
    case = _case(activiteiten=[{"type": "drugshandel", "informatie": ["p"]}])
    tried = [(path, value) for path, value, _ in fillings(_engine(), case)]
    assert [v for p, v in tried if p == "activiteiten[0].plek"] == ["in_pand", "bij_pand", "elders"]
    assert [v for p, v in tried if p == "locatie.minderjarigen"] == [True, False]
    # Never a date after the peildatum: a later fact does not exist on the peildatum.
    assert all(v <= dt.date(2026, 11, 1) for p, v in tried if p.endswith("datum"))


EXAMPLES = sorted(CASES.glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_example_decides_on_an_unstated_fact(path: Path) -> None:
    case = Case.model_validate(json.loads(path.read_text(encoding="utf-8")))
    problems = check_unknowns_named(_engine(), case)
    assert not problems, "\n".join(problems)


PROFILE_SCENARIOS = [p for p in find(CASES) + find(RULES / "scenarios") if load_scenario(p).expected.profiel]


@pytest.mark.parametrize("path", PROFILE_SCENARIOS, ids=lambda p: p.name.removesuffix(".yaml"))
def test_no_profile_scenario_decides_on_an_unstated_fact(path: Path) -> None:
    scenario = load_scenario(path)
    engine = _engine(RULES, scenario.expected.profiel)
    case = scenario.case if scenario.expected.peildatum is None else scenario.case.model_copy(update={"peildatum": scenario.expected.peildatum})
    problems = check_unknowns_named(engine, case)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("profile", [None, *PROFILE_NAMES])
def test_no_generated_case_decides_on_an_unstated_fact(profile: str | None) -> None:
    engine = _engine(RULES, profile)

    @settings(max_examples=12)
    @given(cases(engine.ruleset))
    def holds(case: Case) -> None:
        problems = check_unknowns_named(engine, case)
        assert not problems, f"{case.model_dump_json(exclude_none=True)}\n" + "\n".join(problems)

    holds()


# -- one record, one condition -----------------------------------------------------------------------------------


def test_the_lint_flags_conditions_on_one_list_in_separate_places() -> None:
    findings = [f for f in check_directory(FIXTURES / "apart") if f.kind == "apart"]
    assert len(findings) == 1
    assert "regel a.sluiting" in findings[0].message and "afgeleid feit 'handelshoeveelheid'" in findings[0].message


def test_separate_items_says_it_is_meant(tmp_path: Path) -> None:
    text = (FIXTURES / "apart" / "regels.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    title: handelshoeveelheid en drugs in het pand\n",
        "    title: handelshoeveelheid en drugs in het pand\n    separate_items: {activiteiten: bewust, voor de test}\n",
    )
    (tmp_path / "regels.yaml").write_text(text, encoding="utf-8")
    assert not [f for f in check_directory(tmp_path) if f.kind == "apart"]


def test_separate_items_names_a_list_of_the_case(tmp_path: Path) -> None:
    text = (FIXTURES / "apart" / "regels.yaml").read_text(encoding="utf-8")
    text = text.replace("    title: ergens een handelshoeveelheid\n", "    title: ergens een handelshoeveelheid\n    separate_items: {dingen: x}\n")
    (tmp_path / "regels.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError, match="separate_items noemt dingen"):
        load_ruleset(tmp_path)


@pytest.mark.parametrize("profile", [None, *PROFILE_NAMES])
def test_national_rules_and_profiles_test_one_record_in_one_condition(profile: str | None) -> None:
    findings = split_item_findings(list(_engine(RULES, profile).ruleset.rules))
    assert not findings, "\n".join(f.text() for f in findings)


# -- time ---------------------------------------------------------------------------------------------------------------


def test_a_dated_profile_parameter_gives_one_rule_version_per_period() -> None:
    ruleset = _engine(RULES, "milderveen").ruleset
    versions = [r for r in ruleset.rules if r.id == "damocles.eerdere_waarschuwing"]
    assert [(r.geldig_van, r.geldig_tot) for r in versions] == [(None, dt.date(2024, 12, 31)), (dt.date(2025, 1, 1), None)]
    change = next(c for c in ruleset.profile.changes if c.onderwerp == "damocles_waarschuwing_geldt_maanden")  # type: ignore[union-attr]
    assert change.nieuw == "36 (t/m 2024-12-31); 60 (vanaf 2025-01-01)" and change.oud == "36"


def test_links_open_the_law_in_force_on_the_peildatum() -> None:
    decision = _engine().evaluate(_case(peildatum="2019-03-01"))
    urls = [c["url"] for c in decision.instruments["sluiting_13b_opiumwet"].grondslag]
    assert urls and all(u.endswith("&g=2019-03-01") for u in urls if "wetten.overheid.nl" in u)


def test_the_legal_basis_follows_the_peildatum() -> None:
    before = _engine().evaluate(_case(peildatum="2021-06-30")).instruments["intrekking_alcoholwetvergunning"]
    after = _engine().evaluate(_case(peildatum="2021-07-01")).instruments["intrekking_alcoholwetvergunning"]
    assert [c["wet"] for c in before.grondslag] == ["Drank- en Horecawet"]
    assert [c["wet"] for c in after.grondslag] == ["Alcoholwet"]
    assert _engine().evaluate(_case(peildatum="2012-12-31")).instruments["intrekking_alcoholwetvergunning"].bevoegd == "college"
    assert before.bevoegd == "burgemeester"


def test_information_from_after_the_peildatum_sets_its_facts_aside() -> None:
    case = _case(
        activiteiten=[{"type": "drugshandel", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "handelshoeveelheid"}, "plek": "in_pand", "informatie": ["later"]}],
        informatie=[{"id": "later", "bron": "politie", "grondslag": "wpg_16", "datum": "2026-12-01"}],
    )
    decision = _engine().evaluate(case)
    assert decision.instruments["sluiting_13b_opiumwet"].status == "uitgesloten"
    assert [(s.feit, s.reden) for s in decision.buiten_beschouwing] == [
        ("activiteiten[0]", "berust alleen op informatie van na de peildatum"),
        ("informatie[0]", "datum 2026-12-01 ligt na de peildatum"),
    ]
