"""Semantics of the rule language on a small ruleset: unknown facts, negation, time, counts, AVG, profiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from weerbaar_rules import Case, Engine

TAAL = Path(__file__).parent / "fixtures" / "taal"


@pytest.fixture(scope="module")
def taal() -> Engine:
    return Engine.from_directory(TAAL)


def case(activities: list[dict[str, Any]] | None = None, **extra: Any) -> Case:
    data: dict[str, Any] = {
        "schema_versie": "2",
        "zaak_id": "t",
        "peildatum": "2026-11-01",
        "locatie": {"type": "woning", "minderjarigen": False},
        "activiteiten": activities if activities is not None else [],
        "informatie": [{"id": "p", "bron": "politie", "grondslag": "wpg_16"}, {"id": "anon", "bron": "anonieme_melding", "grondslag": "geen"}],
    }
    data.update(extra)
    return Case.model_validate(data)


def act(gewicht_gram: float | None = None, **fields: Any) -> dict[str, Any]:
    """A drug activity; a weight becomes the activity's one quantity in gram."""
    quantity = {"hoeveelheid": {"eenheid": "gram", "waarde": gewicht_gram}} if gewicht_gram is not None else {}
    return {"type": "drugshandel", "informatie": ["p"], **quantity, **fields}


def status(engine: Engine, c: Case, **kw: Any) -> dict[str, str]:
    return {i.id: i.status for i in engine.evaluate(c, **kw).instrumenten}


def test_definite_facts_make_available_and_recommend_least_intrusive(taal: Engine) -> None:
    decision = taal.evaluate(case([act(opiumwet_lijst="I", gewicht_gram=10)]))
    assert decision.instruments["hard"].status == "mogelijk"
    assert decision.instruments["zacht"].status == "aanbevolen"  # same spoor, less intrusive
    assert decision.aanbevolen == ["zacht"]


def test_unknown_fact_makes_undecided_and_names_it(taal: Engine) -> None:
    decision = taal.evaluate(case([act(opiumwet_lijst="I")]))  # weight unknown
    hard = decision.instruments["hard"]
    assert hard.status == "onbeslist"
    assert any("hoeveelheid" in m for m in hard.ontbrekende_feiten)


def test_known_false_fact_excludes_instead_of_undecided(taal: Engine) -> None:
    assert status(taal, case([act(opiumwet_lijst="II", gewicht_gram=10)]))["hard"] == "uitgesloten"


def test_exclusion_wins_and_unknown_exclusion_makes_undecided(taal: Engine) -> None:
    drugs = [act(opiumwet_lijst="I", gewicht_gram=10)]
    assert status(taal, case(drugs, locatie={"type": "woning", "minderjarigen": True}))["hard"] == "uitgesloten"
    undecided = taal.evaluate(case(drugs, locatie={"type": "woning"}))
    assert undecided.instruments["hard"].status == "onbeslist"
    assert any("minderjarigen" in m for m in undecided.instruments["hard"].ontbrekende_feiten)


def test_validity_period_follows_peildatum(taal: Engine) -> None:
    c = case([act(opiumwet_lijst="II", gewicht_gram=1)])
    assert status(taal, c)["nieuw"] == "mogelijk"
    before = taal.evaluate(c.model_copy(update={"peildatum": __import__("datetime").date(2023, 12, 31)}))
    assert before.instruments["nieuw"].status == "uitgesloten"
    assert any("geldt niet op peildatum 2023-12-31" in u for u in before.instruments["nieuw"].onvervulde_voorwaarden)


def test_negation_of_derived_fact_is_stratified(taal: Engine) -> None:
    # nieuw needs "no harddrugs": with harddrugs derived it must not fire, whatever the fact order.
    for acts in ([act(opiumwet_lijst="I", gewicht_gram=10), act(opiumwet_lijst="II")], [act(opiumwet_lijst="II"), act(opiumwet_lijst="I", gewicht_gram=10)]):
        assert status(taal, case(acts))["nieuw"] == "uitgesloten"


def test_negation_of_possibly_derived_fact_is_undecided(taal: Engine) -> None:
    # harddrugs is only possible (weight unknown), so "not harddrugs" is unknown too.
    assert status(taal, case([act(opiumwet_lijst="I")]))["nieuw"] == "onbeslist"


def test_unknown_parameter_is_undecided_and_profile_decides(taal: Engine) -> None:
    decision = taal.evaluate(case([act()]))
    apv = decision.instruments["apv_sluiting"]
    assert apv.status == "onbeslist"
    assert any("parameter apv" in m for m in apv.ontbrekende_feiten)
    with_profile = Engine.from_directory(TAAL, profile=TAAL.parent / "taal_profiel.yaml")
    assert status(with_profile, case([act()]))["apv_sluiting"] == "mogelijk"


