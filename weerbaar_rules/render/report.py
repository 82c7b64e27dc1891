"""What the text report and the Markdown advice say the same way: order, citations, open checks, escalation."""

from __future__ import annotations

from typing import Any

from ..case.names import humanise_name
from ..decision.model import Decision, InstrumentDecision, MissingFact
from ..explain.explanation import explanation_of
from .reader import STATUS_ORDER, ordered, path_name

STATUS_WORD = {
    "aanbevolen": "AANBEVOLEN",
    "mogelijk": "mogelijk",
    "onbeslist": "onbeslist",
    "uitgesloten": "uitgesloten",
}


def citation_text(source: dict[str, Any]) -> str:
    """A legal source as a lawyer cites it: "art. 13b lid 1 onder a Opiumwet", or the ECLI of a judgment."""
    if "ecli" in source:
        # The decision names what a reader must know before relying on the ruling (opinion, interim, unchecked).
        return f"{source['ecli']} ({source['kwalificatie']})" if source.get("kwalificatie") else str(source["ecli"])
    text = f"art. {source.get('artikel', '')}"
    if source.get("lid"):
        text += f" lid {source['lid']}"
    if source.get("onder"):
        text += f" onder {source['onder']}"
    return f"{text} {source.get('wet', '')}".strip()


def citations_text(inst: InstrumentDecision) -> str:
    return "; ".join(citation_text(c) for c in inst.grondslag)


def by_status(decision: Decision) -> list[InstrumentDecision]:
    """The one order of the instruments in every view (reader.ordered)."""
    return ordered(decision)


def shown_ids(decision: Decision) -> set[str]:
    """The instruments worth a lawyer's attention (the same choice as the picture)."""
    return {n.split(":", 1)[1] for n in explanation_of(decision).shown()}


def open_checks(decision: Decision, inst: InstrumentDecision) -> list[str]:
    """The exceptions left open under an instrument, each with the unknown facts that would settle it, in words."""
    graph = explanation_of(decision).graph
    out = []
    for check in inst.te_controleren:
        names = [str(graph.nodes[f"ontbreekt:{p}"].get("label", p)) if f"ontbreekt:{p}" in graph else path_name(p) for p in check.ontbrekende_feiten]
        unknown = f" (onbekend: {', '.join(names)})" if names else ""
        out.append(f"uitzondering {check.uitzondering}{unknown}")
    return out


def escalation_line(inst: InstrumentDecision) -> str | None:
    escalation = getattr(inst, "escalatie", None)
    if escalation is None:
        return None
    duration = f", {escalation.duur_maanden} maanden" if escalation.duur_maanden else ""
    return f"escalatie: trede {escalation.trede}{duration} — {escalation.reden}"


def decides_line(decision: Decision, fact: MissingFact) -> str:
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


def profile_changes(decision: Decision) -> list[str]:
    """What the municipal profile changed, in words: a parameter by its description, a rule by its title or reason."""
    terms = explanation_of(decision).terms
    out = []
    for change in decision.ontvangstbewijs.profiel_wijzigingen:
        kind, subject, new, old = change["soort"], change["onderwerp"], change["nieuw"], change.get("oud")
        if kind == "parameter":
            name = terms.parameters.get(subject, humanise_name(subject)).rstrip(".")
            out.append(f"{name}: {new}" + (f" (was {old})" if old is not None else ""))
        elif kind == "regel_uit":
            out.append(f"regel uitgeschakeld: {new}")
        else:
            out.append(f"regel erbij: {new}")
    return out
