"""The advice as a jurist reads it (issue 23): no internal ids or English, one order, missing facts ranked by what
they decide, information by its place with a sentence per authority, who acts, and the receipt in Dutch in a footer.

The browser side of the same checks is in test_serve_page.py (test_no_internal_ids_on_the_page_for_any_example_case).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.decision.model import Decision
from weerbaar_rules.render import to_markdown, to_text
from weerbaar_rules.render.markdown import _md
from weerbaar_rules.render.page import to_page
from weerbaar_rules.render.reader import ordered, ranked_missing
from weerbaar_rules.render.why import explain_instrument, instrument_statuses

from .conftest import CASES, PROFILES, RULES
from .reader_scan import offending

EXAMPLES = sorted(CASES.glob("*.json"))
EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"


@pytest.fixture(scope="module")
def engines() -> dict[str | None, Engine]:
    out: dict[str | None, Engine] = {None: Engine.from_directory(RULES)}
    for profile in sorted(PROFILES.glob("*.yaml")):
        out[profile.stem] = Engine.from_directory(RULES, profile=profile)
    return out


def _decide(engines: dict[str | None, Engine], path: Path) -> Decision:
    case = load_case(path)
    return engines[case.gemeente.lower() if case.gemeente else None].evaluate(case)


def _strings(value: object) -> list[str]:
    """Every text a lawyer reads in the page's view: keys and ids (`id`, `feit`, `volgorde`) are for the page itself."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in ("id", "feit", "volgorde", "instrumenten") for s in _strings(v)] + [
            s for card in (value.get("instrumenten") or {}).values() for s in _strings(card)
        ]
    return []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_no_internal_id_or_english_in_any_view(engines: dict[str | None, Engine], path: Path) -> None:
    decision = _decide(engines, path)
    views = {
        "tekst": to_text(decision),
        "tekst --volledig": to_text(decision, volledig=True),
        "markdown": to_markdown(decision),
        "pagina": "\n".join(_strings(to_page(decision))),
    }
    for inst in decision.instrumenten:
        views[f"rules explain {inst.id}"] = explain_instrument(decision, inst.id)
    found = {}
    for name, text in views.items():
        bad = offending(text.replace(decision.zaak_id, " "))  # the zaak_id is the case's own, as written
        if bad:
            found[name] = sorted(set(bad))
    assert not found, found


