"""Cases built to reach given rules, with every tested value on both sides of its boundary.

Random cases rarely reach a rule deep in a chain: a Damocles policy rule needs a
power, which needs a ground, which needs a drug activity on usable information,
and only then does its own test (a warning within 36 months) matter. So a
change to such a rule went unseen by `rules diff` on 10,000 random cases.

This module works the other way round. From a rule's condition it builds
facts that make it true, following every derived fact into a rule that
derives it (`Draft.solve`), and from the rule up to the rules that decide an
instrument (`routes`). Then it moves one tested value of the rule at a time to
each side of its boundary — a number ±1, a date ±1 day, a month count ±1 month
and a day either side, every value of an enumeration, known and unknown — and
the peildatum to both sides of each validity date (`boundaries`, `peildata`).

Everything is drawn from a `random.Random` seeded per case, so a case is the
same whichever process builds it and however many cases run: fast enough for
thousands of cases per second, and reproducible.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import typing
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from ..case.model import Case
from ..engine.facts import months_between
from ..language import conditions as cond
from ..language.ruleset import Rule, Ruleset
from .strategies import _add_months, _bounds, hints

Key = tuple[str, str]  # ("zaak" or a list name, field path inside it)
ZAAK = "zaak"
REFERENCE_DAY = dt.date(2025, 1, 1)  # a peildatum on which most current law is in force
MAX_DEPTH = 12  # derived facts followed into their rules at most this deep (chains are shorter; cycles are not)
UNKNOWN = None


class _Fail(Exception):
    """The facts drawn so far cannot make this condition come out as wanted."""


@dataclass(frozen=True)
class MonthsBack:
    """A date `months` calendar months (and `days` days) before the peildatum: a boundary that moves with it."""

    months: int
    days: int = 0

    def on(self, peildatum: dt.date) -> dt.date:
        return _add_months(peildatum, -self.months) + dt.timedelta(days=self.days)


def _concrete(value: Any, peildatum: dt.date) -> Any:
    return value.on(peildatum) if isinstance(value, MonthsBack) else value


def _scope(list_name: str) -> type[BaseModel]:
    return Case if list_name == ZAAK else cond.LISTS[list_name][0]


@functools.cache
def _kind(scope: type[BaseModel], path: str) -> Any:
    return cond.field_type(scope, path)


def _step(kind: Any, value: Any) -> float:
    """The smallest move across a numeric boundary: 1 for whole numbers, a hundredth otherwise (5 and 5.01 grams)."""
    return 1 if kind is int or (isinstance(value, int) and kind is not float) else 0.01


def holds(leaf: cond.Leaf, value: Any, peildatum: dt.date) -> bool | None:
    """The truth of a leaf for one field value (None = the value is unknown, so the test is undecided)."""
    if leaf.op == "known":
        return (value is not UNKNOWN) == leaf.value
    if value is UNKNOWN:
        return None
    op, target = leaf.op, leaf.value
    if op == "contains":
        return target in tuple(value)
    if op == "equals":
        return bool(value == target)
    if op == "not_equals":
        return bool(value != target)
    if op == "in":
        return value in target
    if op == "not_in":
        return value not in target
    if op in ("gt", "gte", "lt", "lte"):
        return bool({"gt": value > target, "gte": value >= target, "lt": value < target, "lte": value <= target}[op])
    if op in ("on_or_after", "before"):
        return bool(value >= target) if op == "on_or_after" else bool(value < target)
    months = months_between(value, peildatum)
    if op == "within_months":
        return 0 <= months < target
    return bool(months >= target)  # older_than_months


def _other(kind: Any, avoid: Iterable[Any], rng: random.Random) -> Any:
    """A value of the field's type that is none of `avoid`; _Fail when there is none."""
    avoid = set(avoid)
    if isinstance(kind, type) and issubclass(kind, Enum):
        left = [m.value for m in kind if m.value not in avoid]
    elif kind is bool:
        left = [b for b in (True, False) if b not in avoid]
    elif kind is str:
        left = [f"anders{n}" for n in range(len(avoid) + 1) if f"anders{n}" not in avoid][:1]
    elif kind in (int, float):
        left = [max(avoid, default=0) + 1]
    else:
        left = []
    if not left:
        raise _Fail
    return rng.choice(left)


