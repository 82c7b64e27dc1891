"""The ruleset's part of every decision graph, published once, and the case's part that a decision carries.

Between two decisions of one ruleset most of the graph is the same: the rules'
titles, domains, citations and definitions, the legal sources with their links,
the instruments' names and tracks, the derived facts' names. A decision of
schema version 2 carries in `graaf` only what its case adds (the facts, the
information, the modes in which rules fired, their unmet conditions, the
missing facts, statuses, the edges between them) and names the ruleset part
it was made against by its key (`regelsetdeel`). The part is published once
per ruleset version (`rules graaf --regelset`, `GET /api/regelset/{sleutel}`,
a file next to a batch's output); a reader joins the two into the full
node-link data (`expand_graph`), which is exactly the graph the decision was
made with, so every view of a decision read back is the view of the decision
itself. This is OpenFisca's split of its tracer: the parameters are published
once, a trace refers to them.

The case's part is a difference, not a second format of the graph: a node
lists only the attributes that differ from what the ruleset part predicts for
its id, and an edge that the part implies (a rule or instrument citing its
legal sources) is left out. `compact_graph` and `expand_graph` are exact
inverses on any graph (tests/test_compact.py holds them so over every example
case and every profile).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import PartError

PART_VERSION = "2"
PART_KIND = "regelsetdeel"
# The place in a legal source's link where the decision's peildatum goes (the text then in force).
DAY = "{peildatum}"
# Per node: attributes the ruleset part predicts but the case's node lacks, and cited sources it does not cite.
DROPPED, NOT_CITED = "_zonder", "_niet_geciteerd"
CITES = "cites"
KEY_PATTERN = r"^[0-9a-f]{64}(\.[0-9a-f]{64})?$"  # a ruleset hash, with a profile's hash after a dot (`part_key`)
_SUFFIXED = ("regel:", "afgeleid:")  # nodes a second run repeats with its context as a suffix (`regel:x@college`)


def part_key(ruleset_hash: str, profile_hash: str | None) -> str:
    """The key of a ruleset part: the ruleset's hash the receipt carries, with the profile's when there is one."""
    return ruleset_hash if profile_hash is None else f"{ruleset_hash}.{profile_hash}"


def _node_base(node: str) -> tuple[str, str | None]:
    """A node's id without a second run's context suffix, and the suffix (the run's context)."""
    if node.startswith(_SUFFIXED) and "@" in node:
        base, suffix = node.split("@", 1)
        return base, suffix
    return node, None


@dataclass(frozen=True)
class RulesetPart:
    """What every decision graph of one ruleset (and profile) shares, keyed as `part_key` says.

    `nodes` holds per node id the attributes every case gives that node (a
    legal source's link with `{peildatum}` where the day goes); `cites` the
    legal sources a node always cites; `graph` the graph's own attributes.
    """

    key: str
    header: dict[str, Any]
    graph: dict[str, Any]
    nodes: dict[str, dict[str, Any]]
    cites: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def prediction(self, node: str, day: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """What the part predicts for node `node` on `day`: its stored attributes, and the few that the case's day
        or a second run's context put in their place (a dated link, `context`); None if it knows nothing of it.

        Apart, so the writer of every decision compares without copying the stored attributes per node.
        """
        base, suffix = _node_base(node)
        found = self.nodes.get(base)
        if found is None:
            return None
        instead: dict[str, Any] = {}
        url = found.get("url")
        if isinstance(url, str) and DAY in url:
            instead["url"] = url.replace(DAY, day)
        if suffix is not None and found.get("soort") == "regel":
            instead["context"] = suffix
        return found, instead

    def predicted(self, node: str, day: str) -> dict[str, Any] | None:
        """The attributes the part predicts for node `node` in a decision on `day`; None if it knows nothing of it."""
        found = self.prediction(node, day)
        return None if found is None else {**found[0], **found[1]}

    def check(self, wanted: object) -> None:
        """A PartError unless this is the part a decision names by key `wanted`."""
        if wanted != self.key:
            raise PartError(f"het besluit is gemaakt met regelsetdeel {wanted}, het gegeven regelsetdeel is {self.key}")

    def implied(self, node: str, attrs: dict[str, Any]) -> tuple[str, ...]:
        """The legal sources a node cites by itself: a rule its own, an instrument those its `grondslag` names that day."""
        if attrs.get("soort") == "instrument":
            return tuple(f"bron:{label}" for label in attrs.get("grondslag", ()))
        return self.cites.get(_node_base(node)[0], ())

    def document(self) -> dict[str, Any]:
        """The part as published: JSON with sorted keys, so one ruleset version gives one byte sequence."""
        return {
            "soort": PART_KIND,
            "schema_versie": PART_VERSION,
            "sleutel": self.key,
            **self.header,
            "graph": self.graph,
            "nodes": [{**attrs, "id": node} for node, attrs in sorted(self.nodes.items())],
            "verwijzingen": {node: list(targets) for node, targets in sorted(self.cites.items())},
        }

    @classmethod
    def from_document(cls, data: Any, where: str = "regelsetdeel") -> RulesetPart:
        """A published part read back; a malformed one is a PartError naming where it came from."""
        try:
            if not isinstance(data, dict) or data.get("soort") != PART_KIND:
                raise ValueError(f"geen regelsetdeel (soort moet '{PART_KIND}' zijn)")
            if data.get("schema_versie") != PART_VERSION:
                raise ValueError(f"schema_versie {data.get('schema_versie')!r}, verwacht {PART_VERSION!r}")
            nodes = {}
            for item in data["nodes"]:
                attrs = dict(item)
                nodes[str(attrs.pop("id"))] = attrs
            cites = {str(k): tuple(str(t) for t in v) for k, v in data.get("verwijzingen", {}).items()}
            header = {k: v for k, v in data.items() if k not in ("soort", "schema_versie", "sleutel", "graph", "nodes", "verwijzingen")}
            return cls(key=str(data["sleutel"]), header=header, graph=dict(data.get("graph", {})), nodes=nodes, cites=cites)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise PartError(f"{where}: onleesbaar regelsetdeel: {exc}") from None


def canonical_node(attrs: dict[str, Any]) -> dict[str, Any]:
    """A node of node-link data with its attributes in one order (sorted, `id` last), whichever order built it."""
    out = {k: attrs[k] for k in sorted(attrs) if k != "id"}
    out["id"] = attrs["id"]
    return out


def canonical_link(attrs: dict[str, Any]) -> dict[str, Any]:
    """An edge of node-link data: `source`, `target`, then its attributes sorted."""
    out = {"source": attrs["source"], "target": attrs["target"]}
    out.update((k, attrs[k]) for k in sorted(attrs) if k not in ("source", "target"))
    return out


def sort_graph(nodes: list[dict[str, Any]], links: list[dict[str, Any]], graph: dict[str, Any]) -> dict[str, Any]:
    """Full node-link data in its one canonical order (the decision's `graaf` with `--volledig`)."""
    return {
        "directed": True,
        "multigraph": False,
        "graph": graph,
        "nodes": sorted((canonical_node(n) for n in nodes), key=lambda n: n["id"]),
        "links": sorted((canonical_link(e) for e in links), key=lambda e: (e["source"], e["target"], e.get("soort", ""))),
    }


# The two forms of a decision's `graaf` in its JSON Schema (decision/model.py): whole, or the case's part.
_STRINGS = {"type": "array", "items": {"type": "string"}}
WHOLE_SCHEMA: dict[str, Any] = {
    "title": "Hele graaf",
    "description": "Node-link-data zoals networkx.node_link_data (--format json --volledig).",
    "type": "object",
    "required": ["directed", "multigraph", "graph", "nodes", "links"],
    "properties": {
        "directed": {"const": True},
        "multigraph": {"const": False},
        "graph": {"type": "object"},
        "nodes": {"type": "array", "items": {"type": "object", "required": ["id", "soort"]}},
        "links": {"type": "array", "items": {"type": "object", "required": ["source", "target", "soort"]}},
    },
}
CASE_PART_SCHEMA: dict[str, Any] = {
    "title": "Deel van de zaak",
    "description": "Wat deze zaak toevoegt aan het regelsetdeel met sleutel `regelsetdeel` (docs/besluit.md, 'Het regelsetdeel').",
    "type": "object",
    "required": ["regelsetdeel", "nodes", "links"],
    "properties": {
        "regelsetdeel": {"type": "string", "pattern": KEY_PATTERN},
        "graph": {"type": "object"},
        "nodes": {
            "type": "array",
            "items": {"type": "object", "required": ["id"], "properties": {DROPPED: _STRINGS, NOT_CITED: _STRINGS}},
        },
        "links": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["source", "target"],
                "properties": {"source": {"anyOf": [{"type": "string"}, {**_STRINGS, "minItems": 2}]}, "target": {"type": "string"}},
            },
        },
    },
}


