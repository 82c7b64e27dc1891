"""Drawing the decision graph with Graphviz (DOT, SVG, PNG).

Every label goes through `_quote`, so quotes, backslashes, angle brackets,
newlines and non-ASCII text in case data can never break or inject into DOT.
"""

from __future__ import annotations

import shutil
import subprocess

import networkx as nx

from .decision import Decision
from .errors import EvaluationError

SHAPES = {"feit": "box", "informatie": "note", "afgeleid": "ellipse", "regel": "component", "instrument": "box3d", "bron": "plaintext"}
STATUS_COLOURS = {"aanbevolen": "#2e7d32", "mogelijk": "#1565c0", "onbeslist": "#ef6c00", "uitgesloten": "#9e9e9e"}
EDGE_STYLES = {
    "supports": 'color="#2e7d32"',
    "derives": 'color="#1565c0"',
    "excludes": 'color="#c62828", style=bold',
    "requires": 'color="#6a1b9a", style=dashed',
    "cites": 'color="#9e9e9e", style=dotted, arrowhead=none',
    "blocked-by": 'color="#c62828", style=dashed',
}


def _quote(text: object) -> str:
    value = str(text)
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\r", " ").replace("\n", "\\n")
    return f'"{value}"'


def _wrap(text: str, width: int = 40) -> str:
    words, lines, line = str(text).split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def relevant(graph: nx.DiGraph) -> nx.DiGraph:
    """Only what leads to an instrument that is not simply inapplicable."""
    keep: set[str] = set()
    for node, data in graph.nodes(data=True):
        if data.get("soort") == "instrument" and data.get("status") != "uitgesloten":
            keep.add(node)
            keep |= nx.ancestors(graph, node)
        if data.get("soort") == "instrument" and data.get("status") == "uitgesloten" and graph.in_degree(node):
            keep.add(node)
            keep |= nx.ancestors(graph, node)
    for node in list(keep):
        for _, target, data in graph.out_edges(node, data=True):
            if data.get("soort") in ("cites", "blocked-by"):
                keep.add(target)
    return graph.subgraph(keep).copy()


def to_dot(decision: Decision, volledig: bool = False) -> str:
    graph = decision.graph if volledig else relevant(decision.graph)
    lines = [
        "digraph besluit {",
        "  graph [rankdir=LR, fontname=Helvetica, fontsize=11, label=" + _quote(f"Zaak {decision.zaak_id} — peildatum {decision.peildatum}") + "];",
        "  node [fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    for node in sorted(graph.nodes):
        data = graph.nodes[node]
        kind = data.get("soort", "feit")
        label = _wrap(data.get("label", node))
        attrs = [f"shape={SHAPES.get(kind, 'box')}", f"label={_quote(label)}"]
        if kind == "instrument":
            status = data.get("status", "")
            colour = STATUS_COLOURS.get(status, "#000000")
            attrs += [f"color={_quote(colour)}", "penwidth=2", f"xlabel={_quote(status)}"]
        if kind == "informatie" and not data.get("bruikbaar", True):
            attrs.append('color="#c62828"')
        if kind == "bron" and data.get("url"):
            attrs.append(f"URL={_quote(data['url'])}")
        if data.get("modus") == "mogelijk":
            attrs.append("style=dashed")
        lines.append(f"  {_quote(node)} [{', '.join(attrs)}];")
    for source, target in sorted(graph.edges):
        data = graph.edges[source, target]
        kind = data.get("soort", "supports")
        lines.append(f"  {_quote(source)} -> {_quote(target)} [{EDGE_STYLES.get(kind, '')}, tooltip={_quote(kind)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(decision: Decision, fmt: str, volledig: bool = False) -> str | bytes:
    text = to_dot(decision, volledig)
    if fmt == "dot":
        return text
    if shutil.which("dot") is None:
        raise EvaluationError("het programma 'dot' van Graphviz is niet geïnstalleerd (apt-get install graphviz)")
    result = subprocess.run(["dot", f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True, check=False)
    if result.returncode != 0:
        raise EvaluationError(f"Graphviz kon de graaf niet tekenen: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout if fmt == "png" else result.stdout.decode("utf-8")
