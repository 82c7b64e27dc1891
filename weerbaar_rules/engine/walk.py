"""Why a rule did not fire: unmet conditions, missing facts, blocked information.

The engine decides; this module only describes. It reads the facts the engine
saw and the derived facts the engine recorded, and walks a rule's condition in
three-valued logic to name the leaves that were false (unmet) or unknown
(missing). A property test checks that this walk agrees with the engine's own
firings, so the explanation cannot drift from the decision.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Self, TypeVar

from ..language import conditions as cond
from .facts import POSSIBLY_USABLE, PROVENANCE, REFERENCE_KEY, USABLE, CaseFacts

Tri = bool | None  # True, False, or None for unknown


class Finding(str):
    """One entry of a walk: the explainer's Dutch words, and what they are about.

    It is a `str` so the decision can carry it as text, but it also says what
    it names, so the graph links it to a node without parsing the words:

    * unmet: `kind` is "afgeleid" (a derived fact does not hold), "afgeleid_geldt"
      (it holds but must not), "lijst" (no item of the list `target` qualifies),
      "veld" (a field of the case, `target` its path), "parameter", or "" (nothing
      to point at);
    * missing: `kind` is "feit" (`target` the path of the unknown field),
      "parameter" or "afgeleid" (a derived fact that is itself undecided).
    """

    kind: str
    target: str

    def __new__(cls, text: str, kind: str = "", target: str = "") -> Self:
        finding = super().__new__(cls, text)
        finding.kind = kind
        finding.target = target
        return finding


@dataclass(frozen=True)
class OpenException:
    """An exception (`unless`) that is not established because facts are unknown: a point to check.

    The power stands (an exception only counts when established), but knowing
    `missing` could take it away, so the decision names it.
    """

    title: str
    missing: tuple[Finding, ...]

    def __hash__(self) -> int:
        # Kept after the first time: open checks are compared in sets of hundreds for a crowded case (_extend).
        found: int | None = self.__dict__.get("_hash")
        if found is None:
            found = hash((self.title, self.missing))
            object.__setattr__(self, "_hash", found)
        return found


@dataclass
class Trace:
    """What a walk found: leaves that failed, fields that were unknown, facts held back by the AVG policy,
    and the exceptions left open on the way to a true (or possibly true) conclusion."""

    unmet: list[Finding] = field(default_factory=list)
    missing: list[Finding] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # provenance of the facts held back
    checks: list[OpenException] = field(default_factory=list)

    def add(self, other: Trace) -> None:
        _extend(self.unmet, other.unmet)
        _extend(self.missing, other.missing)
        _extend(self.blocked, other.blocked)
        _extend(self.checks, other.checks)


_EMPTY = Trace()  # the trace of a list item that does not count (read, never written)


def open_exceptions(traces: list[tuple[Tri, Trace]]) -> list[OpenException]:
    """The exceptions that matter for a disjunction (`any`, or `some` over items).

    If one definitely true alternative has no open exception, none of them
    matters. Otherwise every open exception of the alternatives that are true
    (or, when none is, possibly true) could still decide the outcome.
    """
    true = [trace for value, trace in traces if value is True]
    if true and any(not trace.checks for trace in true):
        return []
    chosen = true or [trace for value, trace in traces if value is None]
    out: list[OpenException] = []
    for trace in chosen:
        _extend(out, trace.checks)
    return out


def _extend(mine: list[Any], theirs: list[Any] | tuple[Any, ...]) -> None:
    """Append what `mine` lacks, in order. A set once the lists are long: a case whose 200 activities each rest on
    50 information items otherwise compares every open check with every other (seconds for one decision)."""
    if not theirs:
        return
    if len(mine) + len(theirs) <= 12:
        for item in theirs:
            if item not in mine:
                mine.append(item)
        return
    seen = set(mine)
    for item in theirs:
        if item not in seen:
            seen.add(item)
            mine.append(item)


def _all_checks(traces: list[tuple[Tri, Trace]]) -> list[OpenException]:
    """Every open exception of the items that (possibly) count: for a count or a possible match, each may decide."""
    out: list[OpenException] = []
    for value, trace in traces:
        if value is not False:
            _extend(out, trace.checks)
    return out


def _missing_path(field: str, fact: dict[str, Any], prefix: str) -> str:
    """Where an unknown fact lives in the case file: a followed reference points at the person, not the record.

    `antecedenten[0].` + `betrokkene.meerderjarig` is `betrokkenen[2].meerderjarig`;
    if the record names no person at all, the reference itself is what is missing.
    """
    head, _, rest = field.partition(".")
    if not (rest and prefix):
        return f"{prefix}{field}"
    where = fact.get(REFERENCE_KEY + head)
    if isinstance(where, str):
        return f"{where}.{rest}"
    owner = cond.LISTS.get(prefix.split("[", 1)[0], (None, ""))[0]
    if owner is not None and cond.reference_of(owner, head) is not None:
        return f"{prefix}{head}"
    return f"{prefix}{field}"


def _get(fact: dict[str, Any], path: str) -> Any:
    current: Any = fact
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return None
        current = current[part]
    return current


_C = TypeVar("_C", bound=cond.Condition)
_T = TypeVar("_T")


def _once(condition: _C, key: str, make: Callable[[_C], _T]) -> _T:
    """What `make` says of a condition, worked out once per condition object: conditions live as long as the ruleset.

    They are frozen dataclasses, so the answer is kept in the object's own `__dict__` under `key`.
    """
    cached: _T | None = condition.__dict__.get(key)
    if cached is None:
        cached = make(condition)
        object.__setattr__(condition, key, cached)
    return cached


def _lookup(leaf: cond.Leaf) -> tuple[str, ...]:
    """Where a leaf's value sits in a flattened fact, as path parts."""
    return _once(leaf, "_lookup", _find_lookup)


