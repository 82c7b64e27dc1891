"""Which unknown facts decide which instruments, and whether knowing them could change the recommendation.

The analysis reads the decision graph only (the possibly fired rules and the
facts they miss), so it can never disagree with the explanation drawn from the
same graph. The Dutch names of the facts come from the case model (case/names.py).
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


def missing_for_instrument(graph: DiGraph, instrument: str) -> list[str]:
    """Missing-fact nodes that decide this instrument: what its open rules wait for, and its open exceptions."""
    found: set[str] = exception_facts(graph, instrument)
    for rule, _ in deciding_rules(graph, instrument):
        found |= _missing_behind(graph, rule, set())
    # The fact more rules wait for first: knowing it settles the most.
    return sorted(found, key=lambda n: (-graph.in_degree(n), graph.nodes[n].get("pad", n)))


def could_become_recommended(graph: DiGraph, instrument: str) -> bool:
    """Whether learning facts could make this instrument the recommendation of its track."""
    return not_recommendable(graph, instrument) is None


def not_recommendable(graph: DiGraph, instrument: str) -> str | None:
    """Why learning facts cannot make this instrument the recommendation of its track (Dutch); None if they can.

    It must still be open (undecided, or possible but not yet judged suitable),
    some rule must be able to judge it suitable, and it must be less intrusive
    than what its track recommends now (subsidiarity picks the least intrusive).
    `rules explain` gives the reason; the analysis only asks whether there is one.
    """
    node = f"instrument:{instrument}"
    data = graph.nodes[node]
    if data.get("status") not in ("onbeslist", "mogelijk"):
        return f"het is {data.get('status')}"
    if not data.get("kan_passend", True):
        return "geen regel kan het als passend beoordelen"
    if data.get("status") == "mogelijk" and not deciding_rules(graph, instrument):
        return "geen regel die het nog passend kan oordelen wacht op een onbekend feit"
    current = [
        d
        for _, d in graph.nodes(data=True)
        if d.get("soort") == "instrument" and d.get("status") == "aanbevolen" and d.get("spoor") == data.get("spoor")
    ]
    if current and data.get("ingrijpendheid", 0) >= min(d.get("ingrijpendheid", 0) for d in current):
        names = ", ".join(str(d.get("label")) for d in current)
        return f"in spoor '{data.get('spoor')}' is {names} aanbevolen, dat niet ingrijpender is"
    return None


def analyse(graph: DiGraph) -> list[dict[str, Any]]:
    """Unknown facts that decide an instrument; those that could change the recommendation first.

    Each row: the path in the case file (`feit`), its Dutch name, the
    instruments it decides, and the instruments through which knowing it could
    change the recommendation (`verandert_via`; `kan_aanbeveling_veranderen` is
    whether there is one). The picture's "zonder invloed" box and the text's
    lists are read from the same per-instrument verdict (`changes_recommendation`),
    so the views cannot disagree on an instrument.
    """
    decides: dict[str, set[str]] = {}
    via: dict[str, set[str]] = {}
    instruments = sorted(n for n, d in graph.nodes(data=True) if d.get("soort") == "instrument")
    for node in instruments:
        inst_id = node.split(":", 1)[1]
        found = missing_for_instrument(graph, inst_id)
        for missing in found:
            decides.setdefault(missing, set()).add(inst_id)
        could = could_become_recommended(graph, inst_id)
        if found and could:
            for missing in found:
                via.setdefault(missing, set()).add(inst_id)
        data = graph.nodes[node]
        if data.get("status") == "aanbevolen" or (data.get("status") != "uitgesloten" and could) or (
            data.get("status") == "uitgesloten" and data.get("kan_passend")
        ):
            # An established exception takes a recommendation away, or lifts an exclusion that stood in the way.
            for missing in exception_facts(graph, inst_id):
                via.setdefault(missing, set()).add(inst_id)
    rows = [
        {
            "feit": graph.nodes[node].get("pad", node),
            "omschrijving": graph.nodes[node].get("label", node),
            "instrumenten": sorted(ids),
            "kan_aanbeveling_veranderen": bool(via.get(node)),
            "verandert_via": sorted(via.get(node, ())),
        }
        for node, ids in decides.items()
    ]
    # What could change the recommendation first; then most instruments; then the fact more rules wait for.
    order = {graph.nodes[n].get("pad", n): graph.in_degree(n) for n in decides}
    rows.sort(key=lambda r: (not r["kan_aanbeveling_veranderen"], -len(r["instrumenten"]), -order[r["feit"]], r["feit"]))
    return rows
