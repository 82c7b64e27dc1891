"""The one explanation of a decision (explain.Explanation): built once, read by every view, the same when read back.

Issue 13: "why / why not" was worked out in several places and the views
disagreed. Now the decision carries one explanation, built from its runs on
first use; the JSON, the text, the Markdown, the picture and `rules explain`
format its entries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.decision.model import Decision
from weerbaar_rules.explain import graph as graph_module
from weerbaar_rules.explain.explanation import Explanation, explanation_of
from weerbaar_rules.render import explain_instrument, to_dot, to_json, to_markdown, to_text

from .conftest import CASES

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.from_directory()


def _entries(explanation: Explanation, ids: list[str]) -> dict[str, tuple[object, ...]]:
    out = {}
    for inst_id in ids:
        entry = explanation.instrument(inst_id)
        out[inst_id] = (
            entry.status,
            entry.available,
            entry.suitable,
            entry.excluding,
            entry.not_available,
            entry.support,
            entry.grounds,
            entry.missing,
            sorted(entry.exception_missing),
            entry.not_recommendable,
            sorted(entry.why_not),
            sorted(entry.held_back),
        )
    return out


def test_every_view_reads_one_explanation_built_once(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    built = []
    real = graph_module.build_graph

    def counting(*args: object, **kwargs: object) -> object:
        built.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(graph_module, "build_graph", counting)
    decision = engine.evaluate(load_case(EXAMPLE))
    assert built == []  # deciding does not need the explanation
    to_text(decision)
    to_markdown(decision)
    to_dot(decision)
    to_json(decision)
    for inst in decision.instrumenten:
        explain_instrument(decision, inst.id)
    assert built == [1]
    assert explanation_of(decision) is explanation_of(decision)


@pytest.mark.parametrize("name", ["anonieme_melding_drugs.json", "eerdere_waarschuwing_datum_onbekend.json", "bibob_informatie_voor_13b.json"])
def test_a_decision_read_back_from_json_has_the_same_explanation(engine: Engine, name: str) -> None:
    decision = engine.evaluate(load_case(CASES / name))
    back = Decision.model_validate(json.loads(to_json(decision)))
    ids = [inst.id for inst in decision.instrumenten]
    assert _entries(explanation_of(back), ids) == _entries(explanation_of(decision), ids)
    assert to_text(back) == to_text(decision)
    assert to_dot(back) == to_dot(decision)
    for inst_id in ids:
        assert explain_instrument(back, inst_id) == explain_instrument(decision, inst_id)


def test_the_entries_agree_with_the_decision(engine: Engine) -> None:
    for path in sorted(Path(CASES).glob("*.json"))[:25]:
        try:
            case = load_case(path)
        except Exception:
            continue
        decision = engine.evaluate(case)
        explanation = explanation_of(decision)
        for inst in decision.instrumenten:
            entry = explanation.instrument(inst.id)
            assert entry.status == inst.status, (path.name, inst.id)
            named = {explanation.rule(node).id for node in entry.available + entry.suitable + entry.excluding}
            if inst.status in ("aanbevolen", "mogelijk"):
                assert entry.available and named <= set(inst.regels), (path.name, inst.id)
            if inst.status == "uitgesloten" and inst.redenen and not inst.redenen[0].startswith("geen regel"):
                assert entry.excluding, (path.name, inst.id)
            for node in entry.available + entry.excluding:
                assert explanation.rule(node).citations, f"{node} zonder grondslag"
            feiten = {explanation.graph.nodes[n].get("pad") for n in entry.missing}
            assert feiten == {m.feit for m in decision.ontbrekende_feiten if inst.id in m.instrumenten}, (path.name, inst.id)
