"""Conditions: can a conjunction of tests ever be definitely true? The reasoning the other lints share.

A rule's condition is brought into disjunctive normal form (`conditions.dnf`)
over literals: a test on a field, a parameter test, a derived fact or a
`some`, each with its polarity. A branch is unsatisfiable when its tests on
one field contradict each other (equals X and equals Y, above 10 and below 5,
unknown and tested), when it needs a fact no rule can derive, or when a
`some` contradicts a `not some`; `unsat` says why in Dutch.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..case.model import Case
from ..engine.compiler import INVERSE
from ..language import conditions as cond
from ..language.ruleset import Rule

Lit = tuple[str, Any, bool]  # (kind, payload, positive): kind in leaf, param, derived, some
MAX_BRANCHES = 512


def _literal(condition: cond.Condition, negated: bool) -> list[list[Lit]]:
    if isinstance(condition, cond.Unless):
        # An exception that is not established never blocks: it can always hold. Negated it is "established".
        return cond.dnf(condition.item, _literal, limit=MAX_BRANCHES) if negated else [[]]
    if isinstance(condition, cond.Leaf):
        return [[("leaf", condition, not negated)]]
    if isinstance(condition, cond.ParamTest):
        return [[("param", condition, not negated)]]
    if isinstance(condition, cond.Derived):
        return [[("derived", condition.name, not negated)]]
    if isinstance(condition, cond.Some):
        return [[("some", condition, not negated)]]
    raise AssertionError(condition)


def literals(condition: cond.Condition) -> list[list[Lit]]:
    """The branches of a condition as literals; `some` stays one literal. Raises TooManyBranches beyond MAX_BRANCHES."""
    return cond.dnf(condition, _literal, limit=MAX_BRANCHES)


def rule_branches(rule: Rule) -> list[list[Lit]] | None:
    """The branches of a rule's condition, or None when there are too many to judge (then nothing is claimed)."""
    try:
        return literals(rule.when)
    except cond.TooManyBranches:
        return None


@dataclass
class _Range:
    low: float = -math.inf
    high: float = math.inf

    def clip(self, low: float = -math.inf, high: float = math.inf) -> None:
        self.low, self.high = max(self.low, low), min(self.high, high)


def _number_bounds(op: str, value: float, integral: bool) -> tuple[float, float]:
    """The closed interval a comparison allows (open bounds tightened for whole numbers, nudged for reals)."""
    step = 1 if integral else 1e-9
    if op == "gt":
        return (math.floor(value) + 1 if integral else value + step, math.inf)
    if op == "gte":
        return (math.ceil(value) if integral else value, math.inf)
    if op == "lt":
        return (-math.inf, math.ceil(value) - 1 if integral else value - step)
    if op == "lte":
        return (-math.inf, math.floor(value) if integral else value)
    raise AssertionError(op)


def _field_unsat(name: str, kind: Any, tests: list[tuple[str, Any]]) -> str | None:
    """Why these tests on one field can never all be true on a known fact, or None when they can."""
    wants_unknown = [value for op, value in tests if op == "known" and value is False]
    others = [(op, value) for op, value in tests if op != "known"]
    if wants_unknown and (others or any(op == "known" and value for op, value in tests)):
        return f"{name} moet onbekend zijn en wordt tegelijk getoetst"
    domain: set[Any] | None = None
    if isinstance(kind, type) and issubclass(kind, Enum):
        domain = {m.value for m in kind}
    elif kind is bool:
        domain = {True, False}
    allowed = domain
    excluded: set[Any] = set()
    numbers = _Range()
    dates = _Range()
    months = _Range()
    integral = kind is int
    for op, value in others:
        if op == "equals":
            allowed = {value} if allowed is None else allowed & {value}
            if kind in (int, float):
                numbers.clip(value, value)
        elif op == "in":
            allowed = set(value) if allowed is None else allowed & set(value)
        elif op == "not_equals":
            excluded.add(value)
        elif op == "not_in":
            excluded |= set(value)
        elif op in ("gt", "gte", "lt", "lte"):
            numbers.clip(*_number_bounds(op, value, integral))
        elif op == "on_or_after":
            dates.clip(low=value.toordinal())
        elif op == "before":
            dates.clip(high=value.toordinal() - 1)
        elif op == "within_months":
            months.clip(0, value - 1)
        elif op == "older_than_months":
            months.clip(low=value)
        elif op == "_younger_than_months":
            months.clip(high=value - 1)
    if allowed is not None:
        left = {v for v in allowed - excluded if not (kind in (int, float) and not numbers.low <= v <= numbers.high)}
        if not left:
            shown = ", ".join(f"{op} {_show(v)}" for op, v in others)
            return f"{name} kan niet tegelijk voldoen aan: {shown}"
    if numbers.low > numbers.high:
        return f"{name} kan niet tegelijk voldoen aan: " + ", ".join(f"{op} {_show(v)}" for op, v in others)
    if dates.low > dates.high:
        return f"{name} kan niet tegelijk voldoen aan: " + ", ".join(f"{op} {_show(v)}" for op, v in others if op in ("on_or_after", "before"))
    if months.low > months.high:
        return f"{name} kan niet tegelijk voldoen aan: " + ", ".join(f"{op} {_show(v)}" for op, v in others if "months" in op)
    return None


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Scope:
    """What the satisfiability check may assume."""

    fixed_params: bool  # national parameter values are facts (else a profile could set any value)
    derivable: frozenset[str] | None = None  # derived facts that can hold; None = any
    params: dict[str, Any] = field(default_factory=dict)  # national parameter values, for their types


