"""`rules check`: static analysis finds every kind of mistake, with file and line, and passes clean rulesets."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from weerbaar_rules import RulesetError
from weerbaar_rules.cli import main
from weerbaar_rules.language.ruleset import load_ruleset
from weerbaar_rules.lint import ERROR, WARNING, Finding, check_directory

from .conftest import RULES

FIXTURES = Path(__file__).parent / "fixtures"
KAPOT = FIXTURES / "check" / "kapot"
NIEUW = FIXTURES / "diff" / "nieuw"


@pytest.fixture(scope="module")
def kapot() -> list[Finding]:
    return check_directory(KAPOT)


def _at(findings: list[Finding], line: int) -> list[Finding]:
    return [f for f in findings if f.where == f"{KAPOT / 'regels.yaml'}:{line}"]


@pytest.mark.parametrize(
    ("line", "level", "kind", "text"),
    [
        (15, ERROR, "nooit", "regel k.tegenstrijdig kan nooit vuren: locatie.type kan niet tegelijk voldoen aan: equals woning, equals lokaal"),
        (23, ERROR, "nooit", "regel k.getallen kan nooit vuren: geen item in activiteiten kan voldoen"),
        (30, ERROR, "schema", "geldig_tot ligt voor geldig_van"),
        (39, ERROR, "bron", "wetsbron mist artikel"),
        (42, ERROR, "veld", "'locatie.typ' is geen veld van de zaak"),
        (47, ERROR, "nooit", "parameter apv_artikel kan nooit ja zijn"),
        (52, WARNING, "nooit", "regel k.param_uit kan met de landelijke parameters nooit vuren, alleen met een gemeenteprofiel"),
        (63, ERROR, "nooit", "afgeleid feit 'pand' kan in deze periode door geen regel worden afgeleid"),
        (75, ERROR, "geldigheid", "regel k.versie: geldigheid overlapt met de versie op"),
        (87, WARNING, "geldigheid", "regel k.gat: gat in de geldigheid tussen 2019-12-31 en 2021-01-01"),
        (93, WARNING, "conflict", "regel k.uitsluiting sluit sluiting uit, regel k.versie"),
        (104, ERROR, "bron", "'gemeentewet' heeft bwb_id BWBR0005416, niet BWBR0001941"),
        (104, ERROR, "nooit", "locatie.minderjarigen moet onbekend zijn en wordt tegelijk getoetst"),
        (109, ERROR, "nooit", "'some activiteiten' botst met 'not some activiteiten'"),
        (13, WARNING, "ongebruikt", "instrument 'vergeten' wordt nooit aanbevolen"),
    ],
)
def test_each_mistake_is_found_at_its_line(kapot: list[Finding], line: int, level: str, kind: str, text: str) -> None:
    assert any(f.level == level and f.kind == kind and text in f.message for f in _at(kapot, line)), [f.text() for f in _at(kapot, line)]


def test_unused_parameter_is_a_warning(kapot: list[Finding]) -> None:
    assert any(f.kind == "ongebruikt" and "nooit_gebruikt" in f.message for f in kapot)


def test_declared_override_silences_the_conflict(kapot: list[Finding]) -> None:
    # k.uitsluiting_bedoeld excludes sluiting in a gebied and declares overrides; no rule granting
    # sluiting is reported against it.
    assert not any("k.uitsluiting_bedoeld sluit" in f.message for f in kapot)


def test_conflict_needs_overlapping_conditions(kapot: list[Finding]) -> None:
    # k.uitsluiting (minderjarigen) overlaps the rules that make sluiting available, but not
    # k.tegenstrijdig, whose conditions can never hold together.
    assert not any("regel k.tegenstrijdig (" in f.message for f in kapot if f.kind == "conflict")


def test_a_clean_ruleset_has_no_findings() -> None:
    assert check_directory(NIEUW) == []


def test_the_national_ruleset_has_no_errors() -> None:
    errors = [f.text() for f in check_directory(RULES) if f.level == ERROR]
    assert not errors, "\n".join(errors)


def test_overrides_silence_a_conflict_and_must_name_existing_rules(tmp_path: Path) -> None:
    base = (NIEUW / "regels.yaml").read_text(encoding="utf-8")
    exclusion = """  - id: uitzondering.apotheek
    title: Geen sluiting van een apotheek
    grondslag: [{wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b, lid: "2"}]
    when: {fact: locatie.beroepsgebruik, equals: apotheker}
    then: [{exclude: sluiting_13b_opiumwet, reason: apotheek}]
