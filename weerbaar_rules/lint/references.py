"""Structure: what rules name exists, versions of a rule tile time, and what is declared is used."""

from __future__ import annotations

from ..language import conditions as cond
from ..language.ruleset import period_findings, referenced_parameters, split_where
from .findings import ERROR, WARNING, Finding
from .readable import Readable


def reference_findings(readable: Readable) -> list[Finding]:
    """Unknown rules, instruments and derived facts; overlapping and gapped versions; instruments never made available or suitable; derived facts nobody uses."""
    findings = []
    rules = readable.rules
    broken = readable.broken
    instruments = readable.reading.instruments
    derivable = {name for rule in rules for name in rule.derives} | broken.derives
    ids = {rule.id for rule in rules} | broken.ids
    for rule in rules:
        for other in rule.overrides:
            if other not in ids:
                findings.append(Finding(ERROR, rule.source, f"regel {rule.id}: overrides noemt onbekende regel '{other}'", "verwijzing"))
        for conclusion in rule.then:
            for target in conclusion.targets:
                if target not in instruments:
                    findings.append(Finding(ERROR, rule.source, f"regel {rule.id}: onbekend instrument '{target}'", "verwijzing"))
        for name in sorted({name for name, _ in cond.derived_refs(rule.when)}):
            if name not in derivable:
                findings.append(
                    Finding(ERROR, rule.source, f"regel {rule.id}: afgeleid feit '{name}' wordt door geen enkele regel afgeleid", "verwijzing")
                )
    for is_error, message in period_findings(rules):
        where, text = split_where(message)
        findings.append(Finding(ERROR if is_error else WARNING, where, text, "geldigheid"))
    for inst_id, (_, where) in sorted(instruments.items()):
        kinds = {c.kind for r in rules for c in r.then if inst_id in c.targets} | {k for k, name in broken.concludes if name == inst_id}
        if "available" not in kinds:
            findings.append(Finding(ERROR, where, f"instrument '{inst_id}': geen enkele regel maakt het beschikbaar (available)", "verwijzing"))
        elif "suitable" not in kinds:
            findings.append(
                Finding(WARNING, where, f"instrument '{inst_id}' wordt nooit aanbevolen: geen regel noemt het passend (suitable)", "ongebruikt")
            )
    used = {name for rule in rules for name, _ in cond.derived_refs(rule.when)} | broken.uses_derived
    for rule in rules:
        for name in rule.derives:
            if name not in used:
                findings.append(Finding(WARNING, rule.source, f"regel {rule.id}: afgeleid feit '{name}' wordt door geen regel gebruikt", "ongebruikt"))
    return findings


def parameter_use_findings(readable: Readable) -> list[Finding]:
    """Parameters no rule reads, in a condition or a conclusion (also counting rules that could not be read)."""
    used: set[str] = set(readable.broken.uses_params)
    for raw, _, _ in readable.reading.raw_rules:
        used |= referenced_parameters(raw)
    return [
        Finding(WARNING, where, f"parameter '{name}' wordt door geen regel gebruikt", "ongebruikt")
        for name, (_, where) in sorted(readable.reading.parameters.items())
        if name not in used
    ]
