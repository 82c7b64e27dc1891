"""`rules explain`: a short Dutch answer to "why (not) this instrument?".

The answer is read from the decision graph, not recomputed: the rules that
fired for the instrument and the facts under them; for an instrument that is
not available, the rules that did not fire and what stopped them, followed
down through derived facts to the case facts; for an undecided one, the
unknown facts that would decide it. The same helpers feed the Markdown report,
so the report and `rules explain` always say the same thing.
"""

from __future__ import annotations

from ..core.digraph import DiGraph
from ..core.errors import CaseError
from ..core.safetext import one_line
from ..decision.model import Decision, InstrumentDecision
from ..explain.explanation import Explanation, RuleRef, explanation_of, support_facts
from ..explain.relevance import fired
from .reader import Tracks, authority_text, held_back_text, ordered, plain, tracks_named
from .report import citation_text

STATUS_TITLE = {
    "aanbevolen": "AANBEVOLEN",
    "mogelijk": "mogelijk (niet aanbevolen)",
    "onbeslist": "ONBESLIST",
    "uitgesloten": "UITGESLOTEN",
}
MAX_DEPTH = 4


def _named(rule: RuleRef) -> str:
    """A rule as a reader sees it: its title and, in brackets, its legal sources."""
    return f"{rule.title} [{'; '.join(rule.citations)}]" if rule.citations else rule.title


def missing_phrases(graph: DiGraph, nodes: list[str]) -> list[str]:
    """Missing facts named per item: "activiteit 1 (drugshandel): Opiumwet-lijst, hoeveelheid"."""
    groups: dict[str, list[str]] = {}
    for node in nodes:
        data = graph.nodes[node]
        owner = str(data.get("eigenaar", ""))
        groups.setdefault(owner, []).append(str(data.get("veld") or data.get("label", node)))
    phrases = []
    for owner in sorted(groups, key=lambda o: (o == "", o)):
        fields = ", ".join(groups[owner])
        phrases.append(f"{owner}: {fields}" if owner else fields)
    return phrases


def missing_for(decision: Decision, instrument: str) -> list[str]:
    """The unknown facts that decide this instrument, in Dutch."""
    explanation = explanation_of(decision)
    return missing_phrases(explanation.graph, explanation.instrument(instrument).missing)


def why_not_lines(explanation: Explanation, instrument: str, indent: str = "  ") -> list[str]:
    """The availability rules that did not fire, with their unmet conditions, down to the facts."""
    graph = explanation.graph
    lines: list[str] = []
    explained: set[str] = set()

    def rule(node: str, depth: int, prefix: str) -> None:
        found = explanation.rule(node)
        lines.append(f"{prefix}- {_named(found)} — niet vervuld:")
        inner = prefix + "    "
        for text in found.unmet:
            lines.append(f"{inner}· {text}")
        if depth >= MAX_DEPTH:
            return
        for _, target, edge in sorted(graph.out_edges(node, data=True)):
            target_data = graph.nodes[target]
            if edge.get("soort") != "blocked-by" or target_data.get("soort") != "afgeleid" or target_data.get("modus") != "niet":
                continue
            derivers = sorted(
                s for s, _, e in graph.in_edges(target, data=True) if e.get("soort") == "derives" and not fired(e)
            )
            if not derivers:
                continue
            name = target_data.get("label", target)
            if target in explained:
                lines.append(f"{inner}  ('{name}': zie hierboven)")
                continue
            explained.add(target)
            lines.append(f"{inner}  '{name}' geldt niet, omdat geen van deze regels is vervuld:")
            for deriver in derivers:
                rule(deriver, depth + 1, inner + "  ")

    for node in explanation.instrument(instrument).not_available:
        rule(node, 1, indent)
    return lines