def boundaries(leaf: cond.Leaf, scope: type[BaseModel]) -> list[Any]:
    """The field values around a leaf's boundary: on it and either side of it, or every value it can tell apart."""
    kind = _kind(scope, leaf.field)
    op, target = leaf.op, leaf.value
    if op == "known":
        return [UNKNOWN, _default(kind, random.Random(0), first=True)]
    if op == "contains":
        return [(target,), ()]  # tuples, so a boundary can be a key; the case gets a list
    if op in ("equals", "not_equals", "in", "not_in"):
        tested = list(target) if isinstance(target, tuple) else [target]
        if isinstance(kind, type) and issubclass(kind, Enum):
            return [m.value for m in kind]
        if kind is bool:
            return [True, False]
        if kind in (int, float):
            return sorted({v + d for v in tested for d in (-_step(kind, v), 0, _step(kind, v))})
        return [*tested, _other(kind, tested, random.Random(0))] if kind is str else tested
    if op in ("gt", "gte", "lt", "lte"):
        step = _step(kind, target)
        low, _, _, _ = _bounds(_field_info(scope, leaf.field))
        return [v for v in (target - step, target, target + step) if low is None or v >= low]
    if op in ("on_or_after", "before"):
        return [target - dt.timedelta(days=1), target, target + dt.timedelta(days=1)]
    if op in ("within_months", "older_than_months"):
        n = int(target)
        return [MonthsBack(n - 1), MonthsBack(n, 1), MonthsBack(n), MonthsBack(n, -1), MonthsBack(n + 1)]
    return []


def _field_info(scope: type[BaseModel], path: str) -> Any:
    parent, _, last = path.rpartition(".")
    model = cond.field_type(scope, parent) if parent else scope
    return model.model_fields[last]


@functools.lru_cache(maxsize=65_536)
def _candidates(leaf: cond.Leaf, want: bool, scope: type[BaseModel], peildatum: dt.date) -> tuple[Any, ...]:
    """The boundary values that make the leaf come out as `want` on this day.

    A pure function of its arguments (no random choice), asked again for every
    generated case that meets the leaf, so it is remembered: `rules diff`
    generates thousands of cases over the same few hundred leaves and days.
    """
    return tuple(c for c in (_concrete(v, peildatum) for v in boundaries(leaf, scope)) if holds(leaf, c, peildatum) == want)


def _satisfying(leaf: cond.Leaf, want: bool, scope: type[BaseModel], peildatum: dt.date, rng: random.Random) -> Any:
    """A value that makes the leaf come out as `want`, on or next to its boundary."""
    kind = _kind(scope, leaf.field)
    if leaf.op == "known":
        return _default(kind, rng) if leaf.value == want else UNKNOWN
    try:
        candidates = _candidates(leaf, want, scope, peildatum)
    except TypeError:  # a leaf whose value cannot be a key
        candidates = _candidates.__wrapped__(leaf, want, scope, peildatum)
    if not candidates and leaf.op in ("equals", "not_equals", "in", "not_in"):
        tested = list(leaf.value) if isinstance(leaf.value, tuple) else [leaf.value]
        return _other(kind, tested, rng)
    if not candidates:
        raise _Fail
    return rng.choice(candidates)


