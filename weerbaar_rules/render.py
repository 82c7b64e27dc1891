"""Rendering a decision: canonical JSON, a readable Dutch report, and Markdown for an advice.

The text and Markdown reports take their reasons from the decision and its
graph through the same helpers as `rules explain` (why.py), so the three never
tell a lawyer different stories. Case text (a zaak_id, an information id) is
escaped for Markdown, so it can neither format nor inject HTML into the advice.
"""

from __future__ import annotations

import re
from typing import Any

from .decision import Decision, InstrumentDecision, MissingFact
from .digraph import DiGraph
from .missing import BASIS_NAMES, CASE_FIELDS, ITEM_NAMES, SOURCE_NAMES
from .safetext import one_line, printable
from .why import exclusion_lines, missing_for, support_facts

STATUS_ORDER = ("aanbevolen", "mogelijk", "onbeslist", "uitgesloten")
STATUS_WORD = {
    "aanbevolen": "AANBEVOLEN",
    "mogelijk": "mogelijk",
    "onbeslist": "onbeslist",
    "uitgesloten": "uitgesloten",
}


FORMATS = ("text", "json", "md", "dot", "svg", "png")


def rendered(decision: Decision, fmt: str, volledig: bool = False) -> str | bytes:
    """The decision in one of FORMATS (svg and png as bytes, through Graphviz' dot)."""
    if fmt == "json":
        return to_json(decision)
    if fmt == "md":
        return to_markdown(decision)
    if fmt == "text":
        return to_text(decision, volledig=volledig)
    from . import dot

    return dot.render(decision, fmt, volledig=volledig)


def to_json(decision: Decision) -> str:
    """Canonical JSON: same case and ruleset give byte-identical output.

    pydantic's own (Rust) serializer: `json.dumps` with an indent falls back to
    the pure-Python encoder, which took 5 ms per decision. UTF-8, not escaped.
    """
    return decision.model_dump_json(indent=2) + "\n"


def to_json_line(decision: Decision) -> str:
    """One decision on one line (the batch mode's JSON lines), the same serializer as `to_json`."""
    return decision.model_dump_json() + "\n"


def _citation(c: dict[str, Any]) -> str:
    if "ecli" in c:
        return str(c["ecli"])
    text = f"art. {c['artikel']}"
    if "lid" in c:
        text += f" lid {c['lid']}"
    if "onder" in c:
        text += f" onder {c['onder']}"
    return f"{text} {c['wet']}"


def _citations(inst: InstrumentDecision) -> str:
    return "; ".join(_citation(c) for c in inst.grondslag)


def _sorted(decision: Decision) -> list[InstrumentDecision]:
    return sorted(decision.instrumenten, key=lambda i: (STATUS_ORDER.index(i.status), i.ingrijpendheid, i.id))


def _shown(decision: Decision) -> set[str]:
    """The instruments worth a lawyer's attention (the same choice as the picture)."""
    from .dot import shown_instruments

    return {n.split(":", 1)[1] for n in shown_instruments(decision.explanation)}


def open_checks(decision: Decision, inst: InstrumentDecision) -> list[str]:
    """The exceptions left open under an instrument, each with the unknown facts that would settle it, in words."""
    graph = decision.explanation
    out = []
    for check in inst.te_controleren:
        names = [str(graph.nodes[f"ontbreekt:{p}"].get("label", p)) if f"ontbreekt:{p}" in graph else p for p in check.ontbrekende_feiten]
        unknown = f" (onbekend: {', '.join(names)})" if names else ""
        out.append(f"uitzondering {check.uitzondering}{unknown}")
    return out


def _escalation(inst: InstrumentDecision) -> str | None:
    escalation = getattr(inst, "escalatie", None)
    if escalation is None:
        return None
    duration = f", {escalation.duur_maanden} maanden" if escalation.duur_maanden else ""
    return f"escalatie: trede {escalation.trede}{duration} — {escalation.reden}"


# -- text -------------------------------------------------------------------------