def _find_lookup(leaf: cond.Leaf) -> tuple[str, ...]:
    name = "item_id" if leaf.field == "id" else leaf.field
    if leaf.op == "contains":
        name = f"{name}__{leaf.value}"
    elif leaf.op in ("within_months", "older_than_months"):
        name = f"{name}__maanden"
    elif leaf.op in ("on_or_after", "before"):
        name = f"{name}__ord"
    return tuple(name.split("."))


def leaf_value(leaf: cond.Leaf, fact: dict[str, Any]) -> Tri:
    current: Any = fact
    for part in _lookup(leaf):
        if not isinstance(current, dict):
            current = None
            break
        current = current.get(part)
        if current is None:
            break
    op = leaf.op
    if op == "known":
        return (current is not None) == leaf.value
    if current is None:
        return None
    if op == "contains":
        return bool(current)
    if op == "within_months":
        return 0 <= current < leaf.value
    if op == "older_than_months":
        return current >= leaf.value
    if op == "on_or_after":
        return current >= leaf.value.toordinal()
    if op == "before":
        return current < leaf.value.toordinal()
    return bool(_COMPARE[op](current, leaf.value))


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "equals": operator.eq,
    "not_equals": operator.ne,
    "in": lambda value, options: value in options,
    "not_in": lambda value, options: value not in options,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


ValueFn = Callable[["Explainer", dict[str, Any]], Tri]


def value_of(condition: cond.Condition) -> ValueFn:
    """The condition's three-valued value as a function of (explainer, scope fact), without a trace; compiled once per condition.

    The same value `Explainer.evaluate` returns, at a fraction of its cost: it
    builds no findings and stops at the first deciding item. The walk uses it
    to skip the traces nobody reads (a list item that does not qualify).
    """
    return _once(condition, "_value", _compile_value)


