"""The decision's missing facts come from a skeleton of the graph, and say exactly what the full graph says.

Issue 21: a library user who reads `ontbrekende_feiten` used to pay for the
whole decision graph (labels, citations, case facts, the why-not texts and
their counterfactual, the profile). Now they are read from a skeleton built by
the same `_Builder` without that decoration (explain/graph.py
`build_skeleton`). These tests keep the two from drifting apart: on every
example case and on generated cases, under every profile, the missing facts
from the skeleton are byte for byte those of the full graph's per-instrument
entries (which the views read), and the skeleton has every node, edge and
attribute the analysis (explain/missing.py) reads, with the same in-degree of
every missing fact — also after a second run's graph is cut to what explains
its instruments — and is the full graph without only what leads nowhere (legal
sources, the profile's node, fields no rule reads).

`benchmarks/missing_equality.py` runs the same comparison over 1,000 and more
generated cases per profile (too slow for every test run).
"""

from __future__ import annotations

import gc
import json
import weakref
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.case.model import Case
from weerbaar_rules.core.digraph import DiGraph
from weerbaar_rules.core.errors import CaseError
from weerbaar_rules.decision.model import Decision
from weerbaar_rules.explain import graph as graph_module
from weerbaar_rules.explain.explanation import explanation_of
from weerbaar_rules.testing.strategies import cases

from .conftest import CASES, PROFILES, RULES

PROFILE_FILES = sorted(PROFILES.glob("*.yaml"))
NAMES = ["nl", *(p.stem for p in PROFILE_FILES)]
# What the missing-fact analysis reads of a node, per kind (explain/missing.py, Explanation's `analyse_missing`).
READ = {
    "regel": ("soort", "modus"),
    "afgeleid": ("soort", "modus"),
    "instrument": ("soort", "label", "status", "spoor", "ingrijpendheid", "kan_passend"),
    "uitzondering": ("soort",),
    "ontbrekend": ("soort", "label", "pad"),
}


@pytest.fixture(scope="module")
def engines() -> dict[str, Engine]:
    out = {"nl": Engine.from_directory(RULES)}
    for profile in PROFILE_FILES:
        out[profile.stem] = Engine.from_directory(RULES, profile=profile)
    return out


def _example_cases() -> list[Case]:
    found = []
    for path in sorted(CASES.glob("*.json")):
        try:
            found.append(load_case(path))
        except CaseError:
            continue  # the bad-input examples
    return found


def _json(rows: list[Any]) -> str:
    return json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False)


def _skeleton(engine: Engine, case: Case, decision: Decision) -> DiGraph:
    runs = explanation_of(decision).runs
    return graph_module.build_skeleton(engine.ruleset, case, runs, decision)


def _read_part(graph: DiGraph) -> tuple[dict[str, tuple[Any, ...]], dict[str, int]]:
    """The nodes and missing facts' in-degrees of a graph, as far as the missing-fact analysis reads them."""
    nodes = {n: tuple(d.get(k) for k in READ[d["soort"]]) for n, d in graph.nodes(data=True) if d.get("soort") in READ}
    degrees = {n: graph.in_degree(n) for n, d in graph.nodes(data=True) if d.get("soort") == "ontbrekend"}
    return nodes, degrees


def _same_structure(skeleton: DiGraph, full: DiGraph) -> None:
    """The skeleton is the full graph without what leads nowhere: legal sources, the profile's node, fields no rule reads.

    Same nodes otherwise, and between them the same edges with the same
    attributes; so also a second run's graph, cut to what explains its
    instruments, keeps the same part in both.
    """
    assert set(skeleton.nodes) <= set(full.nodes)
    for node in set(full.nodes) - set(skeleton.nodes):
        data = full.nodes[node]
        assert data.get("soort") in ("bron", "profiel") or (data.get("soort") == "feit" and "[" not in node), node
        if data.get("soort") == "feit":
            assert not full.in_edges(node) and not full.out_edges(node), node
    kept = set(skeleton.nodes)
    full_edges = {(u, v): d for u, v, d in full.edges(data=True) if u in kept and v in kept}
    assert {(u, v): d for u, v, d in skeleton.edges(data=True)} == full_edges


def _check(engine: Engine, case: Case) -> None:
    decision = engine.evaluate(case)
    skeleton = _skeleton(engine, case, decision)
    from_skeleton = _json(decision.ontbrekende_feiten)  # read first: from the skeleton, the full graph not built yet
    explanation = explanation_of(decision)
    assert "graph" not in explanation.__dict__
    assert from_skeleton == _json(explanation.missing_in_graph()), case.zaak_id
    assert _read_part(skeleton) == _read_part(explanation.graph), case.zaak_id
    _same_structure(skeleton, explanation.graph)


@pytest.mark.parametrize("name", NAMES)
def test_the_skeleton_gives_the_missing_facts_of_the_full_graph_on_every_example_case(engines: dict[str, Engine], name: str) -> None:
    examples = _example_cases()
    assert len(examples) > 50
    for case in examples:
        _check(engines[name], case)


@pytest.mark.parametrize("name", NAMES)
def test_the_skeleton_gives_the_missing_facts_of_the_full_graph_on_generated_cases(engines: dict[str, Engine], name: str) -> None:
    engine = engines[name]

    @settings(max_examples=100, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
    @given(cases(engine.ruleset))
    def check(case: Case) -> None:
        _check(engine, case)

    check()


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which graphs the builder makes, in order: "skelet" or "graaf"."""
    made: list[str] = []
    real = graph_module._build

    def counting(*args: Any, skeleton: bool) -> DiGraph:
        made.append("skelet" if skeleton else "graaf")
        return real(*args, skeleton=skeleton)

    monkeypatch.setattr(graph_module, "_build", counting)
    return made


def test_reading_the_missing_facts_builds_no_full_graph(engines: dict[str, Engine], built: list[str]) -> None:
    decision = engines["nl"].evaluate(load_case(CASES / "drugshandel_woning_harddrugs.json"))
    assert decision.ontbrekende_feiten
    assert decision.ontbrekende_feiten is decision.ontbrekende_feiten  # analysed once
    assert built == ["skelet"]
    assert decision.graaf["nodes"]
    assert built == ["skelet", "graaf"]


def test_with_the_full_graph_built_the_missing_facts_are_read_from_it(engines: dict[str, Engine], built: list[str]) -> None:
    decision = engines["nl"].evaluate(load_case(CASES / "drugshandel_woning_harddrugs.json"))
    assert decision.explanation is not None
    assert decision.ontbrekende_feiten
    assert built == ["graaf"]


def test_a_decision_whose_missing_facts_were_read_is_freed_without_the_garbage_collector(engines: dict[str, Engine]) -> None:
    """The skeleton is not kept, and nothing it made refers back: decision and explanation go as soon as they are dropped."""
    decision = engines["nl"].evaluate(load_case(CASES / "drugshandel_woning_harddrugs.json"))
    assert decision.ontbrekende_feiten
    explanation = weakref.ref(explanation_of(decision))
    gc.collect()
    gc.disable()
    try:
        del decision
        assert explanation() is None
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_writing_the_json_builds_the_graph_once_and_no_skeleton(engines: dict[str, Engine], built: list[str]) -> None:
    from weerbaar_rules.render import to_json

    decision = engines["nl"].evaluate(load_case(CASES / "drugshandel_woning_harddrugs.json"))
    to_json(decision)
    assert built == ["graaf"]

