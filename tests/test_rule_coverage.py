"""Every national rule fires in at least one example case and stays silent in at least one other.

Why: a rule that never fires in the case corpus is law nobody has seen work, and a rule
that fires in every case distinguishes nothing. Both are usually a mistake in a
condition (a misspelt value, an impossible combination, a date range that never
applies). The corpus is cases/; every scenario is evaluated as its expectation says
(peildatum, profile). Rules that depend on a municipal parameter (does the APV have
art. 2:79, is there a Wbmgp designation, ...) can only fire *zeker* once a profile
sets that parameter, so every case is evaluated a second time with a test profile in
which the municipality has every such power (tests/fixtures/).

The second half checks time travel: the same facts on different peildata must give
the law of that date.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache, lru_cache
from pathlib import Path

import pytest

from weerbaar_rules import Case, Decision, Engine
from weerbaar_rules.language.ruleset import load_ruleset
from weerbaar_rules.testing.scenarios import find, load_scenario

from .conftest import CASES, PROFILES, RULES

ROOT = Path(__file__).resolve().parent
ALL_POWERS = ROOT / "fixtures" / "profiel_alle_gemeentelijke_bevoegdheden.yaml"


@cache
def _engine(profile: str | None) -> Engine:
    return Engine.from_directory(RULES, profile=profile)


def _profile_path(name: str | None) -> str | None:
    return str(PROFILES / f"{name}.yaml") if name else None


@lru_cache(maxsize=1)
def _firings() -> list[tuple[str, frozenset[str]]]:
    """(label, rule ids that fired zeker) for every scenario, as expected and under the all-powers profile."""
    runs: list[tuple[str, frozenset[str]]] = []
    for path in find(CASES):
        scenario = load_scenario(path)
        day = scenario.expected.peildatum
        for label, profile in ((scenario.name, _profile_path(scenario.expected.profiel)), (f"{scenario.name}+alle_bevoegdheden", str(ALL_POWERS))):
            decision = _engine(profile).evaluate(scenario.case, peildatum=day)
            fired = frozenset(f.regel for f in decision.afvuringen if f.modus == "zeker")
            runs.append((label, fired))
    return runs


def _national_rule_ids() -> list[str]:
    return sorted({rule.id for rule in load_ruleset(RULES).rules})


def test_every_national_rule_fires_in_some_case() -> None:
    fired_somewhere = set().union(*(fired for _, fired in _firings()))
    never = [rule_id for rule_id in _national_rule_ids() if rule_id not in fired_somewhere]
    assert not never, f"regels die in geen enkele zaak (zeker) afvuren: {never}"


def test_every_national_rule_is_silent_in_some_case() -> None:
    always = [rule_id for rule_id in _national_rule_ids() if all(rule_id in fired for _, fired in _firings())]
    assert not always, f"regels die in elke zaak afvuren (onderscheiden niets): {always}"


def test_the_case_corpus_is_large_enough() -> None:
    cases = {load_scenario(p).name.split(".")[0] for p in find(CASES)}
    assert len(cases) >= 30


# --- Time travel: the same facts, different peildata -----------------------------------------------


def _case(name: str, known_by: str | None = None, bases: dict[str, str] | None = None) -> Case:
    """An example case; with `known_by`, all its dates shifted (keeping their intervals) to lie before that day.

    Facts dated after the peildatum do not exist for a decision on it, so a case used
    to compare two peildata must have happened before the earlier one.
    """
    data = json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))
    if known_by is not None:
        limit = dt.date.fromisoformat(known_by) - dt.timedelta(days=1)
        dated = [item for key in ("activiteiten", "vergunningen", "voorgeschiedenis", "informatie") for item in data.get(key, []) if item.get("datum")]
        latest = max((dt.date.fromisoformat(item["datum"]) for item in dated), default=limit)
        shift = min(dt.timedelta(0), limit - latest)
        for item in dated:
            item["datum"] = (dt.date.fromisoformat(item["datum"]) + shift).isoformat()
    for item in data.get("informatie", []):  # the basis of the information's own time (a moved case cites it)
        item["grondslag"] = (bases or {}).get(item.get("grondslag"), item.get("grondslag"))
    return Case.model_validate(data)


def _status(case: str, day: str, instrument: str, profile: str | None = None, known_by: str | None = None, bases: dict[str, str] | None = None) -> str:
    decision: Decision = _engine(profile).evaluate(_case(case, known_by or day, bases), peildatum=dt.date.fromisoformat(day))
    return decision.instruments[instrument].status


@pytest.mark.parametrize(
    ("case", "before", "after", "instrument", "status_before", "status_after"),
    [
        # art. 13b lid 1 onder b Opiumwet (voorbereidingshandelingen) since 2019-01-01
        ("voorbereidingshandelingen_bedrijfspand_2020", "2018-12-31", "2019-01-01", "sluiting_13b_opiumwet", "uitgesloten", "aanbevolen"),
        # art. 174a lid 1 onder b and c Gemw since 2024-01-01; before: only the noodbevel
        ("explosie_woning_2024", "2023-12-31", "2024-01-01", "sluiting_174a_gemeentewet", "uitgesloten", "aanbevolen"),
        ("explosie_woning_2024", "2023-12-31", "2024-01-01", "noodbevel_175", "aanbevolen", "mogelijk"),
        ("wapens_woning_2025", "2023-12-31", "2024-01-01", "sluiting_174a_gemeentewet", "uitgesloten", "aanbevolen"),
        # art. 77 Onteigeningswet until 2023-12-31, Omgevingswet chapter 11 since 2024-01-01
        ("recidive_onteigening_2024", "2023-12-31", "2024-01-01", "onteigening_onteigeningswet", "mogelijk", "uitgesloten"),
        ("recidive_onteigening_2024", "2023-12-31", "2024-01-01", "onteigening_omgevingswet", "uitgesloten", "mogelijk"),
    ],
)
def test_peildatum_decides_the_law(case: str, before: str, after: str, instrument: str, status_before: str, status_after: str) -> None:
    assert _status(case, before, instrument, known_by=before) == status_before
    assert _status(case, after, instrument, known_by=before) == status_after


def test_art_151d_only_since_1_july_2017() -> None:
    profile = str(ALL_POWERS)
    # In 2017 the neighbours' reports were processed under art. 8 onder e Wbp (the AVG applies since 25 May 2018).
    wbp = {"avg_6_1_e": "wbp_8_e"}
    assert _status("woonoverlast_na_waarschuwing", "2017-06-30", "gedragsaanwijzing_151d", profile, bases=wbp) == "uitgesloten"
    assert _status("woonoverlast_na_waarschuwing", "2017-07-01", "gedragsaanwijzing_151d", profile, bases=wbp) == "aanbevolen"


def _rules_for(case: str, day: str, instrument: str) -> list[str]:
    decision = _engine(None).evaluate(_case(case, day), peildatum=dt.date.fromisoformat(day))
    return decision.instruments[instrument].regels


def test_drank_en_horecawet_before_1_july_2021_and_alcoholwet_after() -> None:
    before = _rules_for("cafe_cocainehandel_alcoholwet", "2021-06-30", "intrekking_alcoholwetvergunning")
    after = _rules_for("cafe_cocainehandel_alcoholwet", "2021-07-01", "intrekking_alcoholwetvergunning")
    assert "drank_en_horecawet.31.lid1c" in before and "alcoholwet.31.lid1c" not in before
    assert "alcoholwet.31.lid1c" in after and "drank_en_horecawet.31.lid1c" not in after


def test_bibob_information_sharing_amendment_of_1_october_2022() -> None:
    """The meldplicht to the LBB after own research exists only since the amendment of 1 October 2022."""
    case = _case("shisha_lounge_bibob_ernstig_gevaar", known_by="2022-09-30")
    melding = "meld de conclusie van het eigen onderzoek"
    # Strengdam designates the exploitatievergunning for the Wet Bibob since 2019 (art. 7 Wet Bibob);
    # without a profile that designation is unknown and the refusal undecided.
    strengdam = _engine(_profile_path("strengdam"))
    before = strengdam.evaluate(case, peildatum=dt.date(2022, 9, 30)).instruments["bibob_weigering_burgemeester"]
    after = strengdam.evaluate(case, peildatum=dt.date(2022, 10, 1)).instruments["bibob_weigering_burgemeester"]
    assert before.status == after.status == "aanbevolen"
    assert not any(melding in step for step in before.procedure)
    assert any(melding in step for step in after.procedure)
