"""The explained decision graph, built from the recorded firings.

Nodes are the facts of the case, the information items with their AVG verdict,
derived facts, rules, instruments and legal sources. Edges carry a `soort`:
supports, derives, excludes, requires, cites, blocked-by. Nothing here
re-decides anything: every edge comes from a firing the engine recorded or
from the decision's own lists (blocked facts, cited sources).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import networkx as nx

from .compiler import DEFINITE

if TYPE_CHECKING:
    from .decision import Decision
    from .evaluation import Run
    from .model import Case
    from .ruleset import Citation, Ruleset

SUPPORTS, DERIVES, EXCLUDES, REQUIRES, CITES, BLOCKED_BY = (
    "supports",
    "derives",
    "excludes",
    "requires",
    "cites",
    "blocked-by",
)


def _fact_node(provenance: str) -> str:
    if provenance.startswith("afgeleid:"):
        return "afgeleid:" + provenance.split(":")[1]
    return f"feit:{provenance}"


def _fact_label(case: "Case", provenance: str) -> str:
    if provenance == "zaak":
        return f"zaak {case.zaak_id}: {case.locatie.type}"
    list_name, index = provenance.rstrip("]").split("[")
    item: Any = getattr(case, list_name)[int(index)]
    if list_name == "activiteiten":
        parts = [item.type, item.vorm, f"lijst {item.opiumwet_lijst}" if item.opiumwet_lijst else None, item.hoeveelheid]
    elif list_name == "vergunningen":
        parts = [item.soort, item.status]
    elif list_name == "voorgeschiedenis":
        parts = [item.instrument, str(item.datum)]
    else:
        parts = [item.id, item.bron]
    return f"{provenance}: " + ", ".join(p for p in parts if p)


def _cite(graph: nx.DiGraph, source: str, citation: "Citation") -> None:
    node = f"bron:{citation.label}"
    graph.add_node(node, soort="bron", label=citation.label, url=citation.link)
    graph.add_edge(source, node, soort=CITES)


def build_graph(ruleset: "Ruleset", case: "Case", run: "Run", decision: "Decision") -> nx.DiGraph:
    graph = nx.DiGraph()
    for verdict in decision.informatie:
        graph.add_node(
            f"informatie:{verdict.id}",
            soort="informatie",
            label=f"{verdict.id} ({verdict.bron}, {verdict.grondslag})",
            bruikbaar=verdict.bruikbaar,
            toelichting=verdict.toelichting,
        )
    usable = {v.id: v.bruikbaar for v in decision.informatie}

    def add_fact(provenance: str) -> str:
        node = _fact_node(provenance)
        if node in graph:
            return node
        if provenance.startswith("afgeleid:"):
            name = provenance.split(":")[1]
            graph.add_node(node, soort="afgeleid", label=name, modus=run.derived.get(name, ""))
            return node
        graph.add_node(node, soort="feit", label=_fact_label(case, provenance))
        if provenance != "zaak":
            list_name, index = provenance.rstrip("]").split("[")
            item: Any = getattr(case, list_name)[int(index)]
            for ref in getattr(item, "informatie", []) or []:
                if usable.get(ref):
                    graph.add_edge(f"informatie:{ref}", node, soort=SUPPORTS)
                else:
                    graph.add_edge(node, f"informatie:{ref}", soort=BLOCKED_BY)
        return node

    status = {inst.id: inst.status for inst in decision.instrumenten}
    for inst in ruleset.instruments:
        node = f"instrument:{inst.id}"
        graph.add_node(node, soort="instrument", label=inst.naam, status=status[inst.id], bevoegd=inst.bevoegd, spoor=inst.spoor)
        for citation in inst.grondslag:
            _cite(graph, node, citation)

    for firing in run.firings:
        unit = firing.unit
        if unit.rule_index is None:
            continue
        rule = ruleset.rules[unit.rule_index]
        rule_node = f"regel:{rule.id}"
        if rule_node in graph and graph.nodes[rule_node]["modus"] == DEFINITE:
            if unit.mode != DEFINITE:
                continue
        graph.add_node(rule_node, soort="regel", label=rule.title, modus=unit.mode, bron=rule.source)
        for citation in rule.grondslag:
            _cite(graph, rule_node, citation)
        for provenance in firing.facts:
            if provenance.startswith("afgeleid:") and provenance.split(":")[1].startswith("__"):
                continue
            graph.add_edge(add_fact(provenance), rule_node, soort=SUPPORTS, modus=unit.mode)
        for conclusion in rule.then:
            kind = conclusion.kind
            if kind == "derive":
                graph.add_edge(rule_node, add_fact(f"afgeleid:{conclusion.derive}:"), soort=DERIVES, modus=unit.mode)
                continue
            edge = {"available": SUPPORTS, "suitable": SUPPORTS, "exclude": EXCLUDES, "require": REQUIRES, "weigh": REQUIRES, "escalate": SUPPORTS}[kind]
            for target in conclusion.targets:
                graph.add_edge(rule_node, f"instrument:{target}", soort=edge, modus=unit.mode, conclusie=kind)

    for inst in decision.instrumenten:
        for provenance in inst.geblokkeerde_feiten:
            graph.add_edge(f"instrument:{inst.id}", add_fact(provenance), soort=BLOCKED_BY)
    return graph
