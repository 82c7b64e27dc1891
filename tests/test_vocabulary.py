"""Legal vocabulary lives in the ruleset: a new law with its domain and BWB id needs no Python edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from weerbaar_rules import Case, Engine, ProfileError, RulesetError
from weerbaar_rules.case.model import Bron, Grondslag
from weerbaar_rules.case.names import BASIS_NAMES, ITEM_FIELDS, SOURCE_NAMES
from weerbaar_rules.decision.faces import rule_domain
from weerbaar_rules.language.ruleset import load_ruleset
from weerbaar_rules.lint import ERROR, check_directory
from weerbaar_rules.render.dot import to_dot

from .conftest import PROFILES, RULES

# A law the national rules do not know (fictional name and id), brought in by one new file.
NEW_LAW = """
domeinen:
  voorbeeldwet: Wet voorbeeldbevoegdheid
wetten:
  Wet voorbeeldbevoegdheid: {bwb_id: BWBR0099999, ook: [Wvb]}
rules:
  - id: voorbeeldwet.waarschuwing
    title: Een waarschuwing op grond van de voorbeeldwet bij illegaal gokken
    grondslag: [{wet: Wvb, bwb_id: BWBR0099999, artikel: "1"}]
    when: {some: activiteiten, where: {fact: type, equals: illegaal_gokken}}
    then: [{available: bestuurlijke_waarschuwing}]
"""
# A second rule citing the same law under a wrong BWB id: the only citation with that id.
WRONG_ID = """
  - id: voorbeeldwet.ander_artikel
    title: Nog een artikel van de voorbeeldwet
    grondslag: [{wet: Wet voorbeeldbevoegdheid, bwb_id: BWBR0099998, artikel: "2"}]
    when: {some: activiteiten, where: {fact: type, equals: illegaal_gokken}}
    then: [{available: bestuurlijke_waarschuwing}]