def _avg_blocked(explanation: Explanation, instrument: str, decision: Decision | None) -> list[str]:
    """Information that is the only thing keeping this instrument out (see `alleen_avg` in explain/graph.py), each
    with why the instrument's authority may not use it."""
    graph = explanation.graph
    nodes = explanation.instrument(instrument).held_back
    found = sorted(n for n in nodes if graph.nodes[n].get("soort") == "informatie")
    reasons: dict[str, str] = {}
    for verdict in decision.informatie if decision is not None else []:
        for use in verdict.gebruik:
            if instrument in use.instrumenten and use.bruikbaar is False:
                reasons[f"informatie:{verdict.id}"] = f"{explanation.terms.authority(use.bevoegd)}: {use.reden}"
    return [f"{explanation.label(n)} ({reasons.get(n) or graph.nodes[n].get('toelichting', '')})" for n in found]


def exclusion_lines(explanation: Explanation, inst: InstrumentDecision, decision: Decision | None = None) -> list[str]:
    """Why an instrument is excluded: the exclusion with its legal reason, or what was not met."""
    graph = explanation.graph
    rules = explanation.instrument(inst.id).excluding
    lines: list[str] = []
    if rules:
        for reason in inst.redenen:
            lines.append(f"  - uitgesloten: {reason}")
        for node in rules:
            facts = support_facts(graph, [node], explanation.information_names)
            lines.append(f"    regel: {_named(explanation.rule(node))}")
            if facts:
                lines.append(f"    op grond van: {'; '.join(facts)}")
        return lines
    lines.append("  - geen regel maakt dit instrument beschikbaar op deze feiten.")
    for title in (r.removeprefix("uitzondering: ") for r in inst.redenen if r.startswith("uitzondering: ")):
        node = f"uitzondering:{title}"
        facts = [explanation.label(t) for t in graph.successors(node)] if node in graph else []
        lines.append(f"  - uitzondering: {title}" + (f" (vastgesteld: {'; '.join(facts)})" if facts else ""))
    blocked = _avg_blocked(explanation, inst.id, decision)
    if blocked:
        # The AVG is the decisive reason when it applies: say it before the rule-by-rule detail.
        lines.append(
            "  - niet beschikbaar: de feiten waarop het zou (kunnen) steunen rusten alleen op informatie"
            " die geen besluit kan dragen (AVG): " + "; ".join(blocked)
        )
        needed = graph.graph.get("informatie_nodig")
        if needed:
            lines.append(f"    nodig: {needed}")
    elif inst.geblokkeerde_feiten and decision is not None:
        lines.append(f"  - {held_back_text(decision, inst)}; ook andere voorwaarden zijn niet vervuld")
    detail = why_not_lines(explanation, inst.id, indent="    ")
    if detail:
        lines.append("  Per regel:")
        lines += detail
    return lines