_MISSING = object()


def compact_graph(full: dict[str, Any], part: RulesetPart, day: dt.date) -> dict[str, Any]:
    """What the case adds to the ruleset part, from whole node-link data (a decision read back whole)."""
    nodes = ((n["id"], {k: v for k, v in n.items() if k != "id"}) for n in full["nodes"])
    links = ((e["source"], e["target"], {k: v for k, v in e.items() if k not in ("source", "target")}) for e in full["links"])
    return compact_of(nodes, links, full.get("graph", {}), part, day)


def compact_of(
    nodes: Iterable[tuple[str, dict[str, Any]]],
    links: Iterable[tuple[str, str, dict[str, Any]]],
    graph: dict[str, Any],
    part: RulesetPart,
    day: dt.date,
) -> dict[str, Any]:
    """What the case adds to the ruleset part: each node's differing attributes, and the edges the part does not imply.

    Read straight from a graph's nodes and edges (the decision's own graph, `DiGraph.nodes(data=True)`),
    so a decision's JSON is written without first making and sorting the whole node-link data.
    """
    when = day.isoformat()
    edges = list(links)
    cited: dict[str, set[str]] = {}
    for source, target, attrs in edges:
        if len(attrs) == 1 and attrs.get("soort") == CITES:
            cited.setdefault(source, set()).add(target)
    implied_of: dict[str, set[str]] = {}
    plain_sources: set[str] = set()  # legal sources the part knows, with nothing of their own to add
    out_nodes: list[dict[str, Any]] = []
    for node_id, attrs in nodes:
        prediction = part.prediction(node_id, when)
        out: dict[str, Any] = {"id": node_id}
        if prediction is None:
            out.update(attrs)
        else:
            stored, instead = prediction
            for key, value in attrs.items():
                if (instead[key] if key in instead else stored.get(key, _MISSING)) != value:
                    out[key] = value
            dropped = {k for k in (*stored, *instead) if k not in attrs}
            if dropped:
                out[DROPPED] = sorted(dropped)
            if len(out) == 1 and stored.get("soort") == "bron":
                plain_sources.add(node_id)
        implied = part.implied(node_id, attrs)
        if implied:
            present = cited.get(node_id, set())
            absent = sorted(set(implied) - present)
            if absent:
                out[NOT_CITED] = absent
            implied_of[node_id] = present.intersection(implied)
        out_nodes.append(out)
    reached = set().union(*implied_of.values()) if implied_of else set()
    # A plain legal source cited by an implied edge follows from that edge.
    kept = [n for n in out_nodes if not (n["id"] in plain_sources and n["id"] in reached)]
    kept.sort(key=lambda n: n["id"])
    # Edges into one node with the same attributes are one entry with a list of sources: a case whose
    # activities each name fifty information items otherwise repeats every target fifty times.
    groups: dict[tuple[str, tuple[tuple[str, Any], ...]], tuple[dict[str, Any], list[str]]] = {}
    for source, target, attrs in edges:
        if len(attrs) == 1 and attrs.get("soort") == CITES and target in implied_of.get(source, ()):
            continue
        group = (target, tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in attrs.items())))
        found = groups.get(group)
        if found is None:
            groups[group] = (attrs, [source])
        else:
            found[1].append(source)
    out_links = []
    for group in sorted(groups, key=lambda g: (g[0], repr(g[1]))):
        attrs, sources = groups[group]
        target = group[0]
        sources.sort()
        out_links.append({"source": sources[0] if len(sources) == 1 else sources, "target": target, **attrs})
    result: dict[str, Any] = {"regelsetdeel": part.key}
    extra = {k: v for k, v in graph.items() if part.graph.get(k, _MISSING) != v}
    if extra:
        result["graph"] = extra
    result["nodes"] = kept
    result["links"] = out_links
    return result