def test_profile_changes_are_recorded(taal: Engine) -> None:
    engine = Engine.from_directory(TAAL, profile=TAAL.parent / "taal_profiel.yaml")
    decision = engine.evaluate(case([act(opiumwet_lijst="I", gewicht_gram=2)], locatie={"type": "woning", "minderjarigen": True}))
    assert decision.instruments["hard"].status == "mogelijk"  # threshold 1 g and exclusion switched off
    changes = {(c["soort"], c["onderwerp"]) for c in decision.ontvangstbewijs.profiel_wijzigingen}
    assert changes == {("parameter", "apv"), ("parameter", "drempel"), ("regel_uit", "t.geen_minderjarigen")}
    assert decision.ontvangstbewijs.profiel == "proef"
    assert len(decision.ontvangstbewijs.profiel_hash or "") == 64


def test_count_with_relative_dates(taal: Engine) -> None:
    def measures(*dates: str) -> list[dict[str, str]]:
        return [{"instrument": "zacht", "datum": d} for d in dates]

    assert status(taal, case(voorgeschiedenis=measures("2026-01-01", "2026-06-01")))["herhaling"] == "mogelijk"
    assert status(taal, case(voorgeschiedenis=measures("2025-01-01", "2026-06-01")))["herhaling"] == "uitgesloten"
    assert status(taal, case(voorgeschiedenis=measures("2026-06-01")))["herhaling"] == "uitgesloten"


def test_fact_resting_only_on_unlawful_information_is_not_used(taal: Engine) -> None:
    decision = taal.evaluate(case([act(opiumwet_lijst="I", gewicht_gram=10, informatie=["anon"])]))
    assert decision.aanbevolen == []
    zacht = decision.instruments["zacht"]
    assert zacht.status == "uitgesloten"
    assert zacht.geblokkeerde_feiten == ["activiteiten[0]"]
    assert any("eigen onderzoek" in r for r in zacht.redenen)
    verdicts = {v.id: v.bruikbaar for v in decision.informatie}
    assert verdicts == {"p": True, "anon": False}


def test_firings_record_rule_and_matched_facts(taal: Engine) -> None:
    decision = taal.evaluate(case([act(opiumwet_lijst="I", gewicht_gram=10)]))
    firings = {(f.regel, f.modus): f.feiten for f in decision.afvuringen}
    # The case fact is part of a match only when the rule tests something on it (here: locatie.type).
    assert firings[("t.harddrugs", "zeker")] == ["activiteiten[0]"]
    assert firings[("t.hard", "zeker")] == ["afgeleid:harddrugs:zeker", "zaak"]


def _versions(tmp_path: Path, first_end: str, second_start: str) -> Path:
    import shutil

    directory = tmp_path / "regels"
    shutil.copytree(TAAL, directory)
    rule = """  - id: t.versie
    title: versie {n}
    geldig_van: {van}
    geldig_tot: {tot}
    grondslag: [{{wet: Gemeentewet, bwb_id: BWBR0005416, artikel: 174a}}]
    when: {{some: activiteiten}}
    then: [{{derive: versie{n}}}]
"""
    text = (directory / "regels.yaml").read_text()
    text += rule.format(n=1, van="2020-01-01", tot=first_end) + rule.format(n=2, van=second_start, tot="null")
    (directory / "regels.yaml").write_text(text)
    return directory


def test_versions_of_a_rule_follow_each_other_in_time(tmp_path: Path) -> None:
    import datetime as dt

    engine = Engine.from_directory(_versions(tmp_path, "2023-12-31", "2024-01-01"))
    assert engine.ruleset.warnings == ()
    c = case([act()])
    assert "versie2" in engine.evaluate(c).afgeleide_feiten
    old = engine.evaluate(c, peildatum=dt.date(2023, 6, 1)).afgeleide_feiten
    assert "versie1" in old and "versie2" not in old


def test_overlapping_versions_are_an_error(tmp_path: Path) -> None:
    from weerbaar_rules import RulesetError

    with pytest.raises(RulesetError, match="overlapt"):
        Engine.from_directory(_versions(tmp_path, "2024-06-30", "2024-01-01"))


def test_gap_between_versions_is_reported(tmp_path: Path) -> None:
    engine = Engine.from_directory(_versions(tmp_path, "2023-06-30", "2024-01-01"))
    assert any("gat in de geldigheid" in w for w in engine.ruleset.warnings)
