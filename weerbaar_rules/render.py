"""Rendering a decision: canonical JSON, a readable Dutch report, and Markdown for an advice."""

from __future__ import annotations

import json

from .decision import Decision, InstrumentDecision

STATUS_ORDER = ("aanbevolen", "mogelijk", "onbeslist", "uitgesloten")
STATUS_WORD = {
    "aanbevolen": "AANBEVOLEN",
    "mogelijk": "mogelijk",
    "onbeslist": "onbeslist",
    "uitgesloten": "uitgesloten",
}


def to_json(decision: Decision) -> str:
    """Canonical JSON: same case and ruleset give byte-identical output."""
    return json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def to_json_line(decision: Decision) -> str:
    return json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")) + "\n"


def _citations(inst: InstrumentDecision) -> str:
    parts = []
    for c in inst.grondslag:
        if "ecli" in c:
            parts.append(c["ecli"])
        else:
            text = f"art. {c['artikel']}"
            if "lid" in c:
                text += f" lid {c['lid']}"
            if "onder" in c:
                text += f" onder {c['onder']}"
            parts.append(f"{text} {c['wet']}")
    return "; ".join(parts)


def _sorted(decision: Decision) -> list[InstrumentDecision]:
    return sorted(decision.instrumenten, key=lambda i: (STATUS_ORDER.index(i.status), i.ingrijpendheid, i.id))


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
    blocked = [v for v in decision.informatie if not v.bruikbaar]
    if blocked:
        lines.append("")
        lines.append("Informatie die geen besluit kan dragen (AVG):")
        for v in blocked:
            lines.append(f"  - {v.id}: {v.toelichting}")
    for inst in _sorted(decision):
        if not volledig and inst.status == "uitgesloten" and not inst.geblokkeerde_feiten and not any(
            not r.startswith("geen regel") for r in inst.redenen
        ):
            continue
        lines.append("")
        lines.append(f"[{STATUS_WORD[inst.status]}] {inst.naam}")
        lines.append(f"  bevoegd: {inst.bevoegd}; grondslag: {_citations(inst)}")
        for reason in inst.redenen:
            lines.append(f"  - {reason}")
        for item in inst.ontbrekende_feiten:
            lines.append(f"  ontbreekt: {item}")
        for item in inst.onvervulde_voorwaarden if volledig else []:
            lines.append(f"  niet vervuld: {item}")
        for item in inst.procedure:
            lines.append(f"  procedure: {item}")
        for item in inst.afwegingspunten:
            lines.append(f"  afweging: {item}")
    hidden = [i for i in decision.instrumenten if i.status == "uitgesloten"]
    if not volledig and hidden:
        lines.append("")
        lines.append(f"Niet van toepassing: {len(hidden)} instrument(en); gebruik --volledig of 'rules explain' voor de reden.")
    lines.append("")
    lines.append(f"Ruleset-hash {r.ruleset_hash[:16]}…, engine {r.engine_versie}")
    return "\n".join(lines) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(decision: Decision) -> str:
    """A report a lawyer can paste into an advice: facts, recommendation, alternatives, exclusions, sources."""
    r = decision.ontvangstbewijs
    out = [f"# Advies bestuurlijk instrument — zaak {_md_escape(decision.zaak_id)}", ""]
    out.append(f"Peildatum {decision.peildatum.isoformat()}; regelset `{r.ruleset}` {r.ruleset_versie}" + (f"; profiel `{r.profiel}` {r.profiel_versie}" if r.profiel else "") + ".")
    out += ["", "## Aanbeveling", ""]
    if decision.toelichting_aanbeveling:
        out += [f"- {_md_escape(n)}" for n in decision.toelichting_aanbeveling]
    else:
        out.append("- Geen instrument aanbevolen op de bekende feiten.")
    if r.profiel_wijzigingen:
        out += ["", "## Gemeentelijk beleid (afwijkingen van het landelijke model)", ""]
        for change in r.profiel_wijzigingen:
            out.append(f"- {change['soort']} `{change['onderwerp']}`: {_md_escape(change['nieuw'])}")
    out += ["", "## Instrumenten", "", "| Instrument | Status | Bevoegd | Grondslag |", "|---|---|---|---|"]
    for inst in _sorted(decision):
        out.append(f"| {_md_escape(inst.naam)} | {inst.status} | {inst.bevoegd} | {_md_escape(_citations(inst))} |")
    for title, status in (("Alternatieven", "mogelijk"), ("Onbeslist", "onbeslist"), ("Uitgesloten", "uitgesloten")):
        members = [i for i in _sorted(decision) if i.status == status]
        if not members:
            continue
        out += ["", f"## {title}", ""]
        for inst in members:
            detail = "; ".join(_md_escape(x) for x in inst.redenen + [f"ontbreekt: {m}" for m in inst.ontbrekende_feiten])
            out.append(f"- **{_md_escape(inst.naam)}**: {detail}")
    steps = [(i, s) for i in _sorted(decision) if i.status in ("aanbevolen",) for s in i.procedure]
    weigh = [(i, s) for i in _sorted(decision) if i.status in ("aanbevolen",) for s in i.afwegingspunten]
    if steps:
        out += ["", "## Procedure", ""] + [f"- {_md_escape(i.naam)}: {_md_escape(s)}" for i, s in steps]
    if weigh:
        out += ["", "## Afwegingspunten", ""] + [f"- {_md_escape(i.naam)}: {_md_escape(s)}" for i, s in weigh]
    out += ["", "## Bronnen", ""]
    seen: set[str] = set()
    for node, data in sorted(decision.graph.nodes(data=True)):
        if data.get("soort") == "bron" and node not in seen:
            seen.add(node)
            out.append(f"- [{_md_escape(data['label'])}]({data['url']})")
    out += ["", f"_Ontvangstbewijs: ruleset-hash `{r.ruleset_hash}`, engine {r.engine_versie}._", ""]
    return "\n".join(out)
