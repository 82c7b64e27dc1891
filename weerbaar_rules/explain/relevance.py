"""What of the decision graph matters to a reader: why an instrument is not available, and which instruments to show.

Read by the picture, the text and the Markdown alike, so they show the same
instruments and name the same facts.
"""

from __future__ import annotations

from typing import Any

from ..core.digraph import DiGraph
from .missing import could_become_recommended


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


def _blocked_by_avg(graph: DiGraph, instrument: str) -> bool:
    return bool(why_not_nodes(graph, instrument, only_avg=True))


def _has_reason(graph: DiGraph, node: str, strict: bool = False) -> bool:
    """An exclusion worth telling: a rule excludes it, or the AVG keeps facts for it out.

    `strict` (the picture) counts the AVG only when it is the sole reason; otherwise
    it is enough that the engine set facts aside for this instrument.
    """
    if any(d.get("soort") == "excludes" and fired(d) for _, _, d in graph.in_edges(node, data=True)):
        return True
    if not strict and any(d.get("soort") == "blocked-by" for _, _, d in graph.out_edges(node, data=True)):
        return True
    return _blocked_by_avg(graph, node)


def shown_instruments(graph: DiGraph, focus: bool = False) -> list[str]:
    """Instruments that bear on the outcome.

    Without `focus` (the text report): everything except instruments that
    simply do not apply. With `focus` (the picture): the recommendation and its
    alternatives, undecided instruments only when they could still become the
    recommendation (or when nothing is recommended), and stated exclusions only
    in a track that is in the picture anyway.
    """
    instruments = sorted(n for n, d in graph.nodes(data=True) if d.get("soort") == "instrument")
    status = {n: graph.nodes[n].get("status") for n in instruments}
    if not focus:
        return [n for n in instruments if status[n] != "uitgesloten" or _has_reason(graph, n)]
    anything_recommended = "aanbevolen" in status.values()
    recommending = {graph.nodes[n].get("spoor") for n in instruments if status[n] == "aanbevolen"}
    shown = []
    for node in instruments:
        open_question = not anything_recommended or could_become_recommended(graph, node.split(":", 1)[1])
        if status[node] == "aanbevolen":
            shown.append(node)
        elif status[node] == "mogelijk" and (graph.nodes[node].get("spoor") in recommending or open_question):
            shown.append(node)  # an alternative to a recommendation, or one that could still become one
        elif status[node] == "onbeslist" and open_question:
            shown.append(node)
    tracks = {graph.nodes[n].get("spoor") for n in shown}
    for node in instruments:
        if status[node] == "uitgesloten" and _has_reason(graph, node, strict=True):
            if graph.nodes[node].get("spoor") in tracks or not shown:
                shown.append(node)
    return sorted(shown)
