"""Which unknown facts decide one instrument, and whether knowing them could make it the recommendation.

The analysis reads the decision graph only (the possibly fired rules and the
facts they miss), so it can never disagree with the explanation drawn from the
same graph. The explanation (explanation.py) asks it once per instrument and
gathers the answers into the decision's `ontbrekende_feiten`: over the
skeleton of the graph (graph.build_skeleton, the same builder without what is
there for a reader) when no view has built the full graph yet. Whatever this
module reads of a node or an edge the skeleton must carry too;
tests/test_missing_skeleton.py compares the two.
"""

from __future__ import annotations

from typing import Any

from ..core.digraph import DiGraph

# -- the analysis ---------------------------------------------------------------

DECIDING = {"available", "exclude", "suitable"}


def _concluded(data: dict[str, Any]) -> set[str]:
    return set(data.get("conclusies", []))


def _missing_behind(graph: DiGraph, rule: str, seen: set[str]) -> set[str]:
    """The missing-fact nodes a possibly fired rule waits for, through possibly derived facts."""
    if rule in seen:
        return set()
    seen.add(rule)
    found: set[str] = set()
    for _, target, data in graph.out_edges(rule, data=True):
        if data.get("soort") == "blocked-by" and graph.nodes[target].get("soort") == "ontbrekend":
            found.add(target)
    for source, _, data in graph.in_edges(rule, data=True):
        node = graph.nodes[source]
        if data.get("soort") != "supports" or node.get("soort") != "afgeleid" or node.get("modus") != "mogelijk":
            continue
        for deriver, _, edge in graph.in_edges(source, data=True):
            if edge.get("soort") == "derives" and graph.nodes[deriver].get("modus") == "mogelijk":
                found |= _missing_behind(graph, deriver, seen)
    return found


def deciding_rules(graph: DiGraph, instrument: str) -> list[tuple[str, set[str]]]:
    """The possibly fired rules whose outcome would change this instrument's status, with what they conclude.

    An undecided instrument waits for its possible availability or exclusion;
    an available one that is not yet judged suitable waits for a possible
    suitability rule (which could make it the recommendation).
    """
    node = f"instrument:{instrument}"
    status = graph.nodes[node].get("status")
    if status not in ("onbeslist", "mogelijk"):
        return []  # decided: no rule that only possibly fired can change it (most instruments of most cases)
    certainly_suitable = any(
        "suitable" in _concluded(d) and graph.nodes[s].get("modus") == "zeker" for s, _, d in graph.in_edges(node, data=True)
    )
    kinds: set[str] = set()
    if status == "onbeslist":
        kinds |= {"available", "exclude"}
    if status in ("onbeslist", "mogelijk") and not certainly_suitable:
        kinds.add("suitable")
    out = []
    for source, _, data in sorted(graph.in_edges(node, data=True)):
        if graph.nodes[source].get("soort") != "regel" or graph.nodes[source].get("modus") != "mogelijk":
            continue
        relevant = _concluded(data) & kinds
        if relevant:
            out.append((source, relevant))
    return out


def exception_facts(graph: DiGraph, instrument: str) -> set[str]:
    """Missing-fact nodes behind the exceptions left open under this instrument (they could take it away)."""
    found: set[str] = set()
    for _, check, data in graph.out_edges(f"instrument:{instrument}", data=True):
        if data.get("soort") != "checks":
            continue
        for _, target, edge in graph.out_edges(check, data=True):
            if edge.get("soort") == "blocked-by" and graph.nodes[target].get("soort") == "ontbrekend":
                found.add(target)
    return found


def missing_for_instrument(graph: DiGraph, instrument: str, exceptions: set[str] | None = None) -> list[str]:
    """Missing-fact nodes that decide this instrument: what its open rules wait for, and its open exceptions.

    `exceptions`: its `exception_facts`, when the caller has them already.
    """
    found: set[str] = set(exceptions) if exceptions is not None else exception_facts(graph, instrument)
    for rule, _ in deciding_rules(graph, instrument):
        found |= _missing_behind(graph, rule, set())
    # The fact more rules wait for first: knowing it settles the most.
    return sorted(found, key=lambda n: (-graph.in_degree(n), graph.nodes[n].get("pad", n)))


def could_become_recommended(graph: DiGraph, instrument: str) -> bool:
    """Whether learning facts could make this instrument the recommendation of its track."""
    return not_recommendable(graph, instrument) is None


def recommended_by_track(graph: DiGraph) -> dict[Any, list[dict[str, Any]]]:
    """Track -> the recommended instruments' nodes in it, in the graph's order (what `not_recommendable` compares with)."""
    found: dict[Any, list[dict[str, Any]]] = {}
    for _, d in graph.nodes(data=True):
        if d.get("soort") == "instrument" and d.get("status") == "aanbevolen":
            found.setdefault(d.get("spoor"), []).append(d)
    return found


def not_recommendable(graph: DiGraph, instrument: str, recommended: dict[Any, list[dict[str, Any]]] | None = None) -> str | None:
    """Why learning facts cannot make this instrument the recommendation of its track (Dutch); None if they can.

    It must still be open (undecided, or possible but not yet judged suitable),
    some rule must be able to judge it suitable, and it must be less intrusive
    than what its track recommends now (subsidiarity picks the least intrusive).
    `rules explain` gives the reason; the analysis only asks whether there is one.
    `recommended` is `recommended_by_track(graph)`, when the caller asks for
    many instruments of one graph (else each call looks through every node).
    """
    node = f"instrument:{instrument}"
    data = graph.nodes[node]
    if data.get("status") not in ("onbeslist", "mogelijk"):
        return f"het is {data.get('status')}"
    if not data.get("kan_passend", True):
        return "geen regel kan het als passend beoordelen"
    if data.get("status") == "mogelijk" and not deciding_rules(graph, instrument):
        return "geen regel die het nog passend kan oordelen wacht op een onbekend feit"
    current = (recommended if recommended is not None else recommended_by_track(graph)).get(data.get("spoor"), [])
    if current and data.get("ingrijpendheid", 0) >= min(d.get("ingrijpendheid", 0) for d in current):
        names = ", ".join(str(d.get("label")) for d in current)
        return f"in spoor '{data.get('spoor')}' is {names} aanbevolen, dat niet ingrijpender is"
    return None
