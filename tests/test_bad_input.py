"""Bad input (SPEC §10): one clear message naming the place, exit code 2, no traceback, nothing half-written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from weerbaar_rules.cli import main

from .conftest import CASES, RULES

GOOD = json.loads((CASES / "drugshandel_woning_harddrugs.json").read_text())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert isinstance(result.exception, SystemExit) or result.exception is None, result.exception
    return result.exit_code, result.output


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_change(path: tuple[object, ...], value: object) -> dict[str, object]:
    data = json.loads(json.dumps(GOOD))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("kapot.json", '{"zaak_id": "x", "locatie": {', "kapot.json:1:"),
        ("leeg.json", "", "bestand is leeg"),
        ("enum.json", json.dumps(with_change(("locatie", "type"), "kasteel")), "locatie.type: ongeldige waarde; toegestaan: 'woning'"),
        ("veld.json", json.dumps(with_change(("locatie", "minderjarig"), True)), "locatie: het 5e veld is onbekend; bedoelde je 'minderjarigen'?"),
        ("datum.json", json.dumps(with_change(("peildatum",), "2026-02-30")), "peildatum: ongeldige datum"),
        ("ref.json", json.dumps(with_change(("activiteiten", 0, "informatie"), ["bestaat-niet"])), "onbekend informatie-item"),
        ("lijst.json", "[1, 2, 3]", "een zaak is een object"),
        ("diep.json", "[" * 5000 + "]" * 5000, "te diep genest"),
        ("kapot.yaml", "zaak_id: x\nlocatie: [\n", "kapot.yaml:3:"),
        ("object.yaml", "!!python/object/apply:os.system ['echo pwned']\n", "ongeldige YAML"),
    ],
)
def test_bad_case_file(tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = write(tmp_path, name, content)
    code, output = run("evaluate", str(path))
    assert code == 2
    assert expected in output
    assert str(path) in output
    assert "Traceback" not in output


def test_missing_file(tmp_path: Path) -> None:
    code, output = run("evaluate", str(tmp_path / "nergens.json"))
    assert code == 2 and "bestaat niet" in output


def test_yaml_case_error_names_the_line(tmp_path: Path) -> None:
    text = "zaak_id: x\nlocatie:\n  type: woning\n  eigendom: kraakpand\n"
    code, output = run("evaluate", str(write(tmp_path, "zaak.yaml", text)))
    assert code == 2
    assert "zaak.yaml:4" in output and "locatie.eigendom" in output  # the offending key's line, not its mapping's


def test_bad_peildatum_option() -> None:
    code, output = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--peildatum", "gisteren")
    assert code == 2 and "--peildatum" in output


def test_unknown_profile_is_a_clear_error() -> None:
    code, output = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--gemeente", "atlantis")
    assert code == 2 and "onbekend gemeenteprofiel 'atlantis'" in output


def _ruleset(tmp_path: Path, rule_yaml: str) -> Path:
    directory = tmp_path / "regels"
    directory.mkdir()
    for source in RULES.glob("*.yaml"):
        (directory / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (directory / "fout.yaml").write_text(rule_yaml, encoding="utf-8")
    return directory


RULE = """rules:
  - id: test.fout
    title: Een regel met een fout
    grondslag:
      - {wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b, lid: "1"}
    when:
      %s
    then:
      - derive: iets
"""


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("{fact: locatie.typ, equals: woning}", "'locatie.typ' is geen veld van de zaak"),
        ("{fact: locatie.type, equals: kasteel}", "'kasteel' is geen geldige waarde van locatie.type"),
        ("{some: activiteiten, where: {fact: lijst, equals: I}}", "'lijst' is geen veld van een item van type Activiteit"),
        ("{derived: bestaat_niet}", "wordt door geen enkele regel afgeleid"),
        ("{fact: locatie.type, groter: 3}", "onbekende toets 'groter'"),
        ("{param: bestaat_niet, equals: true}", "onbekende parameter"),
    ],
)
def test_ruleset_error_names_file_rule_and_line(tmp_path: Path, when: str, expected: str) -> None:
    directory = _ruleset(tmp_path, RULE % when)
    code, output = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--regels", str(directory))
    assert code == 2, output
    assert f"{directory / 'fout.yaml'}:2" in output
    assert "test.fout" in output
    assert expected in output


def test_ruleset_yaml_syntax_error(tmp_path: Path) -> None:
    directory = _ruleset(tmp_path, "rules:\n  - id: x\n    title: [onaf\n")
    code, output = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--regels", str(directory))
    assert code == 2 and "fout.yaml:" in output and "ongeldige YAML" in output


def test_ruleset_missing_citation(tmp_path: Path) -> None:
    text = "rules:\n  - id: test.x\n    title: t\n    grondslag: []\n    when: {fact: locatie.type, equals: woning}\n    then: [{derive: y}]\n"
    directory = _ruleset(tmp_path, text)
    code, output = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--regels", str(directory))
    assert code == 2 and "grondslag" in output and "test.x" in output


def test_negation_cycle_is_rejected(tmp_path: Path) -> None:
    text = """rules:
  - id: test.a
    title: a als niet b
    grondslag: [{wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b}]
    when: {not: {derived: b}}
    then: [{derive: a}]
  - id: test.b
    title: b als niet a
    grondslag: [{wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b}]
    when: {not: {derived: a}}
    then: [{derive: b}]
"""
    code, output = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--regels", str(_ruleset(tmp_path, text)))
    assert code == 2 and "kring" in output


def test_output_is_not_half_written(tmp_path: Path) -> None:
    target = tmp_path / "uit.json"
    code, _ = run("evaluate", str(tmp_path / "nergens.json"), "--output", str(target))
    assert code == 2 and not target.exists()
    code, _ = run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--format", "json", "--output", str(target))
    assert code == 0 and json.loads(target.read_text())["schema_versie"] == "2"
    assert [p.name for p in tmp_path.iterdir()] == ["uit.json"]


def test_console_script_has_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, "kapot.json", "{")
    result = subprocess.run([sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(path)], capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.startswith("fout: ") and "Traceback" not in result.stderr


def test_infinite_number_is_bad_input(tmp_path: Path) -> None:
    data = with_change(("activiteiten", 0, "gewicht_gram"), 1.0)
    text = json.dumps(data).replace('"gewicht_gram": 1.0', '"gewicht_gram": Infinity')
    code, output = run("evaluate", str(write(tmp_path, "oneindig.json", text)))
    assert code == 2 and "activiteiten[0], in een onbekend veld: Infinity is geen getal" in output and "gewicht_gram" not in output
