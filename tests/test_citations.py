"""Case-law sources say what they hold, what kind of text they are and whether that was checked; the lint warns when not.

Why: a rule that cites a ruling for more than it holds, or an Advocate-General's
opinion as if it were a judgment, can close someone's home on a claim no court
made. Every ECLI carries `inhoud`, `soort` and `geverifieerd`; `rules check`
warns on a rule whose case law is all unverified and on a ruling named in a
rule's words but missing from its sources.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from weerbaar_rules.language.ruleset import Citation, load_ruleset
from weerbaar_rules.lint import WARNING, check_directory
from weerbaar_rules.render.report import citation_text

from .conftest import RULES

FIXTURES = Path(__file__).parent / "fixtures"
NIEUW = FIXTURES / "diff" / "nieuw"
RULING = {"ecli": "ECLI:NL:RVS:2024:1054", "soort": "uitspraak", "geverifieerd": True, "inhoud": "een waarschuwing is in beginsel geen besluit"}


def test_a_ruling_must_say_what_it_holds_what_it_is_and_whether_that_was_checked() -> None:
    Citation.model_validate(RULING)
    for missing in ("soort", "inhoud", "geverifieerd"):
        with pytest.raises(ValidationError, match=f"mist .*{missing}"):
            Citation.model_validate({k: v for k, v in RULING.items() if k != missing})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"soort": "arrest"}, "soort"),
        ({"inhoud": "twee\nregels"}, "één regel"),
        ({"inhoud": ""}, "at least 1 character"),
        ({"onzeker": True}, "geverifieerd: false, niet onzeker"),
        ({"url": "https://example.org/"}, "geen url"),
        ({"ecli": "ECLI:NL:PHR:2026:115"}, "Parket bij de Hoge Raad: soort is conclusie_ag"),
    ],
)
def test_a_ruling_source_is_strict(change: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Citation.model_validate(RULING | change)


def test_the_case_law_fields_belong_to_rulings_only() -> None:
    statute = {"wet": "Opiumwet", "bwb_id": "BWBR0001941", "artikel": "13b"}
    Citation.model_validate(statute)
    with pytest.raises(ValidationError, match="hoort alleen bij een uitspraak"):
        Citation.model_validate(statute | {"geverifieerd": True})


def test_an_opinion_or_interim_ruling_or_unchecked_holding_is_named_so_wherever_it_is_cited() -> None:
    opinion = Citation.model_validate(RULING | {"ecli": "ECLI:NL:PHR:2025:728", "soort": "conclusie_ag"})
    interim = Citation.model_validate(RULING | {"soort": "voorlopige_voorziening", "geverifieerd": False})
    plain = Citation.model_validate(RULING)
    assert opinion.qualified_label == "ECLI:NL:PHR:2025:728 (conclusie A-G)"
    assert interim.qualified_label == "ECLI:NL:RVS:2024:1054 (voorlopige voorziening, niet geverifieerd)"
    assert plain.qualified_label == "ECLI:NL:RVS:2024:1054"
    assert citation_text(opinion.as_output()) == "ECLI:NL:PHR:2025:728 (conclusie A-G)"
    assert citation_text(interim.as_output()) == "ECLI:NL:RVS:2024:1054 (voorlopige voorziening, niet geverifieerd)"
    assert citation_text(plain.as_output()) == "ECLI:NL:RVS:2024:1054"
    assert plain.as_output()["inhoud"] == RULING["inhoud"]


def _with_rule(tmp_path: Path, sources: str) -> list[str]:
    rule = f"""  - id: proef.bron
    title: Proefregel
    grondslag:
{sources}
    when: {{derived: bevoegdheid_13b}}
    then:
      - weigh: "een afwegingspunt"
        instrument: sluiting_13b_opiumwet
"""
    (tmp_path / "regels.yaml").write_text((NIEUW / "regels.yaml").read_text(encoding="utf-8") + rule, encoding="utf-8")
    return [f.message for f in check_directory(tmp_path) if f.level == WARNING and f.kind == "bron" and "proef.bron" in f.message]


UNCHECKED = '      - {ecli: "ECLI:NL:RVS:2023:823", soort: uitspraak, geverifieerd: false, inhoud: "niet nagelezen"}'
CHECKED = '      - {ecli: "ECLI:NL:RVS:2024:1054", soort: uitspraak, geverifieerd: true, inhoud: "nagelezen"}'
STATUTE = '      - {wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b, lid: "1"}'


def test_lint_warns_when_all_case_law_of_a_rule_is_unverified(tmp_path: Path) -> None:
    assert _with_rule(tmp_path, STATUTE + "\n" + UNCHECKED) == [
        "regel proef.bron: alle aangehaalde rechtspraak is niet geverifieerd (ECLI:NL:RVS:2023:823); lees na wat zij inhoudt of laat de verwijzing weg"
    ]


@pytest.mark.parametrize("sources", [CHECKED, UNCHECKED + "\n" + CHECKED, STATUTE], ids=["nagelezen", "een_van_twee_nagelezen", "alleen_wet"])
def test_lint_is_silent_when_some_case_law_is_verified_or_there_is_none(tmp_path: Path, sources: str) -> None:
    assert _with_rule(tmp_path, sources) == []


def test_lint_warns_on_a_ruling_named_in_the_words_but_not_among_the_sources(tmp_path: Path) -> None:
    named = CHECKED + '\n    toelichting: "zo oordeelde ECLI:NL:RVS:2019:2912."'
    messages = _with_rule(tmp_path, named)
    assert messages == ["regel proef.bron: de tekst noemt ECLI:NL:RVS:2019:2912, maar de grondslag niet; zet de uitspraak met wat zij inhoudt bij de bronnen"]


def test_every_ruling_named_in_the_national_rules_is_among_their_sources() -> None:
    findings = [f.text() for f in check_directory(RULES) if "de tekst noemt" in f.message]
    assert findings == []


def test_rulings_the_review_found_wrong_or_missing_are_not_cited_as_holding() -> None:
    """Issue 20: these were not found, predate the law they were cited for, or are cited elsewhere now."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(RULES.rglob("*.yaml")) if "scenarios" not in p.parts)
    for gone in ("ECLI:NL:RVS:2024:3200", "ECLI:NL:RVS:2023:4645", "ECLI:NL:RVS:2023:2402", "ECLI:NL:RVS:2005:AU5402", "ECLI:NL:RBAMS:2021:6718"):
        assert gone not in text, gone
    ruleset = load_ruleset(RULES)
    sources = {c.ecli: c for r in ruleset.rules for c in r.grondslag if c.ecli} | {
        c.ecli: c for i in ruleset.instruments for c in i.grondslag if c.ecli
    }
    assert sources["ECLI:NL:PHR:2026:115"].soort == "conclusie_ag"
    assert sources["ECLI:NL:PHR:2025:728"].soort == "conclusie_ag"
    assert sources["ECLI:NL:RBLIM:2022:5357"].soort == "voorlopige_voorziening"
    children = [r for r in ruleset.rules if r.id == "zacht.signaal_corporatie"][0]
    assert any(c.ecli == "ECLI:NL:PHR:2025:728" for c in children.grondslag)
    assert not any("ECLI:NL:PHR:2026:115" in (c.weigh or "") for c in children.then)
    outside = [r for r in ruleset.rules if r.id == "gemeentewet.174a.grond_a"][0]
    assert re.search(r"aanslag van buiten is geen gedraging in\s+het pand \(ECLI:NL:RVS:2017:923\)", outside.toelichting or "")