def _compile_value(condition: cond.Condition) -> ValueFn:
    if isinstance(condition, cond.Leaf):
        return _compile_leaf(condition)
    if isinstance(condition, (cond.All, cond.AnyOf)):
        items = tuple(value_of(item) for item in condition.items)
        decisive = isinstance(condition, cond.AnyOf)  # one false part decides a conjunction, one true part a disjunction

        def junction(explainer: Explainer, fact: dict[str, Any]) -> Tri:
            result: Tri = not decisive
            for item in items:
                value = item(explainer, fact)
                if value is decisive:
                    return decisive
                if value is None:
                    result = None
            return result

        return junction
    if isinstance(condition, cond.Some):
        return _compile_some(condition)
    if isinstance(condition, cond.Derived):
        name = condition.name

        def derived(explainer: Explainer, fact: dict[str, Any]) -> Tri:
            state = explainer.derived.get(name)
            return False if state is None else (None if state == "mogelijk" else True)

        return derived
    if isinstance(condition, cond.Not):
        inner = value_of(condition.item)

        def negation(explainer: Explainer, fact: dict[str, Any]) -> Tri:
            value = inner(explainer, fact)
            return None if value is None else not value

        return negation
    if isinstance(condition, cond.Unless):
        exception = value_of(condition.item)
        return lambda explainer, fact: exception(explainer, fact) is not True
    if isinstance(condition, cond.ParamTest):
        outcome = condition.outcome
        return lambda explainer, fact: outcome
    raise AssertionError(condition)


def _compile_some(some: cond.Some) -> ValueFn:
    where = value_of(some.where) if some.where is not None else None
    name, at_least = some.list, some.at_least

    def some_of(explainer: Explainer, fact: dict[str, Any]) -> Tri:
        definite = possible = 0
        for item in explainer.items.get(name, ()):
            value = True if where is None else where(explainer, item)
            if value is False or not item[POSSIBLY_USABLE]:
                continue
            possible += 1
            if value is True and item[USABLE]:
                definite += 1
                if definite >= at_least:
                    return True
        return None if possible >= at_least else False

    return some_of


def _compile_leaf(leaf: cond.Leaf) -> ValueFn:
    """`leaf_value` with the lookup and the test chosen once."""
    path = _lookup(leaf)
    op, expected = leaf.op, leaf.value
    test: Callable[[Any], Tri]
    if op == "known":
        if len(path) == 1:
            key = path[0]
            return lambda explainer, fact: (fact.get(key) is not None) == expected
        return lambda explainer, fact: leaf_value(leaf, fact)
    if op == "contains":
        test = bool
    elif op == "within_months":
        test = lambda current: 0 <= current < expected
    elif op == "older_than_months":
        test = lambda current: current >= expected
    elif op == "on_or_after":
        day = expected.toordinal()
        test = lambda current: current >= day
    elif op == "before":
        day = expected.toordinal()
        test = lambda current: current < day
    else:
        compare = _COMPARE[op]
        test = lambda current: bool(compare(current, expected))
    if len(path) == 1:
        key = path[0]

        def flat(explainer: Explainer, fact: dict[str, Any]) -> Tri:
            current = fact.get(key)
            return None if current is None else test(current)

        return flat

    def nested(explainer: Explainer, fact: dict[str, Any]) -> Tri:
        current: Any = fact
        for part in path:
            if not isinstance(current, dict):
                return None
            current = current.get(part)
            if current is None:
                return None
        return test(current)

    return nested


def _silent(condition: cond.Condition) -> bool:
    """Whether walking the condition, when it holds, finds nothing: no exception, derived fact or list in it.

    Worked out once per condition. A true part of a conjunction or disjunction
    passes on only its open exceptions and the facts the AVG held back; a part
    that can have neither needs only its value.
    """
    return _once(
        condition,
        "_silent",
        lambda c: not isinstance(c, cond.Leaf) and not any(isinstance(node, (cond.Unless, cond.Derived, cond.Some)) for node in cond.walk(c)),
    )


def _case_findings(leaf: cond.Leaf) -> tuple[Finding, Finding]:
    """A leaf on the case itself, unknown and unmet: the same two findings for every case, made once per leaf."""
    return _once(leaf, "_findings", lambda c: (Finding(c.field, "feit", c.field), Finding(c.describe(), *_about(c, ""))))