def is_compact(data: Any) -> bool:
    """Whether graph data is a case's part (schema 2's default) rather than full node-link data."""
    return isinstance(data, dict) and "regelsetdeel" in data


def expand_graph(compact: dict[str, Any], part: RulesetPart, day: dt.date) -> dict[str, Any]:
    """The full node-link data from a case's part and its ruleset part: the graph the decision was made with."""
    part.check(compact.get("regelsetdeel"))
    when = day.isoformat()
    nodes: dict[str, dict[str, Any]] = {}
    links: list[dict[str, Any]] = []
    for entry in compact.get("links", []):
        sources = entry["source"]
        for source in sources if isinstance(sources, list) else [sources]:
            links.append({**entry, "source": source})
    items = {item["id"]: item for item in compact.get("nodes", [])}
    for node_id, item in items.items():
        attrs = part.predicted(node_id, when) or {}
        attrs.update((k, v) for k, v in item.items() if k not in ("id", DROPPED, NOT_CITED))
        for key in item.get(DROPPED, ()):
            attrs.pop(key, None)
        attrs["id"] = node_id
        nodes[node_id] = attrs
    for node_id, attrs in list(nodes.items()):
        absent = set(items.get(node_id, {}).get(NOT_CITED, ()))
        for target in part.implied(node_id, attrs):
            if target in absent:
                continue
            links.append({"source": node_id, "target": target, "soort": CITES})
            if target not in nodes:
                source = part.predicted(target, when)
                if source is None:
                    raise PartError(f"het regelsetdeel {part.key} kent de bron {target} niet, die het besluit citeert")
                nodes[target] = {**source, "id": target}
    graph = {**part.graph, **compact.get("graph", {})}
    return sort_graph(list(nodes.values()), links, graph)


__all__ = [
    "PART_KIND",
    "PART_VERSION",
    "PartError",
    "RulesetPart",
    "canonical_link",
    "canonical_node",
    "compact_graph",
    "compact_of",
    "expand_graph",
    "is_compact",
    "part_key",
    "sort_graph",
]