"""
    (tmp_path / "regels.yaml").write_text(base + exclusion, encoding="utf-8")
    conflicts = [f for f in check_directory(tmp_path) if f.kind == "conflict"]
    assert {f.message.split(" (")[0] for f in conflicts} == {
        "regel uitzondering.apotheek sluit sluiting_13b_opiumwet uit, regel opiumwet.13b.bevoegdheid",
        "regel uitzondering.apotheek sluit sluiting_13b_opiumwet uit, regel damocles.harddrugs",
        "regel uitzondering.apotheek sluit sluiting_13b_opiumwet uit, regel damocles.voorbereiding",
    }
    declared = exclusion.replace("    then:", "    overrides: [opiumwet.13b.bevoegdheid, damocles.harddrugs, damocles.voorbereiding]\n    then:")
    (tmp_path / "regels.yaml").write_text(base + declared, encoding="utf-8")
    assert [f for f in check_directory(tmp_path) if f.kind == "conflict"] == []
    (tmp_path / "regels.yaml").write_text(base + declared.replace("damocles.harddrugs", "damocles.hardrugs"), encoding="utf-8")
    with pytest.raises(RulesetError, match="overrides noemt onbekende regel 'damocles.hardrugs'"):
        load_ruleset(tmp_path)
    assert any(f.level == ERROR and "damocles.hardrugs" in f.message for f in check_directory(tmp_path))


def test_a_broken_file_does_not_hide_the_others(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text((NIEUW / "regels.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("rules:\n  - id: x\n    title: [kapot\n", encoding="utf-8")
    findings = check_directory(tmp_path)
    assert [f.kind for f in findings if f.level == ERROR] == ["schema"]
    assert findings[0].where.startswith(str(tmp_path / "b.yaml"))


def test_cli_exits_non_zero_on_errors_with_file_and_line() -> None:
    result = CliRunner().invoke(main, ["check", str(KAPOT)])
    assert result.exit_code == 1
    assert f"{KAPOT / 'regels.yaml'}:15: fout [nooit]: regel k.tegenstrijdig kan nooit vuren" in result.output
    assert result.output.rstrip().endswith("11 fout(en), 10 waarschuwing(en)")


def test_cli_warnings_alone_pass_unless_strict(tmp_path: Path) -> None:
    (tmp_path / "regels.yaml").write_text((FIXTURES / "taal" / "regels.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert CliRunner().invoke(main, ["check", str(tmp_path)]).exit_code == 0
    assert CliRunner().invoke(main, ["check", str(tmp_path), "--strikt"]).exit_code == 1


def test_cli_json_output() -> None:
    result = CliRunner().invoke(main, ["check", str(KAPOT), "--format", "json"])
    data = json.loads(result.output)
    assert {"niveau", "plaats", "soort", "melding"} == set(data["bevindingen"][0])
    assert sum(1 for f in data["bevindingen"] if f["niveau"] == ERROR) == 11


def test_cli_bad_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(tmp_path / "bestaat_niet")])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "bestaat niet" in result.output


def test_check_reads_a_dated_parameter_the_way_the_loader_does(tmp_path: Path) -> None:
    # A national parameter with versions is a value per period; the lint used to parse rules with
    # no value at all and report "heeft geen waarde" for a ruleset that evaluate accepts.
    shutil.copytree(RULES, tmp_path / "nl")
    path = tmp_path / "nl" / "opiumwet.yaml"
    text = path.read_text(encoding="utf-8")
    dated = "    versies:\n      - {waarde: 0.5, geldig_tot: 2019-12-31}\n      - {waarde: 1, geldig_van: 2020-01-01}\n"
    path.write_text(text.replace("  handelshoeveelheid_harddrugs_gram:\n    waarde: 0.5\n", "  handelshoeveelheid_harddrugs_gram:\n" + dated, 1), encoding="utf-8")
    load_ruleset(tmp_path / "nl")
    errors = [f.text() for f in check_directory(tmp_path / "nl") if f.level == ERROR]
    assert not errors, "\n".join(errors)


def test_a_second_ruleset_block_is_reported_next_to_other_errors(tmp_path: Path) -> None:
    # The loader stops at a second `ruleset:`; check reports it with the other problems, same message.
    shutil.copytree(RULES, tmp_path / "nl")
    (tmp_path / "nl" / "a_extra.yaml").write_text("ruleset: {naam: x, versie: '1'}\ninstruments:\n  - {id: x}\n", encoding="utf-8")
    (tmp_path / "nl" / "zz_extra.yaml").write_text("ruleset: {naam: y, versie: '1'}\n", encoding="utf-8")
    with pytest.raises(RulesetError) as raised:
        load_ruleset(tmp_path / "nl")
    findings = [f for f in check_directory(tmp_path / "nl") if f.level == ERROR]
    assert any(f.where == str(tmp_path / "nl" / "zz_extra.yaml") and f.message == "ruleset-metadata staat in meer dan een bestand" for f in findings)
    assert any(f.text().startswith(str(raised.value).split(": ", 1)[0]) for f in findings), str(raised.value)


def test_only_the_command_line_imports_the_lint_and_the_lint_imports_nothing_above_it() -> None:
    package = Path(__file__).parent.parent / "weerbaar_rules"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "lint" not in path.relative_to(package).parts and re.search(r"^\s*from \.+lint\b|import weerbaar_rules\.lint|from weerbaar_rules\.lint", path.read_text(encoding="utf-8"), re.MULTILINE)
    )
    assert importers == ["cli/commands.py"]
    allowed = {"engine.backend", "engine.compiler", "language.conditions", "core.errors", "case.model", "language.ruleset"}
    for path in (package / "lint").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 2:
                names = [node.module] if node.module in allowed else [f"{node.module}.{alias.name}" for alias in node.names]
                assert set(names) <= allowed, f"{path.name} imports {names}"
