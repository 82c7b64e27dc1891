"""The light decision graph the reports read: it must say exactly what networkx would say."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import networkx as nx

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.core.digraph import DiGraph

from .conftest import CASES

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"


def test_node_link_data_is_networkx_own(engine: Engine) -> None:
    decision = engine.evaluate(load_case(EXAMPLE))
    light = decision.explanation
    assert light.node_link_data() == nx.node_link_data(decision.graph, edges="links")
    again = DiGraph.from_node_link(light.node_link_data())
    assert again.node_link_data() == light.node_link_data()


def test_neighbours_degrees_and_subgraph_match_networkx(engine: Engine) -> None:
    light = engine.evaluate(load_case(EXAMPLE)).explanation
    real = light.to_networkx()
    for node in light:
        # Converting adds the edges source by source, so only the order of predecessors may differ.
        assert sorted(light.in_edges(node, data=True)) == sorted(real.in_edges(node, data=True))
        assert light.out_edges(node, data=True) == list(real.out_edges(node, data=True))
        assert sorted(light.predecessors(node)) == sorted(real.predecessors(node))
        assert list(light.successors(node)) == list(real.successors(node))
        assert light.in_degree(node) == real.in_degree(node)
    keep = [n for n in light if not n.startswith("bron:")]
    part, real_part = light.subgraph(keep), real.subgraph(keep).copy()
    assert part.node_link_data() == nx.node_link_data(real_part, edges="links")
    part.add_node(keep[0], extra=True)  # a subgraph is a copy: the original is untouched
    assert "extra" not in light.nodes[keep[0]]


def test_add_edge_merges_attributes_like_networkx() -> None:
    light, real = DiGraph(), nx.DiGraph()
    for graph in (light, real):
        graph.add_node("a", soort="feit")
        graph.add_edge("a", "b", soort="supports")
        graph.add_edge("a", "b", modus="zeker")
        graph.add_node("a", label="A")
    assert light.node_link_data() == nx.node_link_data(real, edges="links")
    assert light.has_edge("a", "b") and not light.has_edge("b", "a")
    assert list(light.edges) == list(real.edges) and light.edges["a", "b"] == real.edges["a", "b"]


def test_text_report_does_not_import_networkx() -> None:
    """networkx costs ~60 ms to import; `rules evaluate` with the text report must not pay it."""
    code = (
        "import sys\n"
        "from weerbaar_rules import Engine\n"
        "from weerbaar_rules.case.io import load_case\n"
        "from weerbaar_rules.render import to_text\n"
        f"decision = Engine.from_directory({str(CASES.parent / 'rulesets' / 'nl')!r}).evaluate(load_case({str(EXAMPLE)!r}))\n"
        "assert 'Sluiting' in to_text(decision) and decision.graaf['nodes']\n"
        "print('networkx' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_decision_and_its_graph_are_freed_without_the_garbage_collector(engine: Engine) -> None:
    """A graph that referred to itself would wait for a full collection: in a batch that is most of the time per line."""
    from weerbaar_rules.render import to_json_line

    decision = engine.evaluate(load_case(EXAMPLE))
    to_json_line(decision)
    graph = weakref.ref(decision.explanation)
    gc.collect()
    gc.disable()
    try:
        del decision
        assert graph() is None
        assert gc.collect() == 0
    finally:
        gc.enable()
