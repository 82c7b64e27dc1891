"""The command line: schema, batch mode over a directory and a JSON-lines file, profiles."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from weerbaar_rules.cli import main

from .conftest import CASES


def invoke(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_schema_is_the_case_model() -> None:
    schema = json.loads(invoke("schema"))
    assert schema["title"] == "Case"
    assert schema["additionalProperties"] is False
    assert "informatie" in schema["properties"]


def test_batch_over_jsonl_keeps_order_and_matches_single_evaluations(tmp_path: Path) -> None:
    files = sorted(CASES.glob("*.json"))[:6]
    lines = tmp_path / "zaken.jsonl"
    lines.write_text("".join(json.dumps(json.loads(p.read_text())) + "\n" for p in files), encoding="utf-8")
    out = invoke("evaluate", str(lines), "--format", "json", "--jobs", "2").splitlines()[:-1]  # last: the summary (stderr)
    assert len(out) == len(files)
    for number, (line, path) in enumerate(zip(out, files), start=1):
        single = json.loads(invoke("evaluate", str(path), "--format", "json"))
        assert json.loads(line) == {"bron": f"{lines}:{number}", "besluit": single}


def test_batch_over_directory(tmp_path: Path) -> None:
    for path in sorted(CASES.glob("*.json"))[:3]:
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = invoke("evaluate", str(tmp_path), "--format", "json", "--jobs", "1").splitlines()[:-1]
    assert [json.loads(line)["besluit"]["zaak_id"] for line in out] == [
        json.loads(p.read_text())["zaak_id"] for p in sorted(tmp_path.glob("*.json"))
    ]


def test_peildatum_option_overrides_the_case() -> None:
    out = json.loads(invoke("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--format", "json", "--peildatum", "2020-01-01"))
    assert out["peildatum"] == "2020-01-01"


def test_profile_is_named_in_the_receipt_and_report() -> None:
    path = str(CASES / "drugshandel_woning_harddrugs.json")
    decision = json.loads(invoke("evaluate", path, "--format", "json", "--gemeente", "strengdam"))
    receipt = decision["ontvangstbewijs"]
    assert receipt["profiel"] == "strengdam" and receipt["profiel_versie"] == "2026.2"
    assert len(receipt["profiel_hash"]) == 64 and len(receipt["ruleset_hash"]) == 64
    assert any(c["onderwerp"] == "damocles_softdrugs_woning_eerst_waarschuwen" for c in receipt["profiel_wijzigingen"])
    assert "Afwijkingen van het landelijke recht door profiel strengdam" in invoke("evaluate", path, "--gemeente", "strengdam")


def test_case_gemeente_field_selects_the_profile(tmp_path: Path) -> None:
    data = json.loads((CASES / "softdrugs_woning_eerste_keer.json").read_text())
    data["gemeente"] = "Strengdam"
    path = tmp_path / "zaak.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    decision = json.loads(invoke("evaluate", str(path), "--format", "json"))
    assert decision["ontvangstbewijs"]["profiel"] == "strengdam"
    assert "sluiting_13b_opiumwet" in decision["aanbevolen"]