def unsat(lits: list[Lit], model_cls: type[BaseModel], scope: Scope, peildatum: tuple[dt.date | None, dt.date | None] = (None, None)) -> str | None:
    """Why a conjunction of literals can never be definitely true, or None when some case makes it true."""
    tests: dict[str, list[tuple[str, Any]]] = {}
    if model_cls is Case:
        van, tot = peildatum
        if van:
            tests.setdefault("peildatum", []).append(("on_or_after", van))
        if tot:
            tests.setdefault("peildatum", []).append(("before", tot + dt.timedelta(days=1)))
    derived: dict[str, set[bool]] = {}
    somes: list[tuple[cond.Some, bool]] = []
    for kind, payload, positive in lits:
        if kind == "leaf":
            op = payload.op if positive else INVERSE.get(payload.op, payload.op)
            value = payload.value if (positive or payload.op != "known") else not payload.value
            tests.setdefault(payload.field, []).append((op, value))
        elif kind == "param":
            outcome = payload.outcome
            if not _param_possible(payload, scope.params):
                return f"parameter {payload.param} kan nooit {_show(payload.value)} zijn (ander type dan de parameter)"
            if scope.fixed_params and outcome is not None and outcome != positive:
                return f"{'' if positive else 'niet: '}{payload.describe()} (landelijke waarde {payload.param} maakt dit onwaar)"
        elif kind == "derived":
            derived.setdefault(payload, set()).add(positive)
            if positive and scope.derivable is not None and payload not in scope.derivable:
                return f"afgeleid feit '{payload}' kan in deze periode door geen regel worden afgeleid"
        else:
            somes.append((payload, positive))
    for name, modes in sorted(derived.items()):
        if len(modes) == 2:
            return f"afgeleid feit '{name}' moet tegelijk gelden en niet gelden"
    for name, field_tests in sorted(tests.items()):
        reason = _field_unsat(name, cond.field_type(model_cls, name), field_tests)
        if reason:
            return reason
    for some, positive in somes:
        if not positive:
            continue
        item_cls = cond.LISTS[some.list][0]
        if some.where is not None and not satisfiable(some.where, item_cls, scope):
            return f"geen item in {some.list} kan voldoen aan de voorwaarde binnen some/count"
        for other, other_positive in somes:
            if other_positive or other.list != some.list or some.at_least < other.at_least:
                continue
            both = cond.All(tuple(c for c in (some.where, cond.Not(other.where) if other.where else None) if c is not None))
            if other.where is None or not satisfiable(both, item_cls, scope):
                return f"'some {some.list}' botst met 'not some {some.list}': elk item dat aan de eerste voldoet, voldoet ook aan de tweede"
    return None


def _param_possible(test: cond.ParamTest, params: dict[str, Any]) -> bool:
    """False when no value of the parameter's type can make the test true: a typo like equals: "ja" for a yes/no.

    A profile may change a parameter's value but not its type, so this holds for every municipality.
    """
    actual = params.get(test.param)
    if test.op != "equals" or actual is None:
        return True
    return type(test.value) is type(actual) or _numeric(test.value, actual)


def _numeric(a: Any, b: Any) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))


def satisfiable(condition: cond.Condition, model_cls: type[BaseModel], scope: Scope) -> bool:
    try:
        options = literals(condition)
    except cond.TooManyBranches:
        return True  # too large to decide: assume it can hold
    return any(unsat(lits, model_cls, scope) is None for lits in options)
