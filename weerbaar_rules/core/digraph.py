"""The small directed graph the explanation is built in.

The decision graph is networkx's to the outside world (`Decision.graph`), but
the reports (text, Markdown, JSON, `rules explain`) only add nodes and edges
and walk their neighbours. Importing networkx takes about 60 ms, a sixth of
the cold start of `rules evaluate`, so they use this structure instead: the
part of the `networkx.DiGraph` interface they need, with the same semantics
(insertion order, live attribute dicts, node-link data in networkx's format).
`to_networkx()` hands the real thing to callers who want its algorithms.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

Attrs = dict[str, Any]


class _Nodes:
    """`graph.nodes`: iterate, test membership, read a node's live attributes, or list them with `data=True`."""

    def __init__(self, nodes: dict[str, Attrs]) -> None:
        self._nodes = nodes

    def __call__(self, data: bool = False) -> list[Any]:
        return list(self._nodes.items()) if data else list(self._nodes)

    def __getitem__(self, node: str) -> Attrs:
        return self._nodes[node]

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)


class _Edges:
    """`graph.edges`: iterate `(source, target)` pairs, read an edge's live attributes with `edges[source, target]`."""

    def __init__(self, succ: dict[str, dict[str, Attrs]]) -> None:
        # The adjacency dict, not the graph: a view that pointed back at its graph would make every graph a
        # reference cycle, freed only by a full garbage collection instead of when the last reference goes.
        self._succ = succ

    def __call__(self, data: bool = False) -> list[Any]:
        succ = self._succ
        return [(u, v, d) if data else (u, v) for u, targets in succ.items() for v, d in targets.items()]

    def __getitem__(self, edge: tuple[str, str]) -> Attrs:
        source, target = edge
        return self._succ[source][target]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self())

    def __len__(self) -> int:
        return sum(len(targets) for targets in self._succ.values())


class DiGraph:
    """A directed graph with attributes on nodes, edges and the graph itself (no parallel edges)."""

    def __init__(self) -> None:
        self.graph: Attrs = {}
        self._nodes: dict[str, Attrs] = {}
        self._succ: dict[str, dict[str, Attrs]] = {}
        self._pred: dict[str, dict[str, Attrs]] = {}
        # Views over the dicts above, made once (the reports read them tens of thousands of times per case).
        self.nodes = _Nodes(self._nodes)
        self.edges = _Edges(self._succ)

    def __contains__(self, node: object) -> bool:
        return node in self._nodes

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    def add_node(self, node: str, **attrs: Any) -> None:
        if node in self._nodes:
            self._nodes[node].update(attrs)
            return
        self._nodes[node] = attrs
        self._succ[node] = {}
        self._pred[node] = {}

    def add_edge(self, source: str, target: str, **attrs: Any) -> None:
        nodes = self._nodes
        if source not in nodes:
            self.add_node(source)
        if target not in nodes:
            self.add_node(target)
        targets = self._succ[source]
        data = targets.get(target)
        if data is None:
            targets[target] = self._pred[target][source] = attrs  # a new dict: ** made it for this call
            return
        data.update(attrs)

    def has_edge(self, source: str, target: str) -> bool:
        targets = self._succ.get(source)
        return targets is not None and target in targets

    def edge_data(self, source: str, target: str) -> Attrs | None:
        """The live attributes of an edge, or None when there is none (`has_edge` and `edges[...]` in one look-up)."""
        targets = self._succ.get(source)
        return None if targets is None else targets.get(target)

    def in_edges(self, node: str, data: bool = False) -> list[Any]:
        return [(u, node, d) if data else (u, node) for u, d in self._pred[node].items()]

    def out_edges(self, node: str, data: bool = False) -> list[Any]:
        return [(node, v, d) if data else (node, v) for v, d in self._succ[node].items()]

    def predecessors(self, node: str) -> Iterator[str]:
        return iter(self._pred[node])

    def successors(self, node: str) -> Iterator[str]:
        return iter(self._succ[node])

    def in_degree(self, node: str) -> int:
        return len(self._pred[node])

    def subgraph(self, nodes: Iterable[str]) -> DiGraph:
        """An independent copy of the part on `nodes` (networkx's `subgraph(...).copy()`), in this graph's order."""
        keep = set(nodes)
        part = DiGraph()
        part.graph = dict(self.graph)
        for node, attrs in self._nodes.items():
            if node in keep:
                part.add_node(node, **attrs)
        for source, targets in self._succ.items():
            if source in keep:
                for target, attrs in targets.items():
                    if target in keep:
                        part.add_edge(source, target, **attrs)
        return part

    def node_link_data(self) -> dict[str, Any]:
        """The same dict as `networkx.node_link_data(graph, edges="links")`."""
        return {
            "directed": True,
            "multigraph": False,
            "graph": self.graph,
            "nodes": [{**attrs, "id": node} for node, attrs in self._nodes.items()],
            "links": [{**attrs, "source": u, "target": v} for u, v, attrs in self.edges(data=True)],
        }

    @classmethod
    def from_node_link(cls, data: dict[str, Any]) -> DiGraph:
        graph = cls()
        graph.graph = dict(data.get("graph") or {})
        for node in data.get("nodes", []):
            attrs = dict(node)
            graph.add_node(attrs.pop("id"), **attrs)
        for link in data.get("links", []):
            attrs = dict(link)
            graph.add_edge(attrs.pop("source"), attrs.pop("target"), **attrs)
        return graph

    def to_networkx(self) -> nx.DiGraph:
        import networkx as nx

        graph = nx.DiGraph()
        graph.graph.update(self.graph)
        graph.add_nodes_from((node, dict(attrs)) for node, attrs in self._nodes.items())
        graph.add_edges_from((u, v, dict(attrs)) for u, v, attrs in self.edges(data=True))
        return graph