def _decides(decision: Decision, fact: MissingFact) -> str:
    """Which instruments an unknown fact decides, and (when not all) through which it can change the recommendation.

    Read from `verandert_via`, the analysis the picture's "zonder invloed" box
    also reads: an instrument the picture calls without influence is never
    named here as one through which the advice can change.
    """
    names = decision.instruments
    if not fact.kan_aanbeveling_veranderen or fact.verandert_via == fact.instrumenten:
        return "beslist over: " + ", ".join(names[i].naam for i in fact.instrumenten if i in names)
    via = ", ".join(names[i].naam for i in fact.verandert_via if i in names)
    rest = ", ".join(names[i].naam for i in fact.instrumenten if i in names and i not in fact.verandert_via)
    return f"beslist over: {via}; ook over, zonder invloed op de aanbeveling: {rest}"


def to_text(decision: Decision, volledig: bool = False) -> str:
    r = decision.ontvangstbewijs
    lines = [
        f"Besluitadvies zaak {decision.zaak_id}",
        f"Peildatum: {decision.peildatum.isoformat()}   Regelset: {r.ruleset} {r.ruleset_versie}"
        + (f"   Profiel: {r.profiel} {r.profiel_versie}" if r.profiel else "   Profiel: geen (landelijk modelbeleid)"),
        "",
    ]
    if decision.aanbevolen:
        lines.append("Aanbevolen:")
        for note in decision.toelichting_aanbeveling:
            lines.append(f"  * {note}")
    else:
        lines.append("Aanbevolen: geen instrument (zie onbesliste instrumenten en ontbrekende feiten)")
    if r.profiel_wijzigingen:
        lines.append("")
        lines.append(f"Afwijkingen van het landelijke recht door profiel {r.profiel}:")
        for change in r.profiel_wijzigingen:
            old = f" (was {change['oud']})" if change["oud"] is not None else ""
            lines.append(f"  - {change['soort']} {change['onderwerp']}: {change['nieuw']}{old}")
    if decision.buiten_beschouwing:
        lines.append("")
        lines.append("Buiten beschouwing (na de peildatum, of bij onderzoek niet aangetroffen):")
        for aside in decision.buiten_beschouwing:
            lines.append(f"  - {aside.feit}: {aside.reden}")
    blocked = [v for v in decision.informatie if not v.bruikbaar]
    if blocked:
        lines.append("")
        lines.append("Informatie die geen besluit kan dragen (AVG):")
        for v in blocked:
            lines.append(f"  - {v.id}: {v.toelichting}")
    changing = [f for f in decision.ontbrekende_feiten if f.kan_aanbeveling_veranderen]
    other = [f for f in decision.ontbrekende_feiten if not f.kan_aanbeveling_veranderen]
    if changing:
        lines.append("")
        lines.append("Ontbrekende feiten die de aanbeveling kunnen veranderen:")
        for fact in changing:
            lines.append(f"  - {fact.omschrijving} ({_decides(decision, fact)})")
    if other:
        lines.append("")
        if volledig:
            lines.append("Overige ontbrekende feiten (beslissen over instrumenten die hier niet aanbevolen kunnen worden):")
            for fact in other:
                names = ", ".join(decision.instruments[i].naam for i in fact.instrumenten if i in decision.instruments)
                lines.append(f"  - {fact.omschrijving} (beslist over: {names})")
        else:
            names = "; ".join(f.omschrijving for f in other)
            lines.append(f"Overige ontbrekende feiten, zonder invloed op de aanbeveling: {names}")
    shown = _shown(decision)
    graph = decision.explanation
    # Instruments kept out by the same AVG reason are named together, not each with the same paragraph.
    same_reason: dict[tuple[str, ...], list[InstrumentDecision]] = {}
    if not volledig:
        for inst in _sorted(decision):
            if inst.status == "uitgesloten" and inst.id in shown:
                detail = exclusion_lines(graph, inst)
                if detail and detail[0].startswith("  - geen regel"):
                    cut = detail.index("  Per regel:") if "  Per regel:" in detail else len(detail)
                    same_reason.setdefault(tuple(detail[1:cut]), []).append(inst)
    grouped = {inst.id for members in same_reason.values() if len(members) > 1 for inst in members}
    for inst in _sorted(decision):
        if not volledig and (inst.id not in shown or inst.id in grouped):
            continue
        lines.append("")
        lines.append(f"[{STATUS_WORD[inst.status]}] {inst.naam}")
        lines.append(f"  bevoegd: {inst.bevoegd}; grondslag: {_citations(inst)}")
        if inst.status == "uitgesloten":
            detail = exclusion_lines(graph, inst)
            if not volledig:  # the reasons themselves; the rule-by-rule walk is for --volledig and `rules explain`
                cut = detail.index("  Per regel:") if "  Per regel:" in detail else len(detail)
                detail = detail[:cut]
            lines += detail
        else:
            lines += [f"  - {reason}" for reason in inst.redenen]
        escalation = _escalation(inst) if inst.status != "uitgesloten" else None
        if escalation:
            lines.append(f"  {escalation}")
        missing = missing_for(decision, inst.id) if inst.status in ("onbeslist", "mogelijk") else []
        for item in missing:
            lines.append(f"  ontbreekt: {item}")
        for item in open_checks(decision, inst):
            lines.append(f"  te controleren: {item}")
        for item in inst.procedure:
            lines.append(f"  procedure: {item}")
        for item in inst.afwegingspunten:
            lines.append(f"  afweging: {item}")
    for reason, members in same_reason.items():
        if len(members) < 2:
            continue
        lines.append("")
        lines.append(f"[uitgesloten] {len(members)} instrumenten, om dezelfde reden: geen regel maakt ze beschikbaar op deze feiten")
        lines += list(reason)
        lines += [f"  * {inst.naam}" for inst in members]
    hidden = [i for i in decision.instrumenten if i.id not in shown]
    if not volledig and hidden:
        lines.append("")
        lines.append(f"Niet van toepassing: {len(hidden)} instrument(en); gebruik --volledig of 'rules explain' voor de reden.")
    lines.append("")
    lines.append(f"Ruleset-hash {r.ruleset_hash[:16]}…, engine {r.engine_versie}")
    # line by line: a newline or U+2028 in case text (a zaak_id, an information id) must not start a line of its own
    return "\n".join(one_line(line) for line in lines) + "\n"


