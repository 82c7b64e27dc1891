"""Rules that can never fire: in no stretch of time, for no case, can their condition be definitely true.

An error when no parameter value helps; a warning when only the national
values stand in the way (a municipal profile can switch the rule on).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..case.model import Case
from ..language import conditions as cond
from ..language.ruleset import Rule
from .findings import ERROR, WARNING, Finding
from .satisfiable import Scope, rule_branches, unsat


def _segments(rules: list[Rule]) -> list[tuple[dt.date | None, dt.date | None]]:
    """Stretches of time in which the same rules are in force (every validity boundary starts a new one)."""
    starts: set[dt.date] = set()
    for rule in rules:
        if rule.geldig_van:
            starts.add(rule.geldig_van)
        if rule.geldig_tot:
            starts.add(rule.geldig_tot + dt.timedelta(days=1))
        for node in cond.walk(rule.when):
            if isinstance(node, cond.Leaf) and node.field == "peildatum" and node.op in ("on_or_after", "before"):
                starts.add(node.value)
    ordered = sorted(starts)
    bounds: list[tuple[dt.date | None, dt.date | None]] = []
    previous: dt.date | None = None
    for start in ordered:
        bounds.append((previous, start - dt.timedelta(days=1)))
        previous = start
    bounds.append((previous, None))
    return bounds


def _in_force_during(rule: Rule, segment: tuple[dt.date | None, dt.date | None]) -> bool:
    start, _ = segment
    return rule.in_force(start or dt.date.min)


def _derivable_per_segment(
    rules: list[Rule], segments: list[tuple[dt.date | None, dt.date | None]], fixed: bool, params: dict[str, Any], given: frozenset[str]
) -> list[frozenset[str]]:
    """Per stretch of time, the derived facts some case can make hold (least fixpoint, positive dependencies).

    `given`: facts derived by rules that could not be read; assumed derivable, so their typo is one error, not a chain.
    """
    result = []
    for segment in segments:
        active = [r for r in rules if _in_force_during(r, segment)]
        known: set[str] = set(given)
        changed = True
        while changed:
            changed = False
            scope = Scope(fixed_params=fixed, derivable=frozenset(known), params=params)
            for rule in active:
                if set(rule.derives) <= known:
                    continue
                branches = rule_branches(rule)
                if branches is None or any(unsat(b, Case, scope, segment) is None for b in branches):
                    known |= set(rule.derives)
                    changed = True
        result.append(frozenset(known))
    return result


def never_fire_findings(rules: list[Rule], params: dict[str, Any], given: frozenset[str] = frozenset()) -> list[Finding]:
    findings: list[Finding] = []
    segments = _segments(rules)
    relaxed = _derivable_per_segment(rules, segments, False, params, given)
    strict = _derivable_per_segment(rules, segments, True, params, given)
    for rule in rules:
        branches = rule_branches(rule)
        if branches is None:
            continue
        reasons: list[str] = []
        fires = {True: False, False: False}
        for fixed, derivable in ((False, relaxed), (True, strict)):
            for segment, facts in zip(segments, derivable):
                if not _in_force_during(rule, segment):
                    continue
                scope = Scope(fixed_params=fixed, derivable=facts, params=params)
                for branch in branches:
                    reason = unsat(branch, Case, scope, segment)
                    if reason is None:
                        fires[fixed] = True
                        break
                    if not fixed and reason not in reasons:
                        reasons.append(reason)
                if fires[fixed]:
                    break
            if not fires[fixed] and fixed and fires[False]:
                strict_reasons = []
                for segment, facts in zip(segments, strict):
                    if _in_force_during(rule, segment):
                        scope = Scope(fixed_params=True, derivable=facts, params=params)
                        strict_reasons += [r for b in branches if (r := unsat(b, Case, scope, segment)) and r not in strict_reasons]
                findings.append(
                    Finding(
                        WARNING,
                        rule.source,
                        f"regel {rule.id} kan met de landelijke parameters nooit vuren, alleen met een gemeenteprofiel: {'; '.join(strict_reasons[:3])}",
                        "nooit",
                    )
                )
        if not fires[False]:
            findings.append(Finding(ERROR, rule.source, f"regel {rule.id} kan nooit vuren: {'; '.join(reasons[:3]) or 'geldt op geen enkele peildatum'}", "nooit"))
    return findings
