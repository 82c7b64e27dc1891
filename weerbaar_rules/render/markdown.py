"""The decision as Markdown a lawyer can paste into an advice (`rules evaluate --format md`).

Case text (a zaak_id, an information id) is escaped for Markdown, so it can
neither format nor inject HTML into the advice.
"""

from __future__ import annotations

import re
from typing import Any

from ..case.names import CASE_FIELDS, ITEM_NAMES
from ..core.digraph import DiGraph
from ..core.safetext import printable
from ..decision.model import Decision, InstrumentDecision
from ..explain.explanation import explanation_of
from .reader import (
    RANK_TITLES,
    rank_title,
    Tracks,
    authority_text,
    decides_text,
    information_sentences,
    nothing_in_rank,
    path_name,
    plain,
    ranked_missing,
    receipt_text,
    recommendation_notes,
)
from .report import by_status, citation_text, escalation_line, open_checks, profile_changes, shown_ids
from .why import exclusion_lines, missing_for

# Characters that format inline; text always follows a prefix on its line, so line-start markers cannot trigger.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _md(text: object) -> str:
    """Rule text as literal Markdown: one line, no formatting, no HTML; codes and paths in words (reader.plain)."""
    return _md_raw(plain(str(text)))


def _md_raw(text: object) -> str:
    """Case text as literal Markdown, as the case wrote it: one line, no formatting, no HTML."""
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
    return "; ".join(_md_link(citation_text(c), str(c["url"])) for c in inst.grondslag)


def _fact_sections(graph: DiGraph, info_names: dict[str, str] | None = None) -> list[str]:
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
            details = "; ".join(_named_refs(d, info_names or {}) for d in item.get("details") or [])
            out.append(f"- {_md(ITEM_NAMES.get(list_name, list_name))} {number + 1}: {_md(details)}")
        out.append("")
    return out


def _named_refs(detail: str, info_names: dict[str, str]) -> str:
    """A fact's detail "informatie: bar1, bar2" with the information by its place, source and basis."""
    if not detail.startswith("informatie: "):
        return detail
    refs = [r.strip() for r in detail.removeprefix("informatie: ").split(",")]
    return "rust op " + ", ".join(info_names.get(f"informatie:{r}", "informatie") for r in refs)


def to_markdown(decision: Decision) -> str:
    """A report a lawyer can paste into an advice: facts, recommendation, alternatives, exclusions, sources."""
    r = decision.ontvangstbewijs
    explanation = explanation_of(decision)
    graph = explanation.graph
    tracks = Tracks(explanation)
    instruments = by_status(decision)
    out = [f"# Advies bestuurlijk instrument — zaak {_md_raw(decision.zaak_id)}", ""]
    meta = f"Peildatum {decision.peildatum.isoformat()}"
    if r.profiel:
        meta += f"; gemeentelijk profiel {_md(r.profiel)} {_md(r.profiel_versie or '')}".rstrip()
    else:
        meta += "; geen gemeentelijk profiel (landelijk modelbeleid)"
    out += [meta + ".", ""]

    out += ["## Feiten", ""]
    out += _fact_sections(graph, explanation.information_names)
    if decision.buiten_beschouwing:
        out += ["### Buiten beschouwing (na de peildatum, of bij onderzoek niet aangetroffen)", ""]
        out += [f"- {_md(path_name(item.feit))}: {_md(item.reden)}" for item in decision.buiten_beschouwing]
        out.append("")
    out += ["### Informatie en grondslag (AVG)", ""]
    if not decision.informatie:
        out.append("- Geen informatie-items vastgelegd.")
    for verdict in decision.informatie:
        word = {True: "bruikbaar", None: "**nog niet vast te stellen**", False: "**kan geen besluit dragen**"}[verdict.bruikbaar]
        out.append(f"- {_md(explanation.information_name(verdict.id))}: {word}")
        out += [f"  - {_md(sentence)}" for sentence in information_sentences(decision, verdict)]
    out.append("")

    out += ["## Aanbeveling", ""]
    recommended = [i for i in instruments if i.status == "aanbevolen"]
    if not recommended:
        out += [
            "Op de bekende feiten wordt geen instrument aanbevolen. Zie de ontbrekende feiten en de onbesliste instrumenten.",
            "",
        ]
    notes = dict((inst.id, note) for inst, note in recommendation_notes(decision, tracks))
    for inst in recommended:
        out.append(f"**{_md(inst.naam)}** — bevoegd: {_md(authority_text(explanation, inst))}; grondslag: {_md_sources(inst)}.")
        out.append("")
        out += [f"- {_md(reason)}" for reason in inst.redenen]
        if inst.id in notes:
            out.append(f"- Subsidiariteit: {_md(notes[inst.id])}")
        escalation = escalation_line(inst)
        if escalation:
            out.append(f"- {_md(escalation[0].upper() + escalation[1:])}")
        for check in open_checks(decision, inst):
            out.append(f"- Te controleren: {_md(check)}")
        facts = explanation.instrument(inst.id).grounds
        if facts:
            out.append(f"- Steunt op: {_md('; '.join(facts))}")
        out.append("")


    if r.profiel_wijzigingen:
        out += ["## Gemeentelijk beleid (afwijkingen van het landelijke model)", ""]
        for change in profile_changes(decision):
            out.append(f"- {_md(change)}")
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
            out.append(f"- **{_md(inst.naam)}** ({_md_sources(inst)}; {_md(tracks(inst.spoor))}): {reasons}")
            needed = missing_for(decision, inst.id)
            if needed:
                out.append(f"  - {depends}: {_md('; '.join(needed))}")
            for check in open_checks(decision, inst):
                out.append(f"  - Te controleren: {_md(check)}")
        out.append("")

    ranked = ranked_missing(decision)
    if ranked:
        out += ["## Ontbrekende feiten, naar wat zij beslissen", ""]
        for rank in range(len(RANK_TITLES)):
            title = rank_title(decision, rank)
            group = [f for f in ranked if f.rank == rank]
            if rank == 2:  # folded, as in the text: the names only
                if group:
                    out += [f"{title} ({len(group)}): {_md('; '.join(f.name for f in group))}.", ""]
                continue
            empty = nothing_in_rank(decision, rank)
            if not group and not empty:
                continue
            out += [f"{title}:", ""]
            if not group:
                out.append(f"- {_md(empty)}")
            out += [f"- {_md(f.name)} — {_md(decides_text(f))}" for f in group]
            out.append("")

    excluded = [i for i in instruments if i.status == "uitgesloten"]
    if excluded:
        shown = shown_ids(decision)
        out += ["## Uitgesloten", ""]
        for inst in (i for i in excluded if i.id in shown):
            out.append(f"- **{_md(inst.naam)}** ({_md_sources(inst)}):")
            lines = exclusion_lines(explanation, inst, decision)
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
        f"_Ontvangstbewijs: {_md(receipt_text(decision))}._",
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