def _about(condition: cond.Condition, prefix: str) -> tuple[str, str]:
    """What an unmet leaf or parameter test points at: a field of the case itself, or a parameter."""
    if isinstance(condition, cond.ParamTest):
        return "parameter", condition.param
    if isinstance(condition, cond.Leaf) and not prefix:
        return "veld", condition.field
    return "", ""


WalkFn = Callable[["Explainer", Trace, "dict[str, Any] | None", str], Tri]


def walker_of(condition: cond.Condition) -> WalkFn:
    """The three-valued walk of a condition as a function of (explainer, trace, item fact, item prefix); compiled once per condition.

    What `Explainer.evaluate` does, with the choices that depend only on the
    condition (its kind, its parts, the words of its findings) made once per
    ruleset instead of once per case.
    """
    return _once(condition, "_walk", _compile_walk)


def _compile_walk(condition: cond.Condition) -> WalkFn:
    if isinstance(condition, cond.Leaf):
        return _walk_leaf(condition)
    if isinstance(condition, cond.All):
        parts = tuple((walker_of(item), value_of(item) if _silent(item) else None) for item in condition.items)

        def all_of(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
            scope = fact if fact is not None else explainer.facts.zaak
            inner = Trace()
            values = [True if known is not None and known(explainer, scope) is True else walk(explainer, inner, fact, prefix) for walk, known in parts]
            result = _and(values)
            if result is False:
                # A conjunction that fails cannot become true: its unknown facts decide nothing, and it leaves no exception open.
                inner.checks.clear()
                inner.missing.clear()
            if result is not True:
                trace.add(inner)
            else:
                _extend(trace.checks, inner.checks)
            return result

        return all_of
    if isinstance(condition, cond.AnyOf):
        alternatives = tuple((walker_of(item), value_of(item) if _silent(item) else None) for item in condition.items)

        def any_of(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
            scope = fact if fact is not None else explainer.facts.zaak
            parts: list[tuple[Tri, Trace]] = []
            for walk, known in alternatives:
                if known is not None and known(explainer, scope) is True:
                    parts.append((True, _EMPTY))
                    continue
                part = Trace()
                parts.append((walk(explainer, part, fact, prefix), part))
            result = _or([value for value, _ in parts])
            if result is not True:
                for value, part in parts:
                    _extend(trace.unmet, part.unmet)
                    if value is None:  # only an alternative that is still open waits for its unknown facts
                        _extend(trace.missing, part.missing)
                    _extend(trace.blocked, part.blocked)
            _extend(trace.checks, open_exceptions(parts))
            return result

        return any_of
    if isinstance(condition, cond.Some):
        some = condition
        return lambda explainer, trace, fact, prefix: explainer._some(some, trace)
    if isinstance(condition, cond.Derived):
        name = condition.name
        unmet = Finding(f"afgeleid feit '{name}' geldt niet", "afgeleid", name)

        def derived(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
            state = explainer.derived.get(name)
            if state is None:
                trace.unmet.append(unmet)
                return False
            if state == "mogelijk":
                explainer._missing_behind(name, trace)
                return None
            _extend(trace.checks, explainer._exceptions_behind(name))
            return True

        return derived
    if isinstance(condition, cond.Not):
        item = condition.item
        walk = walker_of(item)

        def negation(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
            inner = Trace()
            value = walk(explainer, inner, fact, prefix)
            result = None if value is None else not value
            if result is False:
                kind, target = ("afgeleid_geldt", item.name) if isinstance(item, cond.Derived) else _about(item, prefix)
                trace.unmet.append(Finding(f"niet: {explainer.describe(item)}", kind, target))
            _extend(trace.missing, inner.missing)
            return result

        return negation
    if isinstance(condition, cond.Unless):
        title = condition.title
        walk = walker_of(condition.item)
        applies = Finding(f"uitzondering geldt: {title}", "uitzondering", title)

        def exception(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
            inner = Trace()
            value = walk(explainer, inner, fact, prefix)
            if value is True:
                trace.unmet.append(applies)
                return False
            if value is None:
                trace.checks.append(OpenException(f"{prefix}{title}" if prefix else title, tuple(inner.missing)))
            return True

        return exception
    if isinstance(condition, cond.ParamTest):
        outcome = condition.outcome
        if outcome is None:
            missing = Finding(f"parameter {condition.param} (gemeenteprofiel)", "parameter", condition.param)

            def unknown(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
                trace.missing.append(missing)
                return None

            return unknown
        if not outcome:
            unmet_param = Finding(condition.describe(), "parameter", condition.param)

            def fails(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
                trace.unmet.append(unmet_param)
                return False

            return fails
        return lambda explainer, trace, fact, prefix: True
    raise AssertionError(condition)


def _walk_leaf(leaf: cond.Leaf) -> WalkFn:
    value_at = value_of(leaf)
    name = leaf.field

    def walk(explainer: Explainer, trace: Trace, fact: dict[str, Any] | None, prefix: str) -> Tri:
        scope = fact if fact is not None else explainer.facts.zaak
        value = value_at(explainer, scope)
        if value is None:
            if prefix:
                path = _missing_path(name, scope, prefix)
                trace.missing.append(Finding(path, "feit", path))
            else:
                trace.missing.append(_case_findings(leaf)[0])
        elif value is False:
            if prefix:
                trace.unmet.append(Finding(f"{prefix}{leaf.describe()}", *_about(leaf, prefix)))
            else:
                trace.unmet.append(_case_findings(leaf)[1])
        return value

    return walk


def _and(values: list[Tri]) -> Tri:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _or(values: list[Tri]) -> Tri:
    if any(v is True for v in values):
        return True
    return None if any(v is None for v in values) else False


class Explainer:
    """Walks conditions over the facts of one evaluated case."""

    def __init__(self, facts: CaseFacts, derived: dict[str, str], derivers: dict[str, list[cond.Condition]] | None = None) -> None:
        self.facts = facts
        self.derived = derived  # name -> "zeker" | "mogelijk"
        self.derivers = derivers or {}  # name -> conditions of the rules (in force) that derive it
        self._expanding: set[str] = set()
        self._behind: dict[str, list[OpenException]] = {}  # derived fact -> exceptions left open in deriving it
        # provenance -> (its information's unknown fields, its open checks), made once: every walk over the item reads them
        self._information: dict[str, tuple[tuple[Finding, ...], tuple[OpenException, ...]]] = {}
        self._checks: dict[tuple[str, tuple[str, ...]], OpenException] = {}
        self.items: dict[str, list[dict[str, Any]]] = {}
        for fact in facts.items:
            self.items.setdefault(fact[PROVENANCE].split("[")[0], []).append(fact)

    def evaluate(self, condition: cond.Condition, trace: Trace, fact: dict[str, Any] | None = None, prefix: str = "") -> Tri:
        """Walk `condition` over the case (or over `fact`, a list item named `prefix`), recording what it finds in `trace`."""
        return walker_of(condition)(self, trace, fact, prefix)

    def _missing_behind(self, name: str, trace: Trace) -> None:
        """An undecided derived fact is undecided because of the unknown facts of the rules deriving it."""
        if name in self._expanding or name not in self.derivers:
            trace.missing.append(Finding(f"afgeleid feit '{name}' (onbeslist)", "afgeleid", name))
            return
        self._expanding.add(name)
        try:
            for condition in self.derivers[name]:
                inner = Trace()
                if self.evaluate(condition, inner) is None:
                    _extend(trace.missing, inner.missing)
                    _extend(trace.checks, inner.checks)
        finally:
            self._expanding.discard(name)

    def _exceptions_behind(self, name: str) -> list[OpenException]:
        """The open exceptions on the way to a definitely derived fact (none if one derivation has none)."""
        if name in self._behind:
            return self._behind[name]
        if name in self._expanding or name not in self.derivers:
            return []
        self._expanding.add(name)
        try:
            parts = []
            for condition in self.derivers[name]:
                inner = Trace()
                parts.append((self.evaluate(condition, inner), inner))
        finally:
            self._expanding.discard(name)
        found = open_exceptions(parts)
        self._behind[name] = found
        return found

    def _some(self, some: cond.Some, trace: Trace) -> Tri:
        candidates = self.items.get(some.list, [])
        values: list[Tri] = []
        parts: list[tuple[Tri, Trace]] = []
        where = some.where
        value_where = value_of(where) if where is not None else None
        for item in candidates:
            value = True if value_where is None else value_where(self, item)
            if value is not False and not item[POSSIBLY_USABLE]:
                trace.blocked.append(item[PROVENANCE])
                value = False
            elif value is True and not item[USABLE]:
                value = None  # the item holds, but whether its information may carry a decision is not yet decided
            if value is False:
                # A trace of an item that does not count is never read: not walked.
                item_trace = _EMPTY
            else:
                item_trace = Trace()
                if where is not None:
                    self.evaluate(where, item_trace, item, f"{item[PROVENANCE]}.")
                self._information_of(item, item_trace)
            values.append(value)
            parts.append((value, item_trace))
        definite = sum(1 for v in values if v is True)
        possible = sum(1 for v in values if v is not False)
        if definite >= some.at_least:
            _extend(trace.checks, open_exceptions(parts) if some.at_least == 1 else _all_checks(parts))
            return True
        if possible >= some.at_least:
            for value, item_trace in parts:
                if value is None:  # an item that definitely fails waits for nothing
                    _extend(trace.missing, item_trace.missing)
            _extend(trace.checks, _all_checks(parts))
            return None
        if not candidates:
            trace.unmet.append(Finding(f"er is geen item in {some.list}", "lijst", some.list))
        elif some.where is not None:
            need = "geen" if some.at_least == 1 else f"minder dan {some.at_least}"
            trace.unmet.append(Finding(f"{need} item in {some.list} waarvoor geldt: {self.describe(some.where)}", "lijst", some.list))
        return False

    def _information_of(self, item: dict[str, Any], trace: Trace) -> None:
        """What the information behind a counting item adds: the unknown fields that decide it, the defects left open."""
        provenance = item[PROVENANCE]
        found = self._information.get(provenance)
        if found is None:
            found = self._information[provenance] = (
                tuple(Finding(path, "feit", path) for path in self.facts.pending.get(provenance, ())),
                tuple(self._check(title, paths) for title, paths in self.facts.checks.get(provenance, ())),
            )
        missing, checks = found
        trace.missing.extend(missing)
        if checks:
            _extend(trace.checks, checks)

    def _check(self, title: str, paths: tuple[str, ...]) -> OpenException:
        """One object per open check of this case: items resting on the same information share it, so merging
        their traces finds it by identity instead of comparing it field by field."""
        key = (title, tuple(paths))
        found = self._checks.get(key)
        if found is None:
            found = self._checks[key] = OpenException(title, tuple(Finding(path, "feit", path) for path in paths))
        return found

    def describe(self, condition: cond.Condition) -> str:
        """Dutch text of a condition; computed once per condition object (they live as long as the ruleset)."""
        return _once(condition, "_text", self._describe)

    def _describe(self, condition: cond.Condition) -> str:
        if isinstance(condition, (cond.Leaf, cond.ParamTest)):
            return condition.describe()
        if isinstance(condition, cond.Derived):
            return f"afgeleid feit '{condition.name}'"
        if isinstance(condition, cond.Not):
            return f"niet ({self.describe(condition.item)})"
        if isinstance(condition, cond.Unless):
            return f"tenzij vaststaat: {condition.title}"
        if isinstance(condition, (cond.All, cond.AnyOf)):
            joiner = " en " if isinstance(condition, cond.All) else " of "
            return "(" + joiner.join(self.describe(i) for i in condition.items) + ")"
        if isinstance(condition, cond.Some):
            where = f" waarvoor geldt: {self.describe(condition.where)}" if condition.where else ""
            count = f"minstens {condition.at_least} " if condition.at_least > 1 else "een "
            return f"{count}item in {condition.list}{where}"
        raise AssertionError(condition)
