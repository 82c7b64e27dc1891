"""A Dutch Markdown overview of every instrument in a ruleset: basis, authority, conditions, validity.

Lawyers review the catalogue as a table, not as YAML. The table is generated from
the loaded ruleset (never written by hand) so it cannot drift from the rules;
`docs/instrumenten-overzicht.md` is this module's output and a test checks that
the committed file equals a fresh rendering.

    python -m weerbaar_rules.render.overview rulesets/nl > docs/instrumenten-overzicht.md
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.errors import WeerbaarError
from ..language import conditions as cond
from ..language.ruleset import Citation, Instrument, Rule, Ruleset, load_ruleset

HEADER = ("Instrument", "Grondslag", "Bevoegd", "Voorwaarden (regels die het beschikbaar maken)", "Geldig van", "Geldig tot")
NONE = "—"


def _cell(text: str) -> str:
    """Escape what would break a Markdown table cell: pipes and line breaks."""
    return " ".join(text.replace("\\", "\\\\").replace("|", "\\|").split())


def _dates(van: object, tot: object) -> str:
    if van and tot:
        return f"{van} t/m {tot}"
    if van:
        return f"vanaf {van}"
    if tot:
        return f"t/m {tot}"
    return ""


def _citation(citation: Citation) -> str:
    """A citation as a Markdown link, so a reader can open the article or ruling directly; dated where the basis changed."""
    period = _dates(citation.geldig_van, citation.geldig_tot)
    return f"[{_cell(citation.qualified_label)}]({citation.link})" + (f" ({period})" if period else "")


def _authority(instrument: Instrument) -> str:
    holder: str
    if isinstance(instrument.bevoegd, str):
        holder = instrument.bevoegd
    else:
        holder = "; ".join(f"{a.bevoegd} ({_dates(a.geldig_van, a.geldig_tot)})" for a in instrument.bevoegd)
    step = instrument.stap_gemeente
    return f"{holder}; de gemeente: {step.bevoegd} {_cell(step.stap)}" if step is not None else holder


def _exceptions(rule: Rule) -> list[str]:
    """The exceptions (`unless`) a rule carries, by title."""
    return [node.title for node in cond.walk(rule.when) if isinstance(node, cond.Unless)]


def _period(rule: Rule) -> str:
    """The validity of one rule in words, or '' when it has no limits."""
    return _dates(rule.geldig_van, rule.geldig_tot)


def _bounds(rules: list[Rule]) -> tuple[str, str]:
    """From when to when at least one rule makes the instrument available (open ends shown as a dash)."""
    if not rules:
        return NONE, NONE
    starts = [r.geldig_van for r in rules]
    ends = [r.geldig_tot for r in rules]
    van = NONE if any(s is None for s in starts) else min(s for s in starts if s is not None).isoformat()
    tot = NONE if any(e is None for e in ends) else max(e for e in ends if e is not None).isoformat()
    return van, tot


def _enabling_rules(ruleset: Ruleset, instrument: Instrument) -> list[Rule]:
    """The rules whose conclusion makes this instrument available, in ruleset order, one entry per rule version."""
    return [rule for rule in ruleset.rules if any(c.kind == "available" and c.available == instrument.id for c in rule.then)]


def _conditions(rules: list[Rule]) -> str:
    items = []
    for rule in rules:
        extra = [part for part in (_period(rule), "onzeker" if rule.onzeker else "") if part]
        suffix = f" ({'; '.join(extra)})" if extra else ""
        exceptions = "".join(f"; uitzondering: {_cell(t)}" for t in dict.fromkeys(_exceptions(rule)))
        items.append(f"{_cell(rule.title)}{suffix} `{rule.id}`{exceptions}")
    return "<br>".join(items) if items else NONE


def render_overview(ruleset: Ruleset) -> str:
    """The overview table of all instruments, in catalogue order, as Dutch Markdown."""
    lines = [
        "# Overzicht van de instrumenten",
        "",
        f"Regelset `{ruleset.name}` versie {ruleset.version}"
        + (f", profiel `{ruleset.profile.naam}` versie {ruleset.profile.versie}" if ruleset.profile else "")
        + ".",
        "",
        "Dit bestand is gegenereerd met `python -m weerbaar_rules.render.overview rulesets/nl` en wordt door de tests",
        "vergeleken met de regels; bewerk het niet met de hand. Per instrument: de grondslag uit de catalogus,",
        "het bevoegd gezag, de regels die het instrument beschikbaar maken (met hun geldigheid) en de periode",
        "waarin ten minste één van die regels geldt. 'onzeker' betekent dat een bron nog geverifieerd moet worden;",
        "een regel die van een gemeentelijke parameter afhangt, is zonder gemeenteprofiel onbeslist.",
        "",
        "Voorwaarden en uitzonderingen behandelen een onbekend feit verschillend. Een **voorwaarde** van een",
        "bevoegdheid moet vaststaan: is een feit onbekend, dan blijft het instrument *onbeslist* en noemt het",
        "besluit het ontbrekende feit. Een **uitzondering** (hieronder na 'uitzondering:') geldt alleen als zij",
        "vaststaat: is haar feit onbekend, dan blijft de bevoegdheid staan en noemt het besluit de uitzondering",
        "als *te controleren*.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    for instrument in ruleset.instruments:
        rules = _enabling_rules(ruleset, instrument)
        van, tot = _bounds(rules)
        row = (
            f"**{_cell(instrument.naam)}** `{instrument.id}`",
            "; ".join(_citation(c) for c in instrument.grondslag),
            _authority(instrument),
            _conditions(rules),
            van,
            tot,
        )
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the overview of the ruleset directory given on the command line (default rulesets/nl)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 1 or (args and args[0] in ("-h", "--help")):
        print("gebruik: python -m weerbaar_rules.render.overview [MAP_MET_REGELS]", file=sys.stderr)
        return 2
    directory = Path(args[0]) if args else Path("rulesets/nl")
    try:
        text = render_overview(load_ruleset(directory))
    except WeerbaarError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


__all__ = ["main", "render_overview"]

if __name__ == "__main__":  # pragma: no cover - exercised through the CLI
    sys.exit(main())