# -- Markdown ---------------------------------------------------------------------

# Characters that format inline; text always follows a prefix on its line, so line-start markers cannot trigger.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: object) -> str:
    """Case or rule text as literal Markdown: one line, no formatting, no HTML."""
    value = " ".join(printable(str(text)).split())
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def _code(text: object) -> str:
    """Text as a Markdown code span: literal (CommonMark has no escapes inside one), on one line, fenced by
    more backticks than it contains."""
    value = " ".join(printable(str(text)).split())
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _md_link(label: str, url: str) -> str:
    """A link whose target cannot break out of the parentheses."""
    safe = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")
    return f"[{_md(label)}]({safe})"


def _md_sources(inst: InstrumentDecision) -> str:
    return "; ".join(_md_link(_citation(c), str(c["url"])) for c in inst.grondslag)


def _fact_sections(graph: DiGraph) -> list[str]:
    """The facts of the case as the graph holds them (personal data is never in the graph)."""
    fields = []
    items: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    order = list(CASE_FIELDS)
    for _, data in graph.nodes(data=True):
        if data.get("soort") != "feit":
            continue
        path = str(data.get("pad", ""))
        if "[" in path:
            list_name, position = path.rstrip("]").split("[")
            items.setdefault(list_name, []).append((int(position), data))
        else:
            fields.append((order.index(path) if path in order else len(order), path, data))
    out: list[str] = []
    if fields:
        out += ["### Locatie en openbare orde", ""]
        out += [f"- {_md(data['label'])}" for _, _, data in sorted(fields, key=lambda f: (f[0], f[1]))]
        out.append("")
    titles = {"activiteiten": "Activiteiten", "vergunningen": "Vergunningen", "voorgeschiedenis": "Eerdere maatregelen"}
    for list_name in ("activiteiten", "vergunningen", "voorgeschiedenis"):
        members = sorted(items.get(list_name, []), key=lambda m: m[0])
        if not members:
            continue
        out += [f"### {titles[list_name]}", ""]
        for number, item in members:
            details = "; ".join(item.get("details") or [])
            out.append(f"- {_md(ITEM_NAMES.get(list_name, list_name))} {number + 1}: {_md(details)}")
        out.append("")
    return out


