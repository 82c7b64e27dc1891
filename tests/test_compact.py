"""Issue 21: a decision carries what its case adds; the ruleset's part of the graph is published once.

What must hold: the case's part joined with the ruleset part is exactly the
graph the decision was made with, so every view of a decision read back from
its JSON (text, Markdown, DOT, the web page's advice, `rules explain`) is byte
for byte the view of the decision itself; a missing or foreign part is a
clear error; a version-1 decision is still read, with a notice.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.cli import main
from weerbaar_rules.core.errors import PartError
from weerbaar_rules.decision.io import part_json, read_parts
from weerbaar_rules.decision.model import Decision, OldSchemaNotice
from weerbaar_rules.decision.part import RulesetPart, compact_graph, expand_graph, part_key
from weerbaar_rules.decision.ruleset_part import part_of
from weerbaar_rules.render import explain_instrument, instrument_statuses, rendered, to_json
from weerbaar_rules.testing import cases

from .conftest import CASES, PROFILES, RULES

EXAMPLES = sorted(CASES.glob("*.json"))
EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"


def _views(decision: Decision, per_instrument: bool = True) -> dict[str, str | bytes]:
    views: dict[str, str | bytes] = {}
    for fmt in ("text", "md", "dot", "advies"):
        views[fmt] = rendered(decision, fmt)
    views["text volledig"] = rendered(decision, "text", True)
    views["dot volledig"] = rendered(decision, "dot", True)
    views["statussen"] = instrument_statuses(decision)
    if per_instrument:
        for inst in decision.instrumenten:
            views[f"uitleg {inst.id}"] = explain_instrument(decision, inst.id)
    return views


def _read_back(decision: Decision) -> Decision:
    """The decision as a case system that stored its JSON gets it back, in a process that knows no part yet."""
    back = Decision.model_validate_json(to_json(decision))
    assert back._part is None
    return back


@pytest.fixture(scope="module")
def national() -> Engine:
    return Engine.from_directory(RULES)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_view_of_a_decision_read_back_is_the_view_of_the_decision(national: Engine, path: Path) -> None:
    decision = national.evaluate(load_case(path))
    back = _read_back(decision)
    assert back.part_key == part_of(national.ruleset).key
    assert _views(back) == _views(decision)
    assert to_json(back) == to_json(decision)
    assert to_json(back, volledig=True) == to_json(decision, volledig=True)
    assert back.ontbrekende_feiten == decision.ontbrekende_feiten


@pytest.mark.parametrize("profile", sorted(PROFILES.glob("*.yaml")), ids=lambda p: p.stem)
def test_with_a_profile_the_part_carries_the_profile_and_the_views_agree(profile: Path) -> None:
    engine = Engine.from_directory(RULES, profile=profile)
    part = part_of(engine.ruleset)
    assert part.key == part_key(engine.ruleset.hash, engine.ruleset.profile.hash if engine.ruleset.profile else None)
    assert "." in part.key
    for path in EXAMPLES:
        decision = engine.evaluate(load_case(path))
        back = _read_back(decision)
        assert back.whole_graph() == decision.whole_graph(), path.name
        assert _views(back, per_instrument=False) == _views(decision, per_instrument=False), path.name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=cases())
def test_the_case_part_and_the_ruleset_part_give_back_the_whole_graph(national: Engine, case: object) -> None:
    decision = national.evaluate(case)  # type: ignore[arg-type]
    whole = decision.whole_graph()
    part = part_of(national.ruleset)
    compact = json.loads(json.dumps(compact_graph(whole, part, decision.peildatum)))
    assert expand_graph(compact, part, decision.peildatum) == whole


def test_the_part_is_published_once_and_reads_back(national: Engine, tmp_path: Path) -> None:
    part = part_of(national.ruleset)
    assert part_of(national.ruleset) is part
    text = part_json(part)
    assert text == part_json(RulesetPart.from_document(json.loads(text)))
    target = tmp_path / "deel.json"
    target.write_text(text, encoding="utf-8")
    assert read_parts(target) == {part.key: RulesetPart.from_document(json.loads(text))}
    # What is the same for every case is in the part, not in the decision.
    decision = json.loads(to_json(national.evaluate(load_case(EXAMPLE))))
    assert decision["schema_versie"] == "2"
    assert decision["graaf"]["regelsetdeel"] == part.key
    titles = {n["label"] for n in json.loads(text)["nodes"] if n["soort"] == "regel"}
    assert not any(n.get("label") in titles for n in decision["graaf"]["nodes"])
    assert not any(link["soort"] == "cites" for link in decision["graaf"]["links"])


def test_the_compact_decision_is_a_fraction_of_the_whole(national: Engine) -> None:
    decision = national.evaluate(load_case(EXAMPLE))
    compact, whole = to_json(decision), to_json(decision, volledig=True)
    assert json.loads(whole)["graaf"]["nodes"] and "regelsetdeel" not in json.loads(whole)["graaf"]
    assert len(compact) < 0.7 * len(whole)


def test_a_decision_without_its_part_says_which_part_is_missing(national: Engine) -> None:
    data = json.loads(to_json(national.evaluate(load_case(EXAMPLE))))
    data["graaf"]["regelsetdeel"] = "0" * 64
    back = Decision.model_validate(data)
    assert back.graaf["regelsetdeel"] == "0" * 64  # the case's part as it was read
    with pytest.raises(PartError, match="regelsetdeel 0{64} ontbreekt"):
        rendered(back, "text")
    with pytest.raises(PartError, match="het gegeven regelsetdeel is"):
        back.use_part(part_of(national.ruleset))
    # Written again as it was read: nothing is lost for lack of the part.
    assert json.loads(to_json(back))["graaf"] == data["graaf"]


def test_the_part_can_be_given_when_reading(national: Engine) -> None:
    text = to_json(national.evaluate(load_case(EXAMPLE)))
    back = Decision.model_validate_json(text, context={"regelsetdeel": json.loads(part_json(part_of(national.ruleset)))})
    assert back._part is not None and back._part.key == part_of(national.ruleset).key


def test_a_version_1_decision_is_read_with_a_notice(national: Engine) -> None:
    decision = national.evaluate(load_case(EXAMPLE))
    old = json.loads(to_json(decision, volledig=True))
    old["schema_versie"] = "1"
    with pytest.warns(OldSchemaNotice, match="schema_versie 1"):
        back = Decision.model_validate(old)
    assert back.schema_versie == "2"
    assert _views(back, per_instrument=False) == _views(decision, per_instrument=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Decision.model_validate_json(to_json(decision))  # the current version: no notice
    old["schema_versie"] = "9"
    with pytest.raises(ValueError, match="schema_versie '9' wordt niet gelezen"):
        Decision.model_validate(old)


# -- the command line ----------------------------------------------------------------


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_rules_graaf_publishes_the_part_and_draws_a_decision_read_back(tmp_path: Path) -> None:
    code, part_text, _ = _cli("graaf", "--regelset", "--regels", str(RULES))
    assert code == 0
    assert part_text == part_json(part_of(Engine.from_directory(RULES).ruleset))
    code, strict, _ = _cli("graaf", "--regelset", "--regels", str(RULES), "--gemeente", "strengdam")
    assert code == 0 and json.loads(strict)["profiel"] == "strengdam" and json.loads(strict)["sleutel"] != json.loads(part_text)["sleutel"]
    (tmp_path / "deel.json").write_text(part_text, encoding="utf-8")
    code, decision_text, _ = _cli("evaluate", str(EXAMPLE), "--regels", str(RULES), "--format", "json")
    (tmp_path / "besluit.json").write_text(decision_text, encoding="utf-8")
    for fmt in ("dot", "text", "md"):
        code, drawn, _ = _cli("graaf", str(tmp_path / "besluit.json"), "--regelsetdeel", str(tmp_path / "deel.json"), "--format", fmt)
        assert code == 0
        assert drawn == _cli("evaluate", str(EXAMPLE), "--regels", str(RULES), "--format", fmt)[1]
    (tmp_path / "ander.json").write_text(strict, encoding="utf-8")
    code, _, err = _cli("graaf", str(tmp_path / "besluit.json"), "--regelsetdeel", str(tmp_path / "ander.json"))
    assert code == 2 and "regelsetdeel" in err and "Traceback" not in err
    code, _, err = _cli("graaf")
    assert code == 2 and "--regelset" in err


def test_a_batch_writes_the_part_beside_its_output(tmp_path: Path) -> None:
    batch = tmp_path / "zaken"
    batch.mkdir()
    for path in EXAMPLES[:3]:
        (batch / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "besluiten.jsonl"
    code, _, err = _cli("evaluate", str(batch), "--regels", str(RULES), "-o", str(out), "-j", "1")
    assert code == 0, err
    parts = read_parts(tmp_path / "besluiten.regelsetdelen.jsonl")
    keys = {json.loads(line)["besluit"]["graaf"]["regelsetdeel"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert keys == set(parts)
    whole = tmp_path / "heel.jsonl"
    code, _, err = _cli("evaluate", str(batch), "--regels", str(RULES), "-o", str(whole), "-j", "1", "--volledig")
    assert code == 0 and not (tmp_path / "heel.regelsetdelen.jsonl").exists()
    assert all("regelsetdeel" not in json.loads(line)["besluit"]["graaf"] for line in whole.read_text(encoding="utf-8").splitlines())


def test_a_decision_of_the_shipped_rules_finds_its_part_without_a_file(national: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    from weerbaar_rules.decision import ruleset_part

    monkeypatch.setenv("WEERBAAR_REGELS", str(RULES))
    monkeypatch.setattr(ruleset_part, "_MADE", {})  # as in a process that has made no part yet
    ruleset_part._shipped.cache_clear()
    try:
        strict = Engine.from_directory(RULES, profile=PROFILES / "strengdam.yaml")
        for engine in (national, strict):
            key = part_of(engine.ruleset).key
            monkeypatch.setattr(ruleset_part, "_MADE", {})
            found = ruleset_part.find_part(key)
            assert found is not None and found.document() == part_of(engine.ruleset).document()
        assert ruleset_part.find_part("0" * 64) is None
    finally:
        ruleset_part._shipped.cache_clear()


def _conforms(data: object, schema: dict) -> bool:  # type: ignore[type-arg]
    """The parts of JSON Schema these two forms use: required keys, and the same for every array item."""
    if not isinstance(data, dict) or any(key not in data for key in schema.get("required", ())):
        return False
    for key, sub in schema.get("properties", {}).items():
        if key in data and "items" in sub and sub.get("type") == "array" and isinstance(sub["items"], dict) and "required" in sub["items"]:
            if not all(_conforms(item, sub["items"]) for item in data[key]):
                return False
    return True


def test_both_forms_of_the_graph_fit_the_published_schema(national: Engine) -> None:
    from weerbaar_rules.decision.schema import decision_schema

    compact_form, whole_form = decision_schema()["properties"]["graaf"]["anyOf"]
    decision = national.evaluate(load_case(EXAMPLE))
    compact, whole = json.loads(to_json(decision))["graaf"], json.loads(to_json(decision, volledig=True))["graaf"]
    assert _conforms(compact, compact_form) and not _conforms(compact, whole_form)
    assert _conforms(whole, whole_form) and not _conforms(whole, compact_form)
    import re

    assert re.fullmatch(compact_form["properties"]["regelsetdeel"]["pattern"], compact["regelsetdeel"])


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("", "bestand is leeg"),
        ("[1]", "een besluit is een JSON-object"),
        ('{"schema_versie": "9"}', "schema_versie '9' wordt niet gelezen"),
        ('{"zaak_id": "x"}', "peildatum: verplicht veld ontbreekt"),
    ],
)
def test_a_bad_decision_file_is_one_dutch_line(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "besluit.json"
    path.write_text(text, encoding="utf-8")
    code, _, err = _cli("graaf", str(path), "--format", "text")
    assert code == 2 and said in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