def test_every_track_and_category_of_the_catalogue_has_a_name_and_an_explanation() -> None:
    catalogue = yaml.safe_load((RULES / "catalogus.yaml").read_text(encoding="utf-8"))
    words = catalogue["woorden"]
    for inst in catalogue["instruments"]:
        assert inst["spoor"] in words["sporen"] and words["sporen"][inst["spoor"]].get("uitleg"), inst["id"]
        assert inst["categorie"] in words["categorieen"] and words["categorieen"][inst["categorie"]].get("uitleg"), inst["id"]
    authorities = {a["bevoegd"] if isinstance(a, dict) else a for i in catalogue["instruments"] for a in ([i["bevoegd"]] if isinstance(i["bevoegd"], str) else i["bevoegd"])}
    assert authorities <= set(words["bevoegden"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_one_order_of_instruments_in_every_view(engines: dict[str | None, Engine], path: Path) -> None:
    decision = _decide(engines, path)
    order = [i.naam for i in ordered(decision)]
    text = to_text(decision, volledig=True)
    summary = [ln[4:].split(": passend", 1)[0] for ln in text.splitlines() if ln.startswith("  * ") and ": passend" in ln]
    details = [re.sub(r"^\[[^\]]+\] ", "", ln) for ln in text.splitlines() if re.match(r"^\[(AANBEVOLEN|mogelijk|onbeslist|uitgesloten)\] ", ln)]
    assert details == order
    assert summary == [n for n in order if decision.instruments[_id(decision, n)].status == "aanbevolen"]
    md = to_markdown(decision)
    recommended_md = [m for m in re.findall(r"^\*\*(.+?)\*\* — bevoegd", md, re.M)]
    assert recommended_md == summary
    listed = [ln.split()[1] for ln in instrument_statuses(decision).splitlines()[2:] if ln.strip()]
    assert listed == [i.id for i in ordered(decision)]
    assert to_page(decision)["volgorde"] == listed
    assert [a["naam"] for a in to_page(decision)["aanbevolen"]] == summary


def _id(decision: Decision, name: str) -> str:
    return next(i.id for i in decision.instrumenten if i.naam == name)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_missing_facts_are_ranked_alike_in_text_markdown_and_page(engines: dict[str | None, Engine], path: Path) -> None:
    decision = _decide(engines, path)
    ranked = ranked_missing(decision)
    assert [r.rank for r in ranked] == sorted(r.rank for r in ranked)
    assert sorted(r.fact.feit for r in ranked) == sorted(f.feit for f in decision.ontbrekende_feiten)  # the JSON keeps them all
    page = [f["feit"] for group in to_page(decision)["vragen"] for f in group["feiten"]]
    assert page == [r.fact.feit for r in ranked]
    open_names = [r.name for r in ranked if r.rank < 2]
    text = to_text(decision, volledig=True)
    md = to_markdown(decision)
    positions = [text.index(f"    - {name} (") for name in open_names]
    assert positions == sorted(positions)
    section = md[md.index("## Ontbrekende feiten") :] if open_names else ""
    md_positions = [section.index(f"- {_md(name)} — ") for name in open_names]
    assert md_positions == sorted(md_positions)


def test_the_closure_case_names_nothing_that_changes_its_track_first(engines: dict[str | None, Engine]) -> None:
    decision = _decide(engines, EXAMPLE)
    ranked = ranked_missing(decision)
    # nothing unknown can change the 13b closure or its track: every question is about another instrument's track
    assert ranked and {r.rank for r in ranked} == {1}
    text = to_text(decision)
    assert "Kan een aanbevolen instrument of zijn spoor veranderen:\n    Geen:" in text


def test_information_by_its_place_with_a_sentence_per_authority(engines: dict[str | None, Engine]) -> None:
    decision = _decide(engines, CASES / "politiegegevens_voor_college.json")
    text = to_text(decision)
    assert "informatie 1 (politie, art. 16 Wpg)" in text
    assert "pol1" not in text
    sentences = to_page(decision)["informatie"][0]["zinnen"]
    assert [s.split(" mag ", 1)[0] for s in sentences] == ["De burgemeester", "Het college van burgemeester en wethouders", "De gemeenteraad"]
    # Art. 16 Wpg serves public order: not a Bibob decision (doelbinding; a Bibob check needs art. 18 Wpg).
    assert sentences[0].startswith("De burgemeester mag haar gebruiken voor de eigen bevoegdheden in deze zaak (bruikbaar op grond van art. 16 lid 1 onder b Wpg)")
    assert "niet voor een Bibob-toets" in sentences[0] and "dient niet voor een Bibob-besluit (doelbinding)" in sentences[0]
    assert sentences[1].startswith("Het college van burgemeester en wethouders mag haar niet gebruiken: art. 16 lid 1 onder b Wpg verstrekt aan burgemeester")


def test_held_back_information_says_who_may_not_use_which(engines: dict[str | None, Engine]) -> None:
    decision = _decide(engines, EXAMPLE)
    text = to_text(decision)
    line = next(ln for ln in text.splitlines() if "niet gebruikt (AVG)" in ln)
    assert "de gemeenteraad mag voor dit instrument niet gebruiken: informatie 1 (politie, art. 16 Wpg)" in line
    assert "activiteit 1 (drugshandel)" in line


def test_the_landlord_ends_the_lease_and_the_burgemeester_informs_her(engines: dict[str | None, Engine]) -> None:
    decision = _decide(engines, EXAMPLE)
    signal = decision.instruments["signaal_woningcorporatie"]
    assert signal.bevoegd == "woningcorporatie" and signal.status == "aanbevolen"
    # the burgemeester's step is what the information gate judges: the police information still carries it
    uses = [u for v in decision.informatie for u in v.gebruik if "signaal_woningcorporatie" in u.instrumenten]
    assert [(u.bevoegd, u.bruikbaar) for u in uses] == [("burgemeester", True)]
    assert "bevoegd: de woningcorporatie (als verhuurder); de burgemeester informeert de woningcorporatie over de sluiting" in to_text(decision)


def test_tracks_in_words_explained_the_first_time(engines: dict[str | None, Engine]) -> None:
    text = to_text(_decide(engines, EXAMPLE))
    assert "spoor 'pand'" not in text and "spoor 'huur'" not in text
    assert text.count("het spoor van het pand (maatregelen tegen wat er in of bij het pand gebeurt") == 1


def test_the_receipt_is_dutch_and_in_the_footer(engines: dict[str | None, Engine]) -> None:
    decision = _decide(engines, EXAMPLE)
    r = decision.ontvangstbewijs
    text = to_text(decision)
    assert text.splitlines()[-1] == f"Ontvangstbewijs: regelset nl {r.ruleset_versie}, vingerafdruk {r.ruleset_hash[:12]}…; weerbaar-rules {r.engine_versie}"
    assert r.ruleset_hash[:12] not in "\n".join(text.splitlines()[:-1])
    md = to_markdown(decision)
    assert md.rstrip().splitlines()[-1].startswith("_Ontvangstbewijs: regelset nl") and md.index(r.ruleset_hash[:12]) > md.index("## Bronnen")