def to_markdown(decision: Decision) -> str:
    """A report a lawyer can paste into an advice: facts, recommendation, alternatives, exclusions, sources."""
    r = decision.ontvangstbewijs
    graph = decision.explanation
    instruments = _sorted(decision)
    out = [f"# Advies bestuurlijk instrument — zaak {_md(decision.zaak_id)}", ""]
    meta = f"Peildatum {decision.peildatum.isoformat()}; regelset {_code(r.ruleset)} {_md(r.ruleset_versie)}"
    if r.profiel:
        meta += f"; gemeentelijk profiel {_code(r.profiel)} {_md(r.profiel_versie or '')}"
    else:
        meta += "; geen gemeentelijk profiel (landelijk modelbeleid)"
    out += [meta + ".", ""]

    out += ["## Feiten", ""]
    out += _fact_sections(graph)
    if decision.buiten_beschouwing:
        out += ["### Buiten beschouwing (na de peildatum, of bij onderzoek niet aangetroffen)", ""]
        out += [f"- {_code(item.feit)}: {_md(item.reden)}" for item in decision.buiten_beschouwing]
        out.append("")
    out += ["### Informatie en grondslag (AVG)", ""]
    if not decision.informatie:
        out.append("- Geen informatie-items vastgelegd.")
    for verdict in decision.informatie:
        word = "bruikbaar" if verdict.bruikbaar else "**niet bruikbaar**"
        source = SOURCE_NAMES.get(verdict.bron, verdict.bron)
        basis = BASIS_NAMES.get(verdict.grondslag, verdict.grondslag)
        out.append(f"- {_md(verdict.id)} ({_md(source)}, {_md(basis)}): {word} — {_md(verdict.toelichting)}")
    out.append("")

    out += ["## Aanbeveling", ""]
    recommended = [decision.instruments[i] for i in decision.aanbevolen]
    if not recommended:
        out += [
            "Op de bekende feiten wordt geen instrument aanbevolen. Zie de ontbrekende feiten en de onbesliste instrumenten.",
            "",
        ]
    for inst in recommended:
        out.append(f"**{_md(inst.naam)}** — bevoegd: {_md(inst.bevoegd)}; grondslag: {_md_sources(inst)}.")
        out.append("")
        out += [f"- {_md(reason)}" for reason in inst.redenen]
        out += [
            f"- Subsidiariteit: {_md(n.split(': ', 1)[1])}"
            for n in decision.toelichting_aanbeveling
            if n.startswith(inst.naam + ":")
        ]
        escalation = _escalation(inst)
        if escalation:
            out.append(f"- {_md(escalation[0].upper() + escalation[1:])}")
        for check in open_checks(decision, inst):
            out.append(f"- Te controleren: {_md(check)}")
        rules = sorted(
            s
            for s, _, d in graph.in_edges(f"instrument:{inst.id}", data=True)
            if graph.nodes[s].get("soort") == "regel" and graph.nodes[s].get("modus") == "zeker"
        )
        facts = support_facts(graph, rules)
        if facts:
            out.append(f"- Steunt op: {_md('; '.join(facts))}")
        out.append("")


    if r.profiel_wijzigingen:
        out += ["## Gemeentelijk beleid (afwijkingen van het landelijke model)", ""]
        for change in r.profiel_wijzigingen:
            old = f" (was {_md(change['oud'])})" if change.get("oud") is not None else ""
            out.append(f"- {_md(change['soort'])} {_code(change['onderwerp'])}: {_md(change['nieuw'])}{old}")
        out.append("")

    for status, heading, depends in (
        ("mogelijk", "Alternatieven (mogelijk, niet aanbevolen)", "Of dit passend is, hangt af van"),
        ("onbeslist", "Onbeslist", "Om dit te beoordelen ontbreekt"),
    ):
        members = [i for i in instruments if i.status == status]
        if not members:
            continue
        out += [f"## {heading}", ""]
        for inst in members:
            reasons = "; ".join(_md(x) for x in inst.redenen)
            out.append(f"- **{_md(inst.naam)}** ({_md_sources(inst)}): {reasons}")
            needed = missing_for(decision, inst.id)
            if needed:
                out.append(f"  - {depends}: {_md('; '.join(needed))}")
            for check in open_checks(decision, inst):
                out.append(f"  - Te controleren: {_md(check)}")
        out.append("")

    if decision.ontbrekende_feiten:
        out += ["## Ontbrekende feiten", ""]
        changing = [f for f in decision.ontbrekende_feiten if f.kan_aanbeveling_veranderen]
        other = [f for f in decision.ontbrekende_feiten if not f.kan_aanbeveling_veranderen]
        for title, group in (
            ("Deze feiten kunnen de aanbeveling nog veranderen (meest beslissend eerst):", changing),
            ("Deze feiten beslissen alleen over instrumenten die hier niet aanbevolen kunnen worden:", other),
        ):
            if not group:
                continue
            out += [title, ""]
            for fact in group:
                out.append(f"- {_md(fact.omschrijving)} ({_code(fact.feit)}) — {_md(_decides(decision, fact))}")
            out.append("")

    excluded = [i for i in instruments if i.status == "uitgesloten"]
    if excluded:
        shown = _shown(decision)
        out += ["## Uitgesloten", ""]
        for inst in (i for i in excluded if i.id in shown):
            out.append(f"- **{_md(inst.naam)}** ({_md_sources(inst)}):")
            lines = exclusion_lines(graph, inst)
            if "  Per regel:" in lines:  # the rule-by-rule walk belongs in `rules explain`, not in an advice
                lines = lines[: lines.index("  Per regel:")]
            out += [_md_list_line(line) for line in lines]
        rest = [i for i in excluded if i.id not in shown]
        if rest:
            names = "; ".join(_md(i.naam) for i in sorted(rest, key=lambda i: i.naam))
            out.append(f"- Niet van toepassing (geen regel maakt ze beschikbaar op deze feiten): {names}.")
        out.append("")

    steps = [(i, s) for i in recommended for s in i.procedure]
    if steps:
        out += ["## Procedure", ""] + [f"- {_md(i.naam)}: {_md(s)}" for i, s in steps] + [""]
    weigh = [(i, s) for i in recommended for s in i.afwegingspunten]
    if weigh:
        out += ["## Afwegingspunten (menselijke weging)", ""] + [f"- {_md(i.naam)}: {_md(s)}" for i, s in weigh] + [""]

    out += ["## Bronnen", ""]
    for node, data in sorted(graph.nodes(data=True), key=lambda n: str(n[1].get("label", n[0]))):
        if data.get("soort") == "bron" and graph.in_degree(node) and _cited_by_outcome(graph, node):
            out.append(f"- {_md_link(str(data['label']), str(data['url']))}")
    out += [
        "",
        "---",
        "",
        f"_Ontvangstbewijs: regelset {_code(r.ruleset)} {_md(r.ruleset_versie)}, hash {_code(r.ruleset_hash)}"
        + (f", profiel {_code(r.profiel)} hash {_code(r.profiel_hash)}" if r.profiel else "")
        + f", engine {_md(r.engine_versie)}._",
        "",
    ]
    return "\n".join(out)


def _md_list_line(line: str) -> str:
    """A line of the explanation as a nested Markdown bullet, one level deeper than the instrument."""
    depth = 2 if line.startswith("  - ") else 4
    text = line.strip()
    text = text.removeprefix("- ")
    return " " * depth + f"- {_md(text)}"


def _cited_by_outcome(graph: DiGraph, source: str) -> bool:
    """A source belongs in the report when an instrument or a rule that fired cites it."""
    for citing in graph.predecessors(source):
        data = graph.nodes[citing]
        if data.get("soort") == "instrument" and data.get("status") != "uitgesloten":
            return True
        if data.get("soort") == "regel" and data.get("modus") == "zeker":
            return True
    return False
