"""Why an instrument is not available: the rules that did not fire and what blocked them, down to the facts.

The explanation (explanation.py) asks this once per instrument; the picture,
the text and the Markdown read its answer, so they name the same facts.
"""

from __future__ import annotations

from typing import Any

from ..core.digraph import DiGraph


def fired(data: dict[str, Any]) -> bool:
    return data.get("modus") != "niet"


def why_not_nodes(graph: DiGraph, instrument: str, only_avg: bool) -> set[str]:
    """The rules that did not fire for an instrument and what blocked them, down to the facts.

    With `only_avg`, only rules that fail solely because their facts rest on
    information that may not carry a decision (graph attribute `alleen_avg`):
    that is the part a lawyer must see even when the instrument is otherwise
    out of the picture, because new, lawful information would change it.
    """

    def walk(rule: str, seen: set[str]) -> set[str]:
        if rule in seen or (only_avg and not graph.nodes[rule].get("alleen_avg")):
            return set()
        seen.add(rule)
        nodes: set[str] = {rule}
        for _, target, data in graph.out_edges(rule, data=True):
            if data.get("soort") != "blocked-by":
                continue
            if data.get("reden") == "avg":
                nodes.add(target)
                nodes |= {t for _, t, d in graph.out_edges(target, data=True) if d.get("soort") == "blocked-by"}
            elif graph.nodes[target].get("soort") == "afgeleid" and graph.nodes[target].get("modus") == "niet":
                branch: set[str] = set()
                for source, _, edge in graph.in_edges(target, data=True):
                    if edge.get("soort") == "derives" and not fired(edge):
                        branch |= walk(source, seen)
                if branch or not only_avg:
                    nodes |= branch | {target}
            elif not only_avg:
                nodes.add(target)
        return nodes

    keep: set[str] = set()
    for source, _, data in graph.in_edges(instrument, data=True):
        if graph.nodes[source].get("soort") == "regel" and not fired(data):
            keep |= walk(source, set())
    return keep
