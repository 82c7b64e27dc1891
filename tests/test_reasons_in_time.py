"""An instrument excluded because the law did not yet (or no longer) hold on the peildatum says so, in words and with the date.

The words come from the rules' own titles and geldig_van / geldig_tot
(decision/assemble.py), not from Python: 13b Opiumwet for woningen since
1 November 2007, voorbereidingshandelingen since 1 January 2019, 174a grounds b
and c since 1 January 2024, 151d since 1 July 2017. They appear only where time
is why: a rule that would not apply on these facts anyway gives no such words.
"""

from __future__ import annotations

from typing import Any

from weerbaar_rules import Case, Engine

from .conftest import CASES

TIME = "gold op de peildatum"


def _case(**data: Any) -> Case:
    base: dict[str, Any] = {
        "schema_versie": "2",
        "zaak_id": "t",
        "peildatum": "2005-06-01",
        "locatie": {"type": "woning", "beroepsgebruik": "geen", "minderjarigen": False},
        "activiteiten": [
            {"type": "drugshandel", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "handelshoeveelheid"}, "plek": "in_pand", "datum": "2005-05-01", "informatie": ["p"]}
        ],
        # Before 2008 police data reached the burgemeester under the Wet politieregisters.
        "informatie": [{"id": "p", "bron": "politie", "grondslag": "wpr"}],
    }
    return Case.model_validate({**base, **data})


def _reasons(engine: Engine, case: Case, instrument: str) -> list[str]:
    decided = engine.evaluate(case).instruments[instrument]
    assert decided.status == "uitgesloten"
    return decided.redenen


def test_a_woning_before_november_2007_names_the_date_of_13b(engine: Engine) -> None:
    reasons = _reasons(engine, _case(), "sluiting_13b_opiumwet")
    assert any("gold op de peildatum (1 juni 2005) nog niet (sinds 1 november 2007:" in r for r in reasons), reasons
    unmet = engine.evaluate(_case()).instruments["sluiting_13b_opiumwet"].onvervulde_voorwaarden
    assert not any("pand_13b" in u or "grond_13b_a" in u for u in unmet), unmet


def test_no_date_where_the_later_law_would_not_have_applied_either(engine: Engine) -> None:
    # Public space is no woning or lokaal, then or now: 13b is out, but not because of its date.
    in_public = _case(locatie={"type": "openbare_ruimte"})
    assert not any(TIME in r for r in _reasons(engine, in_public, "sluiting_13b_opiumwet"))
    # One pill is a user quantity, then and now: the date is a reason, but not the only one, and the other stays named.
    one_pill = _case(
        activiteiten=[
            {"type": "drugsopslag", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "stuks", "waarde": 1}, "plek": "in_pand", "datum": "2005-05-01", "informatie": ["p"]}
        ]
    )
    assert any("sinds 1 november 2007" in r for r in _reasons(engine, one_pill, "sluiting_13b_opiumwet"))
    unmet = engine.evaluate(one_pill).instruments["sluiting_13b_opiumwet"].onvervulde_voorwaarden
    assert any("grond_13b_a" in u for u in unmet), unmet


def test_the_same_facts_after_the_date_have_the_power(engine: Engine) -> None:
    later = _case(peildatum="2008-01-02", activiteiten=[
        {"type": "drugshandel", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "handelshoeveelheid"}, "plek": "in_pand", "datum": "2007-12-01", "informatie": ["p"]}
    ], informatie=[{"id": "p", "bron": "politie", "grondslag": "wpg_16", "datum": "2008-01-02"}])
    assert engine.evaluate(later).instruments["sluiting_13b_opiumwet"].status in ("aanbevolen", "mogelijk")


def test_example_cases_name_the_law_of_their_date(engine: Engine) -> None:
    def reasons_of(name: str, instrument: str) -> list[str]:
        case = Case.model_validate_json((CASES / f"{name}.json").read_text(encoding="utf-8"))
        return _reasons(engine, case, instrument)

    assert any("nog niet (sinds 1 januari 2019:" in r for r in reasons_of("voorbereidingshandelingen_bedrijfspand_2018", "sluiting_13b_opiumwet"))
    assert any("nog niet (sinds 1 januari 2024:" in r and "174a lid 1 onder b" in r for r in reasons_of("explosie_woning_2023", "sluiting_174a_gemeentewet"))
    assert any("nog niet (sinds 1 juli 2017:" in r for r in reasons_of("woonoverlast_2016_voor_151d", "gedragsaanwijzing_151d"))
    # No alcohol licence in a 2018 loods: the Alcoholwet's date is not why withdrawal is out.
    assert not any(TIME in r for r in reasons_of("voorbereidingshandelingen_bedrijfspand_2018", "intrekking_alcoholwetvergunning"))
