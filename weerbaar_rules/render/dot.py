"""Drawing the decision graph with Graphviz (DOT, SVG, PNG).

The picture is for a lawyer, not for a developer: facts on the left, rules in
the middle grouped per legal domain (the rule id's prefix, or the municipal
profile), instruments on the right, every rule and instrument carrying its
legal citation. By default only what bears on the recommendation is drawn:
the recommended instruments and the chain of rules that certainly fired for
them, their alternatives in the same track, exclusions with a stated reason in
those tracks, undecided instruments that could still become the
recommendation, and the facts the AVG keeps out. Unknown facts are numbered
([1], [2], … most decisive first) and the instruments that wait for them name
the numbers, so a dozen missing facts do not turn into a web of lines. What is
left out is named in one summary box. `volledig` draws everything, including
the rules that did not fire and the legal sources as separate nodes.

Every piece of text goes through `_quote`: case data (a zaak_id, an
information id) can contain quotes, backslashes, angle brackets, newlines,
control characters or an attempt to close the label and start a new edge,
and none of it may break the DOT or add to the graph. Labels are plain quoted
strings (never HTML-like labels), node names are generated (`n0`, `n1`, …) so
no case text is ever a DOT identifier.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from typing import Any

from ..core import children
from ..core.digraph import DiGraph
from ..core.errors import CaseError, EvaluationError
from ..core.safetext import unsafe
from ..decision.model import Decision
from ..explain.explanation import Explanation, InstrumentExplanation, explanation_of
from ..explain.relevance import fired

FONT = "Helvetica"
STATUS_FILL = {"aanbevolen": "#c8e6c9", "mogelijk": "#e3f2fd", "onbeslist": "#ffe0b2", "uitgesloten": "#eeeeee"}
STATUS_LINE = {"aanbevolen": "#1b5e20", "mogelijk": "#1565c0", "onbeslist": "#e65100", "uitgesloten": "#757575"}
STATUS_WORD = {"aanbevolen": "AANBEVOLEN", "mogelijk": "mogelijk", "onbeslist": "ONBESLIST", "uitgesloten": "UITGESLOTEN"}
MODE_WORD = {"zeker": "", "mogelijk": "onbeslist", "niet": "niet vervuld"}
LEGEND = (
    "Legenda — groene pijl: steunt;  blauwe pijl: leidt af;  rode pijl: sluit uit;  paarse stippellijn: procedure of afweging;"
    "  rode streep: geblokkeerd (AVG) of ontbrekend;  oranje stippellijn: onbeslist (hangt af van een onbekend feit);"
    "  grijs: regel niet vervuld;  [n] ontbreekt: onbekend feit, de nummers staan bij de instrumenten die ervan afhangen."
)
MAX_UNMET = 2
MAX_MISSING_EDGES = 12
AVG_BOX = "samenvatting:avg"
RENDER_SECONDS = 60.0  # the longest `dot` may draw for the CLI; the server gives it its own time limit
_EDGE_LINE = re.compile(r"^  n\d+ -> n\d+ ", re.MULTILINE)  # labels are quoted and one line, so no label starts a line
LINE_WIDTH = 38

class GraphTooLarge(CaseError):
    """The graph has more arrows than the caller lets Graphviz draw (the server's bound; bad input, like a case too large)."""


def _clean(text: object) -> str:
    """Text as it may appear in a picture: no control or format characters (bidi overrides, zero-width), one kind of newline."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in value:
        if ch == "\n" or unicodedata.category(ch) in ("Zl", "Zp"):
            out.append("\n")
        elif unsafe(ch):
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def _quote(text: object) -> str:
    """A DOT quoted string that shows `text` literally (see the module docstring)."""
    value = _clean(text)
    value = value.replace("&", "&amp;")  # Graphviz reads entities in labels; show the text as written
    value = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{value}"'


class _Quoted(str):
    """A DOT string that is already quoted and escaped (built only by `_quote_left`)."""


def _quote_left(text: str) -> _Quoted:
    """Like `_quote`, but every line left-aligned (Graphviz's `\\l` line ending), for the caption."""
    lines = [_quote(line)[1:-1] for line in _clean(text).split("\n")]
    return _Quoted('"' + "".join(line + "\\l" for line in lines) + '"')


def _wrap(text: str, width: int = LINE_WIDTH) -> str:
    """Wrap on spaces; a single long word (an id without spaces) is cut so no box grows unbounded."""
    lines: list[str] = []
    for paragraph in _clean(text).split("\n"):
        line = ""
        for word in paragraph.split():
            while len(word) > width:
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if line and len(line) + len(word) + 1 > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return "\n".join(lines)


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(_clean(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- what to draw -------------------------------------------------------------


def relevant(explanation: Explanation) -> DiGraph:
    """The part of the graph that explains the outcome; the rest is summarised in one box.

    Only what certainly fired is drawn as a chain of reasons. An instrument
    that hangs on unknown facts gets a direct line from each missing fact that
    decides it, instead of the chain of possibly fired rules in between (that
    chain is in the full picture and in `rules explain`).
    """
    graph = explanation.graph
    instruments = explanation.shown(focus=True)
    keep: set[str] = set(instruments)
    stack = list(instruments)
    while stack:  # everything that certainly fired on the way to a shown instrument
        node = stack.pop()
        excluded = graph.nodes[node].get("soort") == "instrument" and graph.nodes[node].get("status") == "uitgesloten"
        for source, _, data in graph.in_edges(node, data=True):
            if data.get("soort") in ("cites", "blocked-by") or source in keep:
                continue
            if data.get("modus", "zeker") != "zeker":
                continue
            if excluded and data.get("soort") != "excludes":
                continue  # for an excluded instrument the exclusion is the story
            keep.add(source)
            stack.append(source)
    for node in list(keep):  # facts that rest on information that may not carry a decision
        for _, target, data in graph.out_edges(node, data=True):
            if data.get("soort") == "blocked-by" and data.get("reden") == "avg":
                keep.add(target)
    avg_blocked: dict[str, set[str]] = {}
    for node in instruments:
        status = graph.nodes[node].get("status")
        excluded_by_rule = any(d.get("soort") == "excludes" and fired(d) for _, _, d in graph.in_edges(node, data=True))
        if status == "uitgesloten" and not excluded_by_rule:
            # Straight from the fact the AVG keeps out to the instrument it would have carried.
            items = {n for n in _instrument(explanation, node).held_back if graph.nodes[n].get("soort") == "feit"}
            avg_blocked[node] = items
            for item in items:
                keep.add(item)
                keep |= {t for _, t, d in graph.out_edges(item, data=True) if d.get("soort") == "blocked-by"}
    # Instruments that only the AVG keeps out, outside the tracks in the picture: one box, reached from the fact.
    elsewhere: dict[str, set[str]] = {}
    for node, data in graph.nodes(data=True):
        if data.get("soort") == "instrument" and node not in keep and data.get("status") == "uitgesloten":
            items = {n for n in _instrument(explanation, node).held_back if graph.nodes[n].get("soort") == "feit"}
            if items:
                elsewhere[node] = items
                for item in items:
                    keep.add(item)
                    keep |= {t for _, t, d in graph.out_edges(item, data=True) if d.get("soort") == "blocked-by"}
    picture = graph.subgraph(keep)
    for node, items in avg_blocked.items():
        for item in items:
            picture.add_edge(node, item, soort="blocked-by", reden="avg")
    if elsewhere:
        names = sorted(str(graph.nodes[n].get("label", n)) for n in elsewhere)
        picture.add_node(AVG_BOX, soort="samenvatting", label="", namen=names, instrumenten=sorted(elsewhere))
        for item in sorted(set().union(*elsewhere.values())):
            picture.add_edge(AVG_BOX, item, soort="blocked-by", reden="avg")
    waits = {
        node: _instrument(explanation, node).missing
        for node in instruments
        if graph.nodes[node].get("status") in ("onbeslist", "mogelijk")
    }
    # Few lines are drawn; many would cover the page, and then the numbers in the labels carry the link.
    draw = sum(len(m) for m in waits.values()) <= MAX_MISSING_EDGES
    for node, missing_nodes in waits.items():
        for missing in missing_nodes:
            picture.add_node(missing, **graph.nodes[missing])
            if draw:
                picture.add_edge(node, missing, soort="blocked-by", reden="ontbreekt")
    return picture


# -- drawing --------------------------------------------------------------------


def _instrument(explanation: Explanation, node: str) -> InstrumentExplanation:
    return explanation.instrument(node.split(":", 1)[1])


def _citations(data: dict[str, Any]) -> str:
    return "; ".join(data.get("grondslag", []))


def _node_attrs(node: str, data: dict[str, Any], decision: Decision, numbers: dict[str, int], waits: list[str]) -> dict[str, str]:
    kind = data.get("soort", "feit")
    label = str(data.get("label", node))
    attrs: dict[str, str] = {}
    if kind == "feit":
        attrs.update(shape="box", style="rounded,filled", fillcolor="#fafafa", color="#424242")
        text = _wrap(label)
    elif kind == "informatie":
        usable = data.get("bruikbaar", True)
        text = _wrap(label)
        if usable is False:
            text += "\nkan geen besluit dragen (AVG)"
        elif usable is None:
            text += "\nnog niet vast of zij een besluit mag dragen (AVG)"
        attrs.update(
            shape="note",
            style="filled",
            fillcolor={False: "#ffebee", None: "#fff8e1"}.get(usable, "#f1f8e9"),
            color={False: "#c62828", None: "#e65100"}.get(usable, "#558b2f"),
        )
        attrs["tooltip"] = _short(str(data.get("toelichting", "")), 300)
    elif kind == "afgeleid":
        mode = data.get("modus", "zeker")
        text = _wrap(label) + (f"\n({MODE_WORD[mode]})" if MODE_WORD.get(mode) else "")
        attrs.update(shape="ellipse", style="filled", fillcolor="#e8eaf6", color="#3949ab")
        if mode == "mogelijk":
            attrs.update(style="filled,dashed", color="#e65100")
        elif mode == "niet":
            attrs.update(style="filled,dotted", fillcolor="#fafafa", color="#9e9e9e", fontcolor="#757575")
    elif kind == "regel":
        mode = data.get("modus", "zeker")
        text = _wrap(label) + "\n" + _wrap(f"[{_citations(data)}]")
        attrs.update(shape="box", style="filled", fillcolor="white", color="#212121")
        tooltip = [f"regel {data.get('regel', '')} ({data.get('definitie', '')})"]
        if mode == "mogelijk":
            missing = data.get("ontbreekt", [])
            text += "\nonbeslist: hangt af van onbekende feiten" if missing else "\nonbeslist"
            attrs.update(style="filled,dashed", color="#e65100", fillcolor="#fff8e1")
        elif mode == "niet":
            unmet = list(data.get("onvervuld", []))
            shown = [f"✗ {_short(u)}" for u in unmet[:MAX_UNMET]]
            if len(unmet) > MAX_UNMET:
                shown.append(f"(en {len(unmet) - MAX_UNMET} andere)")
            text += "\nniet vervuld:" + "".join("\n" + _wrap(s) for s in shown)
            attrs.update(style="filled,dotted", color="#9e9e9e", fillcolor="#fafafa", fontcolor="#616161")
            tooltip += [f"niet vervuld: {u}" for u in unmet]
        attrs["tooltip"] = _short("\n".join(tooltip), 1000)
    elif kind == "instrument":
        status = data.get("status", "")
        inst = decision.instruments.get(node.split(":", 1)[1])
        lines = [_wrap(label), f"[{STATUS_WORD.get(status, status)}]", f"bevoegd: {data.get('bevoegd', '')}"]
        escalation = getattr(inst, "escalatie", None) if inst else None
        if escalation is not None and status != "uitgesloten":
            duration = f", {escalation.duur_maanden} maanden" if escalation.duur_maanden else ""
            lines.append(f"trede {escalation.trede}{duration}")
        lines.append(_wrap(f"[{_citations(data)}]"))
        if waits:
            refs = " ".join(f"[{numbers[w]}]" for w in sorted(waits, key=lambda w: numbers.get(w, 0)) if w in numbers)
            lines.append(_wrap(f"ontbreekt: {refs}"))
        text = "\n".join(lines)
        attrs.update(
            shape="box",
            style="filled,bold",
            fillcolor=STATUS_FILL.get(status, "white"),
            color=STATUS_LINE.get(status, "black"),
            penwidth="2" if status == "aanbevolen" else "1.2",
        )
        if inst is not None:
            attrs["tooltip"] = _short("\n".join(inst.redenen), 1000)
    elif kind == "ontbrekend":
        number = numbers.get(node)
        text = _wrap(f"[{number}] ontbreekt: {label}" if number else f"ontbreekt: {label}")
        attrs.update(shape="box", style="rounded,filled,dashed", fillcolor="#fff3e0", color="#e65100")
    elif kind == "bron":
        text = _wrap(label)
        attrs.update(shape="plaintext", fontcolor="#424242")
    elif kind == "profiel":
        changes = list(data.get("wijzigingen", []))
        text = _wrap(label) + "".join("\n· " + _short(c, 60) for c in changes[:8])
        if len(changes) > 8:
            text += f"\n… en {len(changes) - 8} meer"
        attrs.update(shape="folder", style="filled", fillcolor="#ede7f6", color="#4527a0")
    elif kind == "samenvatting":
        names = list(data.get("namen", []))
        text = f"Niet beschikbaar alleen door de AVG ({len(names)}):" + "".join("\n· " + _short(n, 60) for n in names)
        attrs.update(shape="box", style="rounded,filled,dashed", fillcolor="#ffebee", color="#c62828")
    else:
        text = _wrap(label)
        attrs.update(shape="box")
    if data.get("url"):
        attrs["URL"] = str(data["url"])
    attrs["label"] = text
    return attrs


def _summary(graph: DiGraph, hidden: list[str]) -> dict[str, str]:
    """One box for the instruments left out of the picture, so nothing disappears silently."""
    undecided = sorted(str(graph.nodes[n].get("label", n)) for n in hidden if graph.nodes[n].get("status") == "onbeslist")
    possible = sorted(str(graph.nodes[n].get("label", n)) for n in hidden if graph.nodes[n].get("status") == "mogelijk")
    other = [n for n in hidden if graph.nodes[n].get("status") == "uitgesloten"]
    parts = []
    if possible:
        names = "".join("\n· " + _short(name, 60) for name in possible)
        parts.append(f"Ook mogelijk, in een ander spoor ({len(possible)}):{names}")
    if undecided:
        names = "".join("\n· " + _short(name, 60) for name in undecided)
        parts.append(f"Ook onbeslist, maar zonder invloed op de aanbeveling ({len(undecided)}):{names}")
    if other:
        parts.append(f"Niet van toepassing: {len(other)} instrument(en)")
    parts.append("(zie --volledig of 'rules explain')")
    return {
        "shape": "box",
        "style": "rounded,dashed",
        "color": "#bdbdbd",
        "fontcolor": "#616161",
        "label": "\n".join(parts),
    }


def _edge_attrs(kind: str, data: dict[str, Any]) -> dict[str, str]:
    fired = data.get("modus")
    attrs: dict[str, str] = {}
    if kind == "supports":
        attrs.update(color="#2e7d32")
    elif kind == "derives":
        attrs.update(color="#1565c0")
    elif kind == "excludes":
        attrs.update(color="#c62828", penwidth="2", label="sluit uit", fontcolor="#c62828")
    elif kind == "requires":
        attrs.update(color="#6a1b9a", style="dashed", arrowhead="diamond")
    elif kind == "cites":
        attrs.update(color="#bdbdbd", style="dotted", arrowhead="none")
    elif kind == "blocked-by":
        reason = data.get("reden", "")
        attrs.update(color="#c62828", style="dashed", arrowtail="tee", dir="back")
        if reason == "avg":
            attrs.update(label="AVG", fontcolor="#c62828")
        elif reason == "ontbreekt":
            attrs.update(color="#e65100", fontcolor="#e65100")
    if fired == "mogelijk" and kind != "blocked-by":
        attrs.update(style="dashed", color="#e65100")
    elif fired == "niet":
        attrs.update(style="dotted", color="#9e9e9e")
    return attrs


def _attr_list(attrs: dict[str, str]) -> str:
    return ", ".join(
        f"{key}={value if isinstance(value, _Quoted) else _quote(value)}" for key, value in sorted(attrs.items())
    )


def _domain_of(graph: DiGraph, node: str) -> str | None:
    data = graph.nodes[node]
    if data.get("soort") == "regel":
        return str(data.get("domein", ""))
    if data.get("soort") == "afgeleid":
        for source in sorted(graph.predecessors(node)):
            if graph.nodes[source].get("soort") == "regel" and graph.edges[source, node].get("soort") == "derives":
                return str(graph.nodes[source].get("domein", ""))
        for target in sorted(graph.successors(node)):
            if graph.nodes[target].get("soort") == "regel":
                return str(graph.nodes[target].get("domein", ""))
    return None


def to_dot(decision: Decision, volledig: bool = False) -> str:
    """The decision graph as DOT text; deterministic for the same decision."""
    explanation = explanation_of(decision)
    full = explanation.graph
    graph = full if volledig else relevant(explanation)
    if not volledig:
        graph = graph.subgraph(n for n, d in graph.nodes(data=True) if d.get("soort") != "bron")
    names = {node: f"n{i}" for i, node in enumerate(sorted(graph.nodes))}
    # Missing facts are numbered in the order of the decision's analysis (most decisive first).
    order = {row.feit: index + 1 for index, row in enumerate(decision.ontbrekende_feiten)}
    numbers = {
        node: order[str(data.get("pad"))]
        for node, data in full.nodes(data=True)
        if data.get("soort") == "ontbrekend" and str(data.get("pad")) in order
    }
    waits = {
        node: _instrument(explanation, node).missing
        for node, data in graph.nodes(data=True)
        if data.get("soort") == "instrument" and data.get("status") in ("onbeslist", "mogelijk")
    }
    # Rules and instruments link to their first legal source, so a click in the SVG opens the article.
    links: dict[str, str] = {}
    for node in graph.nodes:
        if node in full and full.nodes[node].get("soort") in ("regel", "instrument"):
            for target in sorted(full.successors(node)):
                if full.nodes[target].get("soort") == "bron" and full.nodes[target].get("url"):
                    links[node] = str(full.nodes[target]["url"])
                    break

    title = f"Zaak {decision.zaak_id} — peildatum {decision.peildatum.isoformat()}"
    if decision.aanbevolen:
        title += " — aanbevolen: " + ", ".join(decision.instruments[i].naam for i in decision.aanbevolen)
    lines = [
        "digraph besluit {",
        "  graph ["
        + _attr_list(
            {
                "rankdir": "LR",
                "fontname": FONT,
                "fontsize": "12",
                "labelloc": "t",
                "labeljust": "l",
                "label": _quote_left(_wrap(title, 120) + "\n" + _wrap(LEGEND, 140)),
                "nodesep": "0.25",
                "ranksep": "0.6",
                "newrank": "true",
                "compound": "true",
            }
        )
        + "];",
        f"  node [{_attr_list({'fontname': FONT, 'fontsize': '10', 'margin': '0.12,0.06'})}];",
        f"  edge [{_attr_list({'fontname': FONT, 'fontsize': '9', 'arrowsize': '0.7'})}];",
    ]

    groups: dict[str, list[str]] = {}
    for node in sorted(graph.nodes):
        kind = graph.nodes[node].get("soort")
        if kind in ("feit", "informatie", "ontbrekend"):
            group = "0 Feiten van de zaak"
        elif kind in ("instrument", "samenvatting"):
            group = "8 Instrumenten"
        elif kind == "bron":
            group = "9 Bronnen"
        else:
            group = "5 " + (_domain_of(graph, node) or "Overig")
        groups.setdefault(group, []).append(node)

    # Facts first, then what is missing in its numbered order; instruments by status and intrusiveness.
    kind_order = {"informatie": 0, "feit": 1, "ontbrekend": 2}
    status_order = {"aanbevolen": 0, "mogelijk": 1, "onbeslist": 2, "uitgesloten": 3}
    for group, members in groups.items():
        if group.startswith("0"):
            members.sort(key=lambda n: (kind_order.get(graph.nodes[n].get("soort", ""), 3), numbers.get(n, 0), n))
        elif group.startswith("8"):
            members.sort(
                key=lambda n: (status_order.get(graph.nodes[n].get("status", ""), 4), graph.nodes[n].get("ingrijpendheid", 0), n)
            )
    in_box = set(graph.nodes[AVG_BOX]["instrumenten"]) if AVG_BOX in graph else set()
    hidden = sorted(
        n for n, d in full.nodes(data=True) if d.get("soort") == "instrument" and n not in graph and n not in in_box
    )
    for index, group in enumerate(sorted(groups)):
        title_text = group.split(" ", 1)[1]
        style = {"style": "rounded,filled", "fillcolor": "#f7f7f7", "color": "#bdbdbd", "label": title_text, "fontsize": "11"}
        if group.startswith("8"):
            style.update(fillcolor="#fcfcfc", color="#9e9e9e")
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    graph [{_attr_list(style)}];")
        for node in groups[group]:
            attrs = _node_attrs(node, graph.nodes[node], decision, numbers, waits.get(node, []))
            if node in links:
                attrs["URL"] = links[node]
            if graph.nodes[node].get("soort") in ("regel", "instrument"):
                attrs["id"] = node  # the SVG element's id, so a page can link a node to its rule or instrument (ids are ruleset ids)
            lines.append(f"    {names[node]} [{_attr_list(attrs)}];")
        members = [names[n] for n in groups[group]]
        if group.startswith("8") and hidden:
            lines.append(f"    rest [{_attr_list(_summary(full, hidden))}];")
            members.append("rest")
        # Columns: information, then facts (and what is missing), rules in between, instruments last.
        if group.startswith("0"):
            info = [names[n] for n in groups[group] if graph.nodes[n].get("soort") == "informatie"]
            facts = [names[n] for n in groups[group] if graph.nodes[n].get("soort") != "informatie"]
            if info:
                lines.append(f"    {{ rank=min; {'; '.join(info)}; }}")
            if facts:
                lines.append(f"    {{ rank=same; {'; '.join(facts)}; }}")
        elif group.startswith("8"):
            lines.append(f"    {{ rank=max; {'; '.join(members)}; }}")
        lines.append("  }")

    for source, target in sorted(graph.edges):
        data = graph.edges[source, target]
        kind = str(data.get("soort", "supports"))
        attrs = _edge_attrs(kind, data)
        if kind == "blocked-by":
            # Drawn backwards so facts stay on the left; the tee marks what blocks.
            lines.append(f"  {names[target]} -> {names[source]} [{_attr_list(attrs)}];")
        else:
            lines.append(f"  {names[source]} -> {names[target]} [{_attr_list(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(decision: Decision, fmt: str, volledig: bool = False, timeout: float = RENDER_SECONDS, max_edges: int | None = None) -> str | bytes:
    """DOT text, or SVG/PNG drawn by Graphviz's `dot` program, killed after `timeout` seconds.

    `max_edges` refuses (before `dot` starts) a drawing with more arrows than that: Graphviz's
    time grows much faster than the graph (about 1,300 arrows take 2 s, 2,600 take 6 s).
    """
    text = to_dot(decision, volledig)
    if fmt == "dot":
        return text
    if max_edges is not None:
        edges = len(_EDGE_LINE.findall(text))
        if edges > max_edges:
            raise GraphTooLarge(
                f"graaf: te groot om te tekenen ({edges} pijlen, maximaal {max_edges} pijlen); "
                "vraag formaat=dot, of de graaf zonder volledig"
            )
    if shutil.which("dot") is None:
        raise EvaluationError("het programma 'dot' van Graphviz is niet geïnstalleerd (apt-get install graphviz)")
    try:
        result = children.run(["dot", f"-T{fmt}"], text.encode("utf-8"), timeout)
    except children.ChildTimeout:
        raise EvaluationError(f"Graphviz had meer dan {timeout:g} s nodig voor de graaf en is gestopt; vraag --format dot") from None
    if result.returncode != 0:
        raise EvaluationError(f"Graphviz kon de graaf niet tekenen: {result.stderr.decode('utf-8', 'replace').strip()}")
    return result.stdout if fmt == "png" else result.stdout.decode("utf-8")
