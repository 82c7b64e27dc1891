"""The readable Dutch report of a decision (`rules evaluate --format text`).

It takes its reasons from the decision and its explanation through the same
helpers as `rules explain` (why.py), so the two never tell a lawyer
different stories.
"""

from __future__ import annotations

from ..core.safetext import one_line
from ..decision.model import Decision, InstrumentDecision
from ..explain.explanation import explanation_of
from .reader import (
    RANK_TITLES,
    rank_title,
    Tracks,
    authority_text,
    category_text,
    decides_text,
    information_sentences,
    nothing_in_rank,
    path_name,
    plain,
    ranked_missing,
    receipt_text,
    recommendation_notes,
)
from .report import STATUS_WORD, by_status, citations_text, escalation_line, open_checks, profile_changes, shown_ids
from .why import exclusion_lines, missing_for


def to_text(decision: Decision, volledig: bool = False) -> str:
    r = decision.ontvangstbewijs
    explanation = explanation_of(decision)
    tracks = Tracks(explanation)
    lines = [
        f"Besluitadvies zaak {decision.zaak_id}",
        f"Peildatum: {decision.peildatum.isoformat()}"
        + (f"   Gemeenteprofiel: {r.profiel} {r.profiel_versie}" if r.profiel else "   Profiel: geen (landelijk modelbeleid)"),
        "",
    ]
    if decision.aanbevolen:
        lines.append("Aanbevolen:")
        for inst, note in recommendation_notes(decision, tracks):
            lines.append(f"  * {inst.naam}: {note}")
    else:
        lines.append("Aanbevolen: geen instrument (zie onbesliste instrumenten en ontbrekende feiten)")
    if r.profiel_wijzigingen:
        lines.append("")
        lines.append(f"Afwijkingen van het landelijke recht door profiel {r.profiel}:")
        for change in profile_changes(decision):
            lines.append(f"  - {change}")
    if decision.buiten_beschouwing:
        lines.append("")
        lines.append("Buiten beschouwing (na de peildatum, of bij onderzoek niet aangetroffen):")
        for aside in decision.buiten_beschouwing:
            lines.append(f"  - {path_name(aside.feit)}: {aside.reden}")
    if decision.informatie:
        lines.append("")
        lines.append("Informatie en grondslag (AVG):")
        for verdict in decision.informatie:
            word = {True: "bruikbaar", None: "nog niet vast te stellen", False: "kan geen besluit dragen"}[verdict.bruikbaar]
            lines.append(f"  - {explanation.information_name(verdict.id)}: {word}")
            lines += [f"      {sentence}" for sentence in information_sentences(decision, verdict)]
    ranked = ranked_missing(decision)
    if ranked:
        lines.append("")
        lines.append("Ontbrekende feiten, naar wat zij beslissen:")
        for rank in range(len(RANK_TITLES)):
            title = rank_title(decision, rank)
            group = [f for f in ranked if f.rank == rank]
            if rank == 2:
                if not group:
                    continue
                if volledig:
                    lines.append(f"  {title}:")
                    lines += [f"    - {f.name} ({decides_text(f)})" for f in group]
                else:
                    lines.append(f"  {title} ({len(group)}; --volledig toont wat zij beslissen): {'; '.join(f.name for f in group)}")
                continue
            empty = nothing_in_rank(decision, rank)
            if not group and not empty:
                continue
            lines.append(f"  {title}:")
            if not group:
                lines.append(f"    {empty}")
            lines += [f"    - {f.name} ({decides_text(f)})" for f in group]
    shown = shown_ids(decision)
    # Instruments kept out by the same AVG reason are named together, not each with the same paragraph.
    same_reason: dict[tuple[str, ...], list[InstrumentDecision]] = {}
    if not volledig:
        for inst in by_status(decision):
            if inst.status == "uitgesloten" and inst.id in shown:
                detail = exclusion_lines(explanation, inst, decision)
                if detail and detail[0].startswith("  - geen regel"):
                    cut = detail.index("  Per regel:") if "  Per regel:" in detail else len(detail)
                    same_reason.setdefault(tuple(detail[1:cut]), []).append(inst)
    grouped = {inst.id for members in same_reason.values() if len(members) > 1 for inst in members}
    for inst in by_status(decision):
        if not volledig and (inst.id not in shown or inst.id in grouped):
            continue
        lines.append("")
        lines.append(f"[{STATUS_WORD[inst.status]}] {inst.naam}")
        lines.append(f"  bevoegd: {authority_text(explanation, inst)}; grondslag: {citations_text(inst)}")
        lines.append(f"  spoor: {tracks(inst.spoor)}; soort: {category_text(explanation, inst)}")
        if inst.status == "uitgesloten":
            detail = exclusion_lines(explanation, inst, decision)
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
    lines.append("--")
    lines.append(f"Ontvangstbewijs: {receipt_text(decision)}")
    # line by line: a newline or U+2028 in case text (a zaak_id, an information id) must not start a line of its own
    # codes and paths the engine put into rule texts in words (reader.plain); the case's own zaak_id stays as written
    return "\n".join(one_line(line if n == 0 else plain(line)) for n, line in enumerate(lines)) + "\n"