"""
GAMBLING = {
    "schema_versie": "2",
    "zaak_id": "v",
    "peildatum": "2025-06-01",
    "locatie": {"type": "lokaal"},
    "activiteiten": [{"type": "illegaal_gokken", "plek": "in_pand", "informatie": ["e"]}],
    "informatie": [{"id": "e", "bron": "eigen_toezicht", "grondslag": "avg_6_1_e", "datum": "2025-05-01"}],
}


def _copy(tmp_path: Path, extra: str | None = None) -> Path:
    target = tmp_path / "nl"
    shutil.copytree(RULES, target)
    if extra is not None:
        (target / "voorbeeldwet.yaml").write_text(extra, encoding="utf-8")
    return target


def test_a_new_law_is_grouped_under_its_own_domain(tmp_path: Path) -> None:
    engine = Engine.from_directory(_copy(tmp_path, NEW_LAW))
    decision = engine.evaluate(Case.model_validate(GAMBLING))
    node = decision.explanation.nodes["regel:voorbeeldwet.waarschuwing"]
    assert node["domein"] == "Wet voorbeeldbevoegdheid" and node["modus"] == "zeker"
    assert 'label="Wet voorbeeldbevoegdheid"' in to_dot(decision, volledig=True)
    # The national domains still name the national rules; a prefix without a domain shows as it is.
    domains = {data["regel"].split(".")[0]: data["domein"] for _, data in decision.explanation.nodes(data=True) if data.get("soort") == "regel"}
    assert domains["zacht"] == "Zachte maatregelen"
    assert domains["drank_en_horecawet"] == "Alcoholwet (tot 1 juli 2021 Drank- en Horecawet)"
    rule = engine.ruleset.rules[0]
    assert rule_domain(rule, {}) == rule.id.split(".", 1)[0]


def test_a_new_law_is_linted_against_its_own_bwb_id(tmp_path: Path) -> None:
    def bron_errors(directory: Path) -> list[str]:
        return [f.message for f in check_directory(directory) if f.kind == "bron" and f.level == ERROR]

    # Cited under its other name with the right id: nothing to report.
    assert bron_errors(_copy(tmp_path / "goed", NEW_LAW)) == []
    # One citation with a wrong id: only the declared id can say it is wrong (no majority to go by).
    wrong = bron_errors(_copy(tmp_path / "fout", NEW_LAW + WRONG_ID))
    assert wrong == ["regel voorbeeldwet.ander_artikel: 'wet voorbeeldbevoegdheid' heeft bwb_id BWBR0099999, niet BWBR0099998: de link wijst naar een andere wet"]
    undeclared = NEW_LAW.replace("  Wet voorbeeldbevoegdheid: {bwb_id: BWBR0099999, ook: [Wvb]}\n", "").replace("wetten:\n", "")
    assert bron_errors(_copy(tmp_path / "onbekend", undeclared + WRONG_ID)) == []


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("domeinen: {opiumwet: Opiumwet}\n", r"voorbeeldwet\.yaml:1: domein 'opiumwet' is dubbel gedeclareerd"),
        ("wetten:\n  Awb: {bwb_id: BWBR0005537}\n", r"voorbeeldwet\.yaml:2: wet 'Awb' is dubbel gedeclareerd \(ook op .*ruleset\.yaml:\d+\)"),
        ("wetten:\n  Wet x: {bwb_id: BWBR12}\n", r"voorbeeldwet\.yaml:2: wetten\.Wet x\.bwb_id"),
        ("domeinen: {Opium.wet: Opiumwet}\n", r"voorbeeldwet\.yaml:1: domeinen"),
        ("verzwaring: {drugsactiviteiten: [drugshandel]}\n", r"voorbeeldwet\.yaml: verzwaring staat in meer dan een bestand"),
    ],
)
def test_a_broken_vocabulary_names_file_and_line(tmp_path: Path, extra: str, message: str) -> None:
    with pytest.raises(RulesetError, match=message):
        load_ruleset(_copy(tmp_path, extra))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("waarschuwing: bestuurlijke_waarschuwing", "waarschuwing: waarschuwen", r"ruleset\.yaml:\d+: verzwaring\.waarschuwing: onbekend instrument 'waarschuwen'"),
        ("[drugshandel, drugsopslag, drugsproductie]", "[drugshandel, drugsverkoop]", r"ruleset\.yaml:\d+: verzwaring\.drugsactiviteiten\[1\]: ongeldige waarde"),
    ],
)
def test_the_aggravations_name_known_activities_and_instruments(tmp_path: Path, old: str, new: str, message: str) -> None:
    target = _copy(tmp_path)
    meta = target / "ruleset.yaml"
    text = meta.read_text(encoding="utf-8")
    assert old in text
    meta.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(RulesetError, match=message):
        load_ruleset(target)


def test_a_profile_keeps_the_national_vocabulary_and_brings_none(tmp_path: Path) -> None:
    national = load_ruleset(RULES)
    profiled = load_ruleset(RULES, PROFILES / "strengdam.yaml")
    assert (profiled.domains, profiled.laws, profiled.aggravation) == (national.domains, national.laws, national.aggravation)
    profile = tmp_path / "p.yaml"
    profile.write_text((PROFILES / "strengdam.yaml").read_text(encoding="utf-8") + "domeinen: {strengdam: Strengdam}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"p\.yaml:\d+: domeinen"):
        load_ruleset(RULES, profile)


def test_every_source_and_basis_has_a_dutch_name_in_the_model() -> None:
    # The names come from the case model's field metadata (model.py), next to the values themselves.
    assert set(SOURCE_NAMES) == {b.value for b in Bron} | {None}
    assert set(BASIS_NAMES) == {g.value for g in Grondslag} | {None}
    assert ITEM_FIELDS["activiteiten"]["hoeveelheid.eenheid"] == "hoeveelheid (eenheid of oordeel)"


def test_every_national_rule_has_a_named_domain() -> None:
    # A prefix without a `domeinen` entry shows raw in the pictures (it did for drank_en_horecawet.*).
    ruleset = load_ruleset(RULES)
    unnamed = sorted({rule.id.split(".", 1)[0] for rule in ruleset.rules} - set(ruleset.domains))
    assert unnamed == []