def _default(kind: Any, rng: random.Random, first: bool = False) -> Any:
    """Some known value of a field's type (the first one of an enumeration or True with `first`)."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        values = [m.value for m in kind]
        return values[0] if first else rng.choice(values)
    if kind is bool:
        return True if first else rng.choice((True, False))
    if kind is dt.date:
        return MonthsBack(1)
    if kind is int:
        return 0
    if kind is float:
        return 0.0
    if kind is str:
        return "x"
    return UNKNOWN


# -- a case under construction -------------------------------------------------------------------


class Draft:
    """The facts of one case while they are worked out: the case fields and the list items, by path.

    `solve` makes a condition true or false by adding facts, never by changing
    a fact already chosen; what cannot be done raises `_Fail`, and the caller
    tries another branch from a snapshot. Pins fix some fields to a chosen value
    (a boundary) while the target rule's own condition is solved.
    """

    def __init__(self, ruleset: Ruleset, peildatum: dt.date, rng: random.Random, prefer: dict[str, str] | None = None) -> None:
        self.ruleset = ruleset
        self.peildatum = peildatum
        self.rng = rng
        self.prefer = prefer or {}  # derived fact -> id of the rule to derive it with (the route to a target)
        self.done: set[str] = set()  # derived facts already taken care of (the target's, solved with its pins)
        self.zaak: dict[str, Any] = {}
        self.items: dict[str, list[dict[str, Any]]] = {name: [] for name in cond.LISTS}
        self.pins: dict[Key, Any] = {}
        self.pinning = False
        self._solving: list[str] = []

    # state for trying a branch
    def snapshot(self) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
        return dict(self.zaak), {name: [dict(item) for item in items] for name, items in self.items.items()}

    def restore(self, state: tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]) -> None:
        self.zaak, self.items = state[0], state[1]

    def _attempt(self, condition: cond.Condition, want: bool, item: dict[str, Any] | None, scope: str) -> bool:
        state = self.snapshot()
        try:
            self.solve(condition, want, item, scope)
            return True
        except _Fail:
            self.restore(state)
            return False

    def solve(self, condition: cond.Condition, want: bool, item: dict[str, Any] | None = None, scope: str = ZAAK) -> None:
        """Add facts so `condition` comes out as `want` (raises _Fail when the facts chosen so far forbid it)."""
        if isinstance(condition, cond.Leaf):
            self._leaf(condition, want, self.zaak if item is None else item, scope)
        elif isinstance(condition, cond.ParamTest):
            if condition.outcome is not None and condition.outcome != want:
                raise _Fail
        elif isinstance(condition, cond.Not):
            self.solve(condition.item, not want, item, scope)
        elif isinstance(condition, cond.Unless):
            # An exception takes the power away only when established: wanted true, leave it unestablished.
            if not want:
                self.solve(condition.item, True, item, scope)
        elif isinstance(condition, (cond.All, cond.AnyOf)):
            every = isinstance(condition, cond.All) == want
            parts = list(condition.items)
            if every:
                for part in parts:
                    self.solve(part, want, item, scope)
                return
            self.rng.shuffle(parts)
            if not any(self._attempt(part, want, item, scope) for part in parts):
                raise _Fail
        elif isinstance(condition, cond.Derived):
            self._derived(condition.name, want)
        elif isinstance(condition, cond.Some):
            self._some(condition, want)
        else:
            raise AssertionError(condition)

    def _leaf(self, leaf: cond.Leaf, want: bool, target: dict[str, Any], scope: str) -> None:
        model = _scope(scope)
        key = (scope, leaf.field)
        if self.pinning and key in self.pins:
            target[leaf.field] = _concrete(self.pins[key], self.peildatum)  # a boundary: whichever way the leaf then comes out
            return
        if leaf.field in target:
            if holds(leaf, target[leaf.field], self.peildatum) != want:
                raise _Fail
            return
        target[leaf.field] = _concrete(_satisfying(leaf, want, model, self.peildatum, self.rng), self.peildatum)

    def _derived(self, name: str, want: bool) -> None:
        if name in self.done:
            return
        if name in self._solving or len(self._solving) >= MAX_DEPTH:
            if want:
                raise _Fail
            return
        rules = [self.ruleset.rules[i] for i in self.ruleset.deriving.get(name, []) if self.ruleset.rules[i].in_force(self.peildatum)]
        preferred = [r for r in rules if r.id == self.prefer.get(name)]
        self._solving.append(name)
        try:
            if preferred:
                # On the route from an instrument down to the target rule: derive it, whatever the polarity.
                self.solve(preferred[0].when, True)
            elif want:
                self.rng.shuffle(rules)
                if not any(self._attempt(rule.when, True, None, ZAAK) for rule in rules):
                    raise _Fail
            else:
                for rule in rules:  # best effort: a deriver left possibly true only makes the case undecided
                    self._attempt(rule.when, False, None, ZAAK)
        finally:
            self._solving.pop()

    def _some(self, some: cond.Some, want: bool) -> None:
        items = self.items[some.list]
        if want:
            for _ in range(some.at_least):
                reuse = [i for i in range(len(items))] if some.at_least == 1 else []
                self.rng.shuffle(reuse)
                for index in [*reuse, None]:
                    trial: dict[str, Any] = {} if index is None else dict(items[index])
                    if some.where is None or self._attempt(some.where, True, trial, some.list):
                        if index is None:
                            items.append(trial)
                        else:
                            items[index] = trial
                        break
                else:
                    raise _Fail
            return
        for index, existing in enumerate(items):
            trial = dict(existing)
            if some.where is None or not self._attempt(some.where, False, trial, some.list):
                raise _Fail
            items[index] = trial

    # -- the finished case ------------------------------------------------------------------------

    def case(self, zaak_id: str, instruments: Iterable[str]) -> Case | None:
        """The draft as a valid case (required facts filled in), or None when the model refuses it."""
        zaak: dict[str, Any] = {"schema_versie": "2", "zaak_id": zaak_id, "peildatum": self.peildatum}
        for path, value in self.zaak.items():
            if value is not UNKNOWN:
                _put(zaak, path, value)
        names = list(instruments)
        info: list[dict[str, Any]] = [_fill(_nested(item), cond.LISTS["informatie"][0], self, names) for item in self.items["informatie"]]
        info.insert(0, {"id": "i0", **_lawful_information(self.ruleset, self.peildatum)})
        for number, item in enumerate(info[1:], start=1):
            item["id"] = f"i{number}"
        zaak["informatie"] = info
        for name in ("activiteiten", "vergunningen", "voorgeschiedenis"):
            zaak[name] = [_fill(_nested(item), cond.LISTS[name][0], self, names) for item in self.items[name]]
        zaak = _fill(zaak, Case, self, names)
        try:
            return Case.model_validate(zaak)
        except ValidationError:
            return None


def _lawful_information(ruleset: Any, day: dt.date) -> dict[str, Any]:
    """A source and basis that let information carry any instrument's decision on `day` (engine/gate.py), if the policy has one."""
    sources = [b for b in _enum_values(cond.LISTS["informatie"][0], "bron") if b not in ruleset.information.onvoldoende_bronnen]
    for name, basis in ruleset.information.grondslagen.items():
        if basis.doel is not None or basis.ontvangers is not None or not basis.in_force(day):
            continue
        conditions = basis.voorwaarden
        if conditions.ontvanger is not None or conditions.doel is not None or conditions.besluit_verstrekker is not None:
            continue
        fitting = [b for b in sources if basis.bronnen is None or b in basis.bronnen]
        if fitting:
            # Provided on the peildatum, to the municipality: the basis was in force then, and no other body received it.
            return {"bron": fitting[0], "grondslag": name, "datum": day, "ontvanger": "gemeente"}
    return {"bron": sources[0] if sources else "politie", "grondslag": next(iter(ruleset.information.grondslagen))}


