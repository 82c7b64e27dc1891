"""The readable Dutch report of a decision (`rules evaluate --format text`).

It takes its reasons from the decision and its explanation through the same
helpers as `rules explain` (why.py), so the two never tell a lawyer
different stories.
"""

from __future__ import annotations

from ..core.safetext import one_line
from ..decision.model import Decision, InstrumentDecision
from ..explain.explanation import explanation_of
from .report import STATUS_WORD, by_status, citations_text, decides_line, escalation_line, open_checks, shown_ids
from .why import exclusion_lines, missing_for


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
    for state, heading in ((False, "Informatie die geen besluit kan dragen (AVG):"), (None, "Informatie waarvan nog niet vaststaat of zij een besluit mag dragen (AVG):")):
        shown = [v for v in decision.informatie if v.bruikbaar is state]
        if shown:
            lines.append("")
            lines.append(heading)
            for v in shown:
                lines.append(f"  - {v.id}: {v.toelichting}")
    changing = [f for f in decision.ontbrekende_feiten if f.kan_aanbeveling_veranderen]
    other = [f for f in decision.ontbrekende_feiten if not f.kan_aanbeveling_veranderen]
    if changing:
        lines.append("")
        lines.append("Ontbrekende feiten die de aanbeveling kunnen veranderen:")
        for fact in changing:
            lines.append(f"  - {fact.omschrijving} ({decides_line(decision, fact)})")
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
    shown = shown_ids(decision)
    explanation = explanation_of(decision)
    # Instruments kept out by the same AVG reason are named together, not each with the same paragraph.
    same_reason: dict[tuple[str, ...], list[InstrumentDecision]] = {}
    if not volledig:
        for inst in by_status(decision):
            if inst.status == "uitgesloten" and inst.id in shown:
                detail = exclusion_lines(explanation, inst)
                if detail and detail[0].startswith("  - geen regel"):
                    cut = detail.index("  Per regel:") if "  Per regel:" in detail else len(detail)
                    same_reason.setdefault(tuple(detail[1:cut]), []).append(inst)
    grouped = {inst.id for members in same_reason.values() if len(members) > 1 for inst in members}
    for inst in by_status(decision):
        if not volledig and (inst.id not in shown or inst.id in grouped):
            continue
        lines.append("")
        lines.append(f"[{STATUS_WORD[inst.status]}] {inst.naam}")
        lines.append(f"  bevoegd: {inst.bevoegd}; grondslag: {citations_text(inst)}")
        if inst.status == "uitgesloten":
            detail = exclusion_lines(explanation, inst)
            if not volledig:  # the reasons themselves; the rule-by-rule walk is for --volledig and `rules explain`
                cut = detail.index("  Per regel:") if "  Per regel:" in detail else len(detail)
                detail = detail[:cut]
            lines += detail
        else:
            lines += [f"  - {reason}" for reason in inst.redenen]
        escalation = escalation_line(inst) if inst.status != "uitgesloten" else None
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
