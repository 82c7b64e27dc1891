"""The information gate in three values: a condition of lawful use unknown leaves the instrument undecided and asks.

instrumenten.md §G and §H: whether information may carry a decision is a
condition of the power. Unknown (source, basis, date of provision where the
basis's validity depends on it, the conditions of art. 19/20 Wpg) is not a
defect; only an established defect excludes. A defect that needs an
established fact (provision to another body) is an exception: a point to check.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

from weerbaar_rules import Case, Engine
from weerbaar_rules.case.model import Informatie
from weerbaar_rules.engine.gate import Context, verdict
from weerbaar_rules.testing import cases
from weerbaar_rules.testing.invariants import check_information_gate

from .conftest import CASES, drug_case_data

DAY = dt.date(2026, 11, 1)
MAYOR = Context("burgemeester", "algemeen")
COLLEGE = Context("college", "algemeen")
MAYOR_BIBOB = Context("burgemeester", "bibob")


def _judge(engine: Engine, context: Context = MAYOR, day: dt.date = DAY, floor: dt.date | None = None, **fields: Any) -> Any:
    """The gate on one item; provided a month before the peildatum unless `datum` says otherwise (None: unknown)."""
    fields.setdefault("datum", day - dt.timedelta(days=30))
    return verdict(Informatie(id="i", **fields), context, engine.ruleset.information, day, floor)


def _decide(engine: Engine, **info: Any) -> Any:
    data = drug_case_data(informatie=[{"id": "pol1", **info}])
    return engine.evaluate(Case.model_validate(data))


# -- the reproduction of the outside trial ---------------------------------------------------------


def test_information_without_source_or_basis_leaves_a_textbook_closure_undecided_and_asks(engine: Engine) -> None:
    decision = _decide(engine)
    closure = decision.instruments["sluiting_13b_opiumwet"]
    assert closure.status == "onbeslist"
    assert closure.geblokkeerde_feiten == []
    assert {"informatie[0].bron", "informatie[0].grondslag"} <= set(closure.ontbrekende_feiten)
    deciding = {m.feit: m for m in decision.ontbrekende_feiten}
    for path in ("informatie[0].bron", "informatie[0].grondslag"):
        assert deciding[path].kan_aanbeveling_veranderen
        assert "sluiting_13b_opiumwet" in deciding[path].verandert_via
    assert decision.informatie[0].bruikbaar is None


def test_the_same_case_with_its_basis_stated_is_recommended(engine: Engine) -> None:
    assert _decide(engine, bron="politie", grondslag="wpg_16").instruments["sluiting_13b_opiumwet"].status == "aanbevolen"


@pytest.mark.parametrize(
    "info",
    [
        {"bron": "politie", "grondslag": "geen"},
        {"bron": "riec", "grondslag": "riec_convenant"},
        {"bron": "anonieme_melding"},
        {"bron": "om", "grondslag": "wpg_16"},
        {"bron": "politie", "grondslag": "wpg_16", "datum": "2007-06-01"},
        {"bron": "lbb", "grondslag": "bibob_28"},
    ],
    ids=["geen", "convenant", "anoniem", "bron_past_niet", "voor_2008", "doelbinding"],
)
def test_an_established_defect_still_excludes(engine: Engine, info: dict[str, Any]) -> None:
    closure = _decide(engine, **info).instruments["sluiting_13b_opiumwet"]
    assert closure.status == "uitgesloten"
    assert closure.geblokkeerde_feiten == ["activiteiten[0]"]


# -- each field: condition or exception --------------------------------------------------------------


def test_unknown_source_or_basis_is_undecided_and_named(engine: Engine) -> None:
    assert _judge(engine, bron="politie").missing == ("grondslag",)
    assert _judge(engine, grondslag="wpg_16").missing == ("bron",)
    assert _judge(engine).usable is None


def test_an_unknown_basis_no_basis_could_fill_is_a_defect(engine: Engine) -> None:
    # LBB data serve only Bibob (art. 28 Wet Bibob): whatever the basis, they cannot carry a 13b closure.
    judged = _judge(engine, bron="lbb")
    assert judged.usable is False and "geen grondslag" in judged.reason
    assert _judge(engine, MAYOR_BIBOB, bron="lbb").usable is None


def test_the_basis_is_judged_on_the_day_of_provision(engine: Engine) -> None:
    assert _judge(engine, bron="politie", grondslag="wpg_16", datum=dt.date(2007, 12, 31)).usable is False
    assert _judge(engine, bron="politie", grondslag="wpg_16", datum=dt.date(2008, 1, 1)).usable is True
    # Before the WGS took effect (1 March 2025) an RIEC provision "on the WGS" had no basis, whatever the peildatum.
    wgs = {"bron": "riec", "grondslag": "wgs"}
    assert _judge(engine, day=dt.date(2025, 6, 1), datum=dt.date(2024, 12, 10), **wgs).usable is False
    assert "dag van verstrekking" in _judge(engine, day=dt.date(2025, 6, 1), datum=dt.date(2024, 12, 10), **wgs).reason


def test_an_unknown_date_decides_only_where_the_basis_began_inside_its_bounds(engine: Engine) -> None:
    wgs = {"bron": "riec", "grondslag": "wgs"}
    # Unknown date, peildatum before the WGS: certainly provided before it.
    assert _judge(engine, day=dt.date(2025, 1, 1), datum=None, **wgs).usable is False
    # Reported fact of November 2024, peildatum June 2025: before or after 1 March 2025 is open.
    open_ = _judge(engine, day=dt.date(2025, 6, 1), floor=dt.date(2024, 11, 20), datum=None, **wgs)
    assert open_.usable is None and open_.missing == ("datum",)
    # Reported fact of April 2025: provided after the WGS took effect.
    assert _judge(engine, day=dt.date(2025, 6, 1), floor=dt.date(2025, 4, 1), datum=None, **wgs).usable is True
    # Nothing bounds it: the information may predate the Wpg (1 January 2008), so the date is asked.
    assert _judge(engine, bron="politie", grondslag="wpg_16", datum=None).missing == ("datum",)


def test_the_date_bound_comes_from_the_reported_fact(engine: Engine) -> None:
    data = drug_case_data(peildatum="2025-06-01", informatie=[{"id": "pol1", "bron": "riec", "grondslag": "wgs"}])
    data["activiteiten"][0]["datum"] = "2025-04-01"
    assert engine.evaluate(Case.model_validate(data)).instruments["sluiting_13b_opiumwet"].status == "aanbevolen"
    data["activiteiten"][0]["datum"] = "2024-11-20"
    decision = engine.evaluate(Case.model_validate(data))
    assert decision.instruments["sluiting_13b_opiumwet"].status == "onbeslist"
    assert "informatie[0].datum" in decision.instruments["sluiting_13b_opiumwet"].ontbrekende_feiten


def test_art_19_wpg_asks_its_conditions_and_bars_what_it_does_not_allow(engine: Engine) -> None:
    police = {"bron": "politie", "grondslag": "wpg_19"}
    assert _judge(engine, COLLEGE, **police).missing == ("ontvanger", "doel", "besluit_verstrekker")
    complete = {**police, "ontvanger": "college", "doel": "toezicht", "besluit_verstrekker": True}
    assert _judge(engine, COLLEGE, **complete).usable is True
    assert _judge(engine, COLLEGE, **{**complete, "besluit_verstrekker": False}).usable is False
    assert _judge(engine, COLLEGE, **{**complete, "doel": "bibob"}).usable is False
    # Art. 19 names no Bibob purpose: for a Bibob decision no stated purpose could fit.
    assert _judge(engine, Context("college", "bibob"), **police).usable is False


def test_police_data_for_bibob_go_through_art_18_not_art_16(engine: Engine) -> None:
    assert _judge(engine, MAYOR_BIBOB, bron="politie", grondslag="wpg_16").usable is False
    assert _judge(engine, MAYOR_BIBOB, bron="politie", grondslag="wpg_18").usable is True
    assert _judge(engine, Context("college", "bibob"), bron="politie", grondslag="wpg_18").usable is True
    assert _judge(engine, MAYOR, bron="politie", grondslag="wpg_18").usable is False


def test_another_recipient_is_an_exception_a_point_to_check_while_unknown(engine: Engine) -> None:
    judged = _judge(engine, bron="politie", grondslag="wpg_16")
    assert judged.usable is True and [c.fields for c in judged.checks] == [("ontvanger",)]
    assert _judge(engine, bron="politie", grondslag="wpg_16", ontvanger="college").usable is False
    assert not _judge(engine, bron="politie", grondslag="wpg_16", ontvanger="burgemeester").checks
    closure = _decide(engine, bron="politie", grondslag="wpg_16").instruments["sluiting_13b_opiumwet"]
    assert ["informatie[0].ontvanger"] in [c.ontbrekende_feiten for c in closure.te_controleren]


def test_criminal_data_of_the_bodys_own_inspection_carry_its_own_power(engine: Engine) -> None:
    own = {"bron": "eigen_toezicht", "grondslag": "avg_6_1_e", "strafrechtelijk": True}
    assert _judge(engine, **own).usable is True
    assert _decide(engine, **own).instruments["sluiting_13b_opiumwet"].status == "aanbevolen"
    # A named neighbour's report, processed for the body's own power, likewise.
    assert _judge(engine, bron="melding_burger", grondslag="avg_6_1_e", strafrechtelijk=True).usable is True


# -- the property, from the outside ------------------------------------------------------------------


def test_the_gate_property_holds_on_the_reproduction(engine: Engine) -> None:
    case = Case.model_validate(drug_case_data(informatie=[{"id": "pol1", "bron": "politie", "grondslag": "wpg_16"}]))
    assert check_information_gate(engine, case) == []


def test_the_gate_property_catches_a_gate_that_reads_unknown_as_a_defect(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from weerbaar_rules.engine import gate

    real = gate.verdict

    def strict(item: Informatie, *args: Any, **kwargs: Any) -> gate.Verdict:
        found = real(item, *args, **kwargs)
        return gate.Verdict(False, "streng") if found.usable is None else found

    monkeypatch.setattr(gate, "verdict", strict)
    case = Case.model_validate(drug_case_data(informatie=[{"id": "pol1", "bron": "politie", "grondslag": "wpg_16"}]))
    problems = check_information_gate(engine, case)
    assert any("sluit sluiting_13b_opiumwet uit" in p for p in problems), problems


NATIONAL = Engine.from_directory()


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_the_gate_property_holds_on_every_example_case(path: Path) -> None:
    case = Case.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert check_information_gate(NATIONAL, case) == []


@settings(max_examples=25)
@given(cases(NATIONAL.ruleset))
def test_the_gate_property_holds_on_generated_cases(case: Case) -> None:
    assert check_information_gate(NATIONAL, case) == []


def test_the_policy_names_only_lists_that_rest_on_information(engine: Engine) -> None:
    from pydantic import ValidationError

    from weerbaar_rules.language.ruleset import InformationPolicy

    data = engine.ruleset.information.model_dump(mode="json", exclude_none=True)
    assert InformationPolicy.model_validate(data).verstrekt_na == ["activiteiten", "antecedenten"]
    with pytest.raises(ValidationError, match="voorgeschiedenis is geen lijst waarvan de items op informatie rusten"):
        InformationPolicy.model_validate({**data, "verstrekt_na": ["voorgeschiedenis"]})


def test_every_national_basis_says_when_it_was_in_force(engine: Engine) -> None:
    # instrumenten.md §H.4: a basis counts only from its entry into force; each says so in words.
    for name, basis in engine.ruleset.information.grondslagen.items():
        assert basis.inwerkingtreding, name
        assert basis.geldig_van is not None or basis.geldig_tot is not None, name