def _enum_values(model: type[BaseModel], name: str) -> list[Any]:
    kind = cond.field_type(model, name)
    return [m.value for m in kind] if isinstance(kind, type) and issubclass(kind, Enum) else []


def _put(target: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for part in parents:
        target = target.setdefault(part, {})
    target[last] = list(value) if isinstance(value, tuple) else value


def _nested(item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for path, value in item.items():
        if value is not UNKNOWN:
            _put(out, path, value)
    return out


@functools.cache
def _fields(model: type[BaseModel]) -> tuple[tuple[str, Any, bool], ...]:
    """(name, type, required) of every field of a model, worked out once."""
    return tuple((name, cond.field_type(model, name), info.is_required()) for name, info in model.model_fields.items())


def _fill(data: dict[str, Any], model: type[BaseModel], draft: Draft, instruments: list[str]) -> dict[str, Any]:
    """Give every required field a value (the model decides which are required)."""
    for name, kind, required in _fields(model):
        if name in data:
            if isinstance(kind, type) and issubclass(kind, BaseModel) and isinstance(data[name], dict):
                data[name] = _fill(data[name], kind, draft, instruments)
            continue
        if not required:
            continue
        if name == "informatie" and typing.get_origin(kind) is list:
            data[name] = ["i0"]
        elif name == "instrument" and kind is str:
            data[name] = draft.rng.choice(instruments) if instruments else "x"
        elif kind is dt.date:
            data[name] = _add_months(draft.peildatum, -1)
        elif isinstance(kind, type) and issubclass(kind, BaseModel):
            data[name] = _fill({}, kind, draft, instruments)
        elif typing.get_origin(kind) is list:
            data[name] = []
        else:
            data[name] = _default(kind, draft.rng)
    return data


# -- where to aim ------------------------------------------------------------------------------------


def leaves(rule: Rule) -> list[tuple[Key, cond.Leaf]]:
    """The field tests of a rule, each with the list (or the case) whose field it tests."""
    found: list[tuple[Key, cond.Leaf]] = []

    def visit(condition: cond.Condition, scope: str) -> None:
        if isinstance(condition, cond.Leaf):
            found.append(((scope, condition.field), condition))
        elif isinstance(condition, (cond.All, cond.AnyOf)):
            for part in condition.items:
                visit(part, scope)
        elif isinstance(condition, (cond.Not, cond.Unless)):
            visit(condition.item, scope)
        elif isinstance(condition, cond.Some) and condition.where is not None:
            visit(condition.where, condition.list)

    visit(rule.when, ZAAK)
    return found


def pins(rules: Iterable[Rule]) -> list[tuple[Key, Any]]:
    """Every boundary value of every field these rules test, one (field, value) at a time, in a stable order."""
    found: dict[tuple[Key, Any], None] = {}
    for rule in rules:
        for key, leaf in leaves(rule):
            for value in boundaries(leaf, _scope(key[0])):
                found.setdefault((key, value), None)
    return list(found)


def _edges(rule: Rule) -> set[dt.date]:
    days: set[dt.date] = set()
    if rule.geldig_van:
        days.update((rule.geldig_van - dt.timedelta(days=1), rule.geldig_van))
    if rule.geldig_tot:
        days.update((rule.geldig_tot, rule.geldig_tot + dt.timedelta(days=1)))
    return days


def peildata(rules: Iterable[Rule]) -> list[dt.date]:
    """A day on which the rules are in force, then both sides of every date where one of them starts or stops."""
    rules = list(rules)
    days = set().union(*(_edges(r) for r in rules)) if rules else set()
    inside = [day for day in [REFERENCE_DAY, *sorted(days)] if any(r.in_force(day) for r in rules)]
    base = inside[0] if inside else REFERENCE_DAY
    return [base, *sorted(days - {base})]


def users(ruleset: Ruleset) -> dict[str, list[Rule]]:
    """Derived fact -> the rules whose condition uses it."""
    users: dict[str, list[Rule]] = {}
    for rule in ruleset.rules:
        for name, _ in cond.derived_refs(rule.when):
            if rule not in users.setdefault(name, []):
                users[name].append(rule)
    return users


def routes(ruleset: Ruleset, rule_id: str, limit: int = 4, used_by: dict[str, list[Rule]] | None = None) -> list[tuple[str, dict[str, str]]]:
    """Ways from a rule up to rules that decide an instrument: (the deciding rule, which rule derives which fact on the way).

    A rule that itself concludes about an instrument is its own route. Otherwise
    the nearest rules that use what it derives (and so on upwards) are taken, at
    most `limit`, so the case shows whether the rule changes a decision.
    """
    used_by = users(ruleset) if used_by is None else used_by
    start = next((r for r in ruleset.rules if r.id == rule_id), None)
    if start is None:
        return []
    found: list[tuple[str, dict[str, str]]] = []
    queue: list[tuple[Rule, dict[str, str]]] = [(start, {})]
    seen = {rule_id}
    while queue and len(found) < limit:
        rule, prefer = queue.pop(0)
        if any(c.kind != "derive" for c in rule.then):
            found.append((rule.id, prefer))
        for name in rule.derives:
            for user in used_by.get(name, []):
                if user.id not in seen:
                    seen.add(user.id)
                    queue.append((user, {**prefer, name: rule.id}))
    return found or [(rule_id, {})]


@dataclass(frozen=True)
class Aim:
    """One directed case: reach `rule_id` in one ruleset version along a route, with one field pinned, on one peildatum."""

    version: int  # index into the rulesets
    rule_id: str
    route: int
    pin: tuple[Key, Any] | None
    peildatum: dt.date
    seed: int


def _tiers(versions: list[list[Rule]]) -> list[tuple[tuple[Key, Any] | None, dt.date]]:
    """(pin, peildatum) pairs for one rule, what the change touches first.

    First the boundaries of tests that differ between the versions (a changed
    threshold, a changed list of values) and the validity dates that differ, on
    a day the rule is in force; then the other boundaries and dates.
    """
    both = [r for found in versions for r in found]
    days = peildata(both)
    base = days[0]
    changed_leaves = set.symmetric_difference(*[{leaf for r in found for _, leaf in leaves(r)} for found in versions]) if len(versions) == 2 else set()
    changed_days = set.symmetric_difference(*[set().union(*(_edges(r) for r in found)) if found else set() for found in versions]) if len(versions) == 2 else set()
    near: list[tuple[Key, Any]] = []
    for rule in both:
        for key, leaf in leaves(rule):
            if leaf in changed_leaves:
                near.extend((key, value) for value in boundaries(leaf, _scope(key[0])) if (key, value) not in near)
    rest = [pin for pin in pins(both) if pin not in near]
    first_days = [d for d in days[1:] if d in changed_days]
    other_days = [d for d in days[1:] if d not in changed_days]
    tiers: list[tuple[tuple[Key, Any] | None, dt.date]] = [(None, base)]
    tiers += [(pin, base) for pin in near]
    tiers += [(None, day) for day in first_days]
    tiers += [(pin, day) for pin in near for day in first_days]
    tiers += [(pin, base) for pin in rest]
    tiers += [(None, day) for day in other_days]
    tiers += [(pin, day) for pin in near + rest for day in other_days] + [(pin, day) for pin in rest for day in first_days]
    return list(dict.fromkeys(tiers))


def aims(rulesets: list[Ruleset], rule_ids: Iterable[str], repeats: int = 2) -> list[Aim]:
    """Every directed case for these rules, interleaved so that any prefix of the list spreads over all rules."""
    per_rule: list[list[Aim]] = []
    indexes = [users(rs) for rs in rulesets]
    for rule_id in rule_ids:
        versions = [[r for r in rs.rules if r.id == rule_id] for rs in rulesets]
        counts = [len(routes(rs, rule_id, used_by=index)) for rs, index in zip(rulesets, indexes, strict=True)]
        mine = [
            Aim(version, rule_id, route, pin, day, seed)
            for seed in range(repeats)
            for pin, day in _tiers(versions)
            for version, found in enumerate(versions)
            if found
            for route in range(counts[version])
        ]
        per_rule.append(mine)
    out: list[Aim] = []
    for round_ in range(max((len(m) for m in per_rule), default=0)):
        out.extend(m[round_] for m in per_rule if round_ < len(m))
    return out


class Generator:
    """Directed and random cases for some rulesets, each case a pure function of its number and a seed."""

    def __init__(self, rulesets: list[Ruleset], targets: Iterable[str], seed: int = 0) -> None:
        self.rulesets = rulesets
        self.seed = seed
        self.aims = aims(rulesets, sorted(set(targets)))
        self._users = [users(rs) for rs in rulesets]
        self.instruments = sorted({i.id for rs in rulesets for i in rs.instruments})
        self._routes: dict[tuple[int, str], list[tuple[str, dict[str, str]]]] = {}
        self._pool = sorted({r.id for rs in rulesets for r in rs.rules})
        self._days = sorted(set(hints(rulesets).peildata) | {REFERENCE_DAY})
        self._versions: list[dict[str, list[Rule]]] = []
        for ruleset in rulesets:
            by_id: dict[str, list[Rule]] = {}
            for rule in ruleset.rules:
                by_id.setdefault(rule.id, []).append(rule)
            self._versions.append(by_id)
        self._edges: dict[tuple[int, str], tuple[list[dt.date], list[tuple[Key, Any]]]] = {}

    def _rule(self, version: int, rule_id: str, day: dt.date) -> Rule | None:
        return next((r for r in self._versions[version].get(rule_id, []) if r.in_force(day)), None)

    def _boundaries(self, version: int, rule_id: str) -> tuple[list[dt.date], list[tuple[Key, Any]]]:
        key = (version, rule_id)
        if key not in self._edges:
            rules = self._versions[version][rule_id]
            self._edges[key] = (peildata(rules), pins(rules))
        return self._edges[key]

    def routes(self, version: int, rule_id: str) -> list[tuple[str, dict[str, str]]]:
        key = (version, rule_id)
        if key not in self._routes:
            self._routes[key] = routes(self.rulesets[version], rule_id, used_by=self._users[version])
        return self._routes[key]

    def directed(self, aim: Aim, zaak_id: str) -> Case | None:
        """The case for one aim, or None when its route cannot be satisfied on that day."""
        rng = random.Random(f"{self.seed}:{aim}")
        ruleset = self.rulesets[aim.version]
        top_id, prefer = self.routes(aim.version, aim.rule_id)[aim.route]
        target, top = self._rule(aim.version, aim.rule_id, aim.peildatum), self._rule(aim.version, top_id, aim.peildatum)
        draft = Draft(ruleset, aim.peildatum, rng, prefer)
        if aim.pin is not None:
            draft.pins = {aim.pin[0]: aim.pin[1]}
        try:
            if target is not None:
                # The target's own condition with the pin; what it derives is then taken as done on the way up.
                draft.pinning = True
                draft.solve(target.when, True)
                draft.pinning = False
                draft.done.update(target.derives)
            if top is not None and top is not target:
                draft.solve(top.when, True)
        except _Fail:
            if aim.pin is None and target is not None:
                return None
            # A pin on the far side of a boundary, or a rule not in force on this day: the case is still wanted.
        return draft.case(zaak_id, self.instruments)

    def random(self, number: int, zaak_id: str) -> Case | None:
        """A random case: some rule of either version reached with random choices, a random boundary and peildatum."""
        rng = random.Random(f"{self.seed}:willekeurig:{number}")
        rule_id = rng.choice(self._pool)
        version = rng.choice([v for v, by_id in enumerate(self._versions) if rule_id in by_id])
        days, boundary = self._boundaries(version, rule_id)
        day = rng.choice(days) if rng.random() < 0.6 else rng.choice(self._days) + dt.timedelta(days=rng.choice((-1, 0, 0)))
        pin = rng.choice(boundary) if boundary and rng.random() < 0.7 else None
        aim = Aim(version, rule_id, rng.randrange(len(self.routes(version, rule_id))), pin, day, number)
        return self.directed(aim, zaak_id)

    def case(self, number: int) -> tuple[str, Case | None]:
        """Case `number`: the directed ones first, then random ones. ("gericht" or "willekeurig", the case)."""
        if number < len(self.aims):
            return "gericht", self.directed(self.aims[number], f"gericht-{number}")
        return "willekeurig", self.random(number, f"willekeurig-{number}")


def vary(case: Case, rules: Iterable[Rule]) -> Iterator[Case]:
    """An example case moved to the boundaries of these rules: each field they test set to each boundary value.

    Example cases and scenarios are realistic and reach deep rules; moving one
    tested value across its boundary exercises a changed threshold or value
    right where the maintainer's own cases live.
    """
    peildatum = case.peildatum or REFERENCE_DAY
    data = case.model_dump(mode="python")
    for (scope, path), value in pins(rules):
        changed = _with(data, scope, path, _concrete(value, peildatum))
        if changed is None:
            continue
        try:
            yield Case.model_validate(changed)
        except ValidationError:
            continue


def _with(data: dict[str, Any], scope: str, path: str, value: Any) -> dict[str, Any] | None:
    """A copy of the case data with the field set (in every item of the list); None if nothing would change."""
    copy = dict(data) if scope == ZAAK else {**data, scope: [dict(item) for item in data.get(scope, [])]}
    places = [copy] if scope == ZAAK else copy[scope]
    touched = False
    for place in places:
        *parents, last = path.split(".")
        target = place
        for part in parents:
            inner = target.get(part)
            target[part] = dict(inner) if isinstance(inner, dict) else {}
            target = target[part]
        if target.get(last, UNKNOWN) != value:
            target[last] = value
            touched = True
    return copy if touched else None


__all__ = ["Aim", "Draft", "Generator", "MonthsBack", "aims", "boundaries", "holds", "leaves", "peildata", "pins", "routes", "vary"]