def explain_instrument(decision: Decision, instrument: str) -> str:
    """The Dutch answer to "why (not) this instrument?" for one evaluated case."""
    instruments = decision.instruments
    if instrument not in instruments:
        raise CaseError(f"onbekend instrument '{instrument}' (bekend: {', '.join(sorted(instruments))})")
    inst = instruments[instrument]
    explanation = explanation_of(decision)
    entry = explanation.instrument(inst.id)
    citations = "; ".join(citation_text(s) for s in inst.grondslag)
    lines = [
        f"{inst.naam}: {STATUS_TITLE[inst.status]}",
        f"Bevoegd: {authority_text(explanation, inst)}. Grondslag: {citations}.",
    ]
    receipt = decision.ontvangstbewijs
    if receipt.profiel:
        # Municipal policy can change the answer; say whose policy was applied.
        lines.append(f"Gemeentelijk profiel: {receipt.profiel} {receipt.profiel_versie or ''}".rstrip() + ".")
    lines.append("")
    available = entry.available
    suitable = entry.suitable
    if inst.status in ("aanbevolen", "mogelijk"):
        lines.append("Waarom aanbevolen:" if inst.status == "aanbevolen" else "Waarom mogelijk:")
        lines += [f"  - {r}" for r in inst.redenen]
        note = [n for n in decision.toelichting_aanbeveling if n.startswith(inst.naam + ":")]
        if inst.status == "aanbevolen":
            lines += [f"  - subsidiariteit: {Tracks(explanation).text(n.split(': ', 1)[1])}" for n in note]
        else:
            lines += _not_recommended(decision, inst, bool(suitable))
        escalation = getattr(inst, "escalatie", None)
        if escalation is not None:
            duration = f", {escalation.duur_maanden} maanden" if escalation.duur_maanden else ""
            lines.append(f"  - escalatie: trede {escalation.trede}{duration}: {escalation.reden}")
        rules = available + suitable
        if rules:
            lines.append("Regels:")
            lines += [f"  - {_named(explanation.rule(r))}" for r in rules]
        facts = entry.support
        if facts:
            lines.append("Steunt op: " + "; ".join(facts))
    elif inst.status == "onbeslist":
        lines.append("Waarom onbeslist:")
        lines += [f"  - {r}" for r in inst.redenen]
        missing = missing_for(decision, inst.id)
        if missing:
            lines.append(f"Om {inst.naam} te beoordelen ontbreekt: {'; '.join(missing)}")
            lines.append(influence_line(decision, inst))
    else:
        lines.append("Waarom niet:")
        lines += exclusion_lines(explanation, inst, decision)
    if inst.procedure:
        lines.append("Procedure:")
        lines += [f"  - {step}" for step in inst.procedure]
    if inst.afwegingspunten:
        lines.append("Afwegen:")
        lines += [f"  - {point}" for point in inst.afwegingspunten]
    lines.append("Bronnen:")
    lines += [f"  - {citation_text(s)}: {s['url']}" for s in inst.grondslag]
    # line by line: a newline in case text must not start a line of its own; codes and paths in words (reader.plain)
    return "\n".join(one_line(plain(line)) for line in lines)


def influence_line(decision: Decision, inst: InstrumentDecision) -> str:
    """Whether knowing an undecided instrument's missing facts can change the advice: the verdict of `verandert_via`.

    The same verdict the text gives per missing fact and the picture gives
    with its "zonder invloed" box, with the reason when there is none.
    """
    if any(inst.id in fact.verandert_via for fact in decision.ontbrekende_feiten):
        track = explanation_of(decision).terms.track(inst.spoor)
        return f"Invloed op de aanbeveling: als deze feiten bekend worden, kan {inst.naam} de aanbeveling in {track} worden."
    explanation = explanation_of(decision)
    why = tracks_named(explanation, explanation.instrument(inst.id).not_recommendable or "het kan op deze feiten niet passend worden")
    return f"Invloed op de aanbeveling: geen — ook als deze feiten bekend worden, wordt het niet de aanbeveling ({why})."


def instrument_statuses(decision: Decision) -> str:
    """`rules explain ZAAK` without an instrument: every instrument with its status, to choose one to explain."""
    lines = [f"Zaak {decision.zaak_id}: instrumenten en hun status (rules explain ZAAK INSTRUMENT legt er een uit)", ""]
    width = max(len(inst.id) for inst in decision.instrumenten)
    for inst in ordered(decision):  # the one order of every view
        lines.append(f"{STATUS_TITLE[inst.status].split(' (')[0]:<12} {inst.id:<{width}}  {inst.naam}")
    return "\n".join(one_line(line) for line in lines)


def _not_recommended(decision: Decision, inst: InstrumentDecision, suitable: bool) -> list[str]:
    lines: list[str] = []
    if suitable:
        chosen = [i for i in decision.instrumenten if i.status == "aanbevolen" and i.spoor == inst.spoor]
        names = ", ".join(i.naam for i in chosen) or "een ander instrument"
        track = explanation_of(decision).terms.track(inst.spoor)
        lines.append(f"  - niet aanbevolen: passend, maar in {track} is {names} minder ingrijpend en ook passend")
    else:
        lines.append("  - niet aanbevolen: geen (beleids)regel beoordeelt dit instrument als passend voor deze feiten")
        missing = missing_for(decision, inst.id)
        if missing:
            lines.append(f"  - of het passend is hangt af van: {'; '.join(missing)}")
    return lines
