"""Conflicts: one rule grants an instrument, another excludes it, on overlapping conditions, and neither says `overrides`."""

from __future__ import annotations

from ..case.model import Case
from ..language import conditions as cond
from ..language.ruleset import Rule
from .findings import WARNING, Finding
from .satisfiable import Scope, literals, unsat


def _expand(condition: cond.Condition, derivers: dict[str, list[cond.Condition]], depth: int, seen: frozenset[str] = frozenset()) -> cond.Condition:
    """Replace derived facts by the conditions that derive them, so overlap is judged on case facts."""
    if isinstance(condition, cond.Derived):
        options = derivers.get(condition.name)
        if depth == 0 or not options or condition.name in seen:
            return condition
        inner = tuple(_expand(c, derivers, depth - 1, seen | {condition.name}) for c in options)
        return inner[0] if len(inner) == 1 else cond.AnyOf(inner)
    if isinstance(condition, cond.All):
        return cond.All(tuple(_expand(c, derivers, depth, seen) for c in condition.items))
    if isinstance(condition, cond.AnyOf):
        return cond.AnyOf(tuple(_expand(c, derivers, depth, seen) for c in condition.items))
    if isinstance(condition, cond.Not):
        return cond.Not(_expand(condition.item, derivers, depth, seen))
    return condition


def _overlap(first: Rule, second: Rule, derivers: dict[str, list[cond.Condition]], unreadable: frozenset[str]) -> bool:
    van = max((d for d in (first.geldig_van, second.geldig_van) if d), default=None)
    tot = min((d for d in (first.geldig_tot, second.geldig_tot) if d), default=None)
    if van and tot and tot < van:
        return False
    scope = Scope(fixed_params=False)
    for depth in (3, 0):
        both = cond.All((_expand(first.when, derivers, depth), _expand(second.when, derivers, depth)))
        if unreadable and any(name in unreadable for name, _ in cond.derived_refs(both)):
            return False  # rests on a rule that could not be read: no claim either way
        try:
            options = literals(both)
        except cond.TooManyBranches:
            continue
        return any(unsat(b, Case, scope, (van, tot)) is None for b in options)
    return True


def conflict_findings(rules: list[Rule], unreadable: frozenset[str] = frozenset()) -> list[Finding]:
    derivers: dict[str, list[cond.Condition]] = {}
    for rule in rules:
        for name in rule.derives:
            derivers.setdefault(name, []).append(rule.when)
    findings = []
    for excluding in rules:
        for conclusion in excluding.then:
            if conclusion.kind != "exclude":
                continue
            target = conclusion.exclude
            for granting in rules:
                kinds = sorted({c.kind for c in granting.then if c.kind in ("available", "suitable") and target in c.targets})
                if not kinds or granting is excluding:
                    continue
                if granting.id in excluding.overrides or excluding.id in granting.overrides:
                    continue
                if _overlap(granting, excluding, derivers, unreadable):
                    findings.append(
                        Finding(
                            WARNING,
                            excluding.source,
                            f"regel {excluding.id} sluit {target} uit, regel {granting.id} ({granting.source}) maakt het {'/'.join(kinds)} "
                            f"bij overlappende voorwaarden; de uitsluiting wint — zet 'overrides: [{granting.id}]' bij {excluding.id} als dat de bedoeling is",
                            "conflict",
                        )
                    )
    return findings
