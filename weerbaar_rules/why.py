"""`rules explain`: a short Dutch answer to "why (not) this instrument?"."""

from __future__ import annotations

from .decision import Decision
from .errors import CaseError


def explain_instrument(decision: Decision, instrument: str) -> str:
    instruments = decision.instruments
    if instrument not in instruments:
        raise CaseError(f"onbekend instrument '{instrument}' (bekend: {', '.join(sorted(instruments))})")
    inst = instruments[instrument]
    lines = [f"{inst.naam} — {inst.status} (bevoegd: {inst.bevoegd})"]
    if inst.status == "aanbevolen":
        lines.append("Waarom aanbevolen:")
        lines += [f"  - {r}" for r in inst.redenen]
        lines += [f"  - {n}" for n in decision.toelichting_aanbeveling if n.startswith(inst.naam)]
    elif inst.status == "mogelijk":
        lines.append("Waarom mogelijk (maar niet aanbevolen):")
        lines += [f"  - {r}" for r in inst.redenen]
        better = [n for n in decision.toelichting_aanbeveling]
        if better:
            lines.append("  Aanbevolen is:")
            lines += [f"    * {n}" for n in better]
    elif inst.status == "onbeslist":
        lines.append("Waarom onbeslist:")
        lines += [f"  - {r}" for r in inst.redenen]
        if inst.ontbrekende_feiten:
            lines.append(f"Om {inst.naam} te beoordelen ontbreekt: {', '.join(inst.ontbrekende_feiten)}")
    else:
        lines.append("Waarom niet:")
        lines += [f"  - {r}" for r in inst.redenen]
        lines += [f"  - niet vervuld: {u}" for u in inst.onvervulde_voorwaarden]
        if inst.geblokkeerde_feiten:
            lines.append(f"  - niet gebruikt (informatie zonder rechtmatige grondslag): {', '.join(inst.geblokkeerde_feiten)}")
    for step in inst.procedure:
        lines.append(f"Procedure: {step}")
    for point in inst.afwegingspunten:
        lines.append(f"Afweging: {point}")
    for source in inst.grondslag:
        lines.append(f"Bron: {source['url']}")
    return "\n".join(lines)
