"""Hypothesis strategies that generate valid cases from the case model.

The strategies are derived from the pydantic model by introspection (enums,
optional facts, numeric bounds, nested models, lists), so a field added to the
case model is generated without touching this module; a field of a type it
does not know is an error, not a silent gap. Only what the model cannot say is
written down here:

* the references from activities and permits to `informatie` items must
  resolve, and the ids must be unique;
* the peildatum is always set (otherwise the law of *today* applies and a test
  run would depend on the calendar);
* values land on both sides of what the rules test: peildata near every
  fixed date test of a ruleset and every day its law or policy changes (the
  `geldig_van`/`geldig_tot` of rules, parameter versions, bases for
  information, authorities and citations), item dates near every month
  threshold before the peildatum, numbers near every comparison value, and
  the values the rules compare a field with come up half of the time. Without
  a ruleset no day is favoured: the legal dates are the ruleset's, not ours.

Minimal examples are small: optional facts shrink to unknown (None), lists to
empty, numbers to zero. The strategy objects are built once per `cases()`
call; dates relative to the peildatum and references to information items are
drawn as placeholders and resolved per case, which keeps generation fast.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Union

import annotated_types
from hypothesis import reject
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..case.model import Case
from ..language import conditions as cond
from ..language.ruleset import Dated, Rule, Ruleset

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2035, 12, 31)
MAX_TEXT = 8
TEXT_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_ ëé"


@dataclass(frozen=True)
class Hints:
    """What a ruleset tests, so that generated values fall on both sides of it."""

    peildata: tuple[dt.date, ...] = ()
    months: tuple[int, ...] = (0, 1, 12)
    numbers: dict[str, tuple[float, ...]] = field(default_factory=dict)
    values: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    # Information that the policy lets carry a decision: (source, basis, the fields its conditions ask, with a
    # value that meets them). Half the generated information items are drawn from these, so that generated
    # cases reach decisions and not only undecided instruments (an unknown source or basis is undecided).
    information: tuple[tuple[str, str, tuple[tuple[str, Any], ...]], ...] = ()


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)


def hints(rulesets: Ruleset | Iterable[Ruleset] | None = None, focus: Iterable[Rule] | None = None) -> Hints:
    """Collect boundaries from the rules: validity dates, date tests, month thresholds, values and numbers compared.

    With `focus`, the values that come up half of the time are those *these*
    rules compare with (e.g. the rules a change touched, for `rules diff`);
    boundaries still come from all rules.
    """
    if rulesets is None:
        rulesets = ()
    elif isinstance(rulesets, Ruleset):
        rulesets = (rulesets,)
    days: set[dt.date] = set()
    months: set[int] = {0, 1, 12}
    numbers: dict[str, set[float]] = {}
    values: dict[str, set[Any]] = {}
    information: set[tuple[str, str, tuple[tuple[str, Any], ...]]] = set()
    for ruleset in rulesets:
        values.setdefault("instrument", set()).update(inst.id for inst in ruleset.instruments)
        days |= _changes(ruleset)
        information |= _fitting_information(ruleset)
        for rule in ruleset.rules:
            _rule_hints(rule, days, months, numbers, values)
    focused: dict[str, set[Any]] = {}
    for rule in focus or ():
        _rule_hints(rule, days, months, numbers, focused)
    if focused:
        values = focused
    return Hints(
        peildata=tuple(sorted(days)),
        months=tuple(sorted(months)),
        numbers={k: tuple(sorted(v)) for k, v in sorted(numbers.items())},
        values={k: tuple(sorted(v, key=repr)) for k, v in sorted(values.items())},
        information=tuple(sorted(information, key=repr)),
    )


def _fitting_information(ruleset: Ruleset) -> set[tuple[str, str, tuple[tuple[str, Any], ...]]]:
    """Each basis of the policy with each source it fits, and values meeting its conditions (read from the policy)."""
    out = set()
    for name, basis in ruleset.information.grondslagen.items():
        conditions = basis.voorwaarden
        fields: list[tuple[str, Any]] = []
        if conditions.doel is not None and conditions.doel.waarden:
            fields.append(("doel", conditions.doel.waarden[0]))
        if conditions.besluit_verstrekker is not None:
            fields.append(("besluit_verstrekker", True))
        for source in basis.bronnen or ():
            out.add((source, name, tuple(fields)))
    return out


def _changes(ruleset: Ruleset) -> set[dt.date]:
    """The days on which the ruleset's law or policy changes, besides its rules' own validity.

    Parameter versions, bases for information, competent authorities and the
    citations of the catalogue each carry `geldig_van`/`geldig_tot`: a case on
    either side of such a day is judged differently, so both sides are worth
    generating. As for rules, a `geldig_tot` contributes the first day it no
    longer holds.
    """
    periods: list[tuple[dt.date | None, dt.date | None]] = []
    for value in ruleset.parameters.values():
        if isinstance(value, Dated):
            periods += [(van, tot) for van, tot, _ in value.periods]
    for basis in ruleset.information.grondslagen.values():
        periods.append((basis.geldig_van, basis.geldig_tot))
        periods += [(c.geldig_van, c.geldig_tot) for c in basis.grondslag]
    periods += [(c.geldig_van, c.geldig_tot) for c in ruleset.information.grondslag]
    for inst in ruleset.instruments:
        if not isinstance(inst.bevoegd, str):
            periods += [(a.geldig_van, a.geldig_tot) for a in inst.bevoegd]
        periods += [(c.geldig_van, c.geldig_tot) for c in inst.grondslag]
    days = {van for van, _ in periods if van is not None}
    return days | {tot + dt.timedelta(days=1) for _, tot in periods if tot is not None}


def _rule_hints(rule: Rule, days: set[dt.date], months: set[int], numbers: dict[str, set[float]], values: dict[str, set[Any]]) -> None:
    if rule.geldig_van:
        days.add(rule.geldig_van)
    if rule.geldig_tot:
        days.add(rule.geldig_tot + dt.timedelta(days=1))  # the first day it no longer holds
    for node in cond.walk(rule.when):
        if not isinstance(node, cond.Leaf):
            continue
        name = node.field.rsplit(".", 1)[-1]
        if node.op in ("on_or_after", "before"):
            days.add(node.value)
        elif node.op in ("within_months", "older_than_months"):
            months.add(int(node.value))
        elif node.op in ("gt", "gte", "lt", "lte"):
            numbers.setdefault(name, set()).add(float(node.value))
        elif node.op in ("equals", "not_equals", "in", "not_in"):
            tested = node.value if isinstance(node.value, tuple) else (node.value,)
            values.setdefault(name, set()).update(tested)


# -- placeholders, resolved once the peildatum and the information items of a case are known -------


@dataclass(frozen=True)
class _Relative:
    """A date `months` calendar months (and `days` days) before the peildatum."""

    months: int
    days: int


@dataclass(frozen=True)
class _Refs:
    """Indexes into the case's information items (or persons); `minimum` is how many the model requires."""

    indexes: tuple[int, ...]
    minimum: int
    target: str = "informatie"
    single: bool = False  # one id (a person reference), not a list


_DROP = object()


def _resolve(value: Any, peildatum: dt.date, ids: tuple[str, ...], people: tuple[str, ...] = ()) -> Any:
    if isinstance(value, _Relative):
        return _add_months(peildatum, -value.months) + dt.timedelta(days=value.days)
    if isinstance(value, _Refs):
        pool = people if value.target == "betrokkenen" else ids
        refs = list(dict.fromkeys(pool[i % len(pool)] for i in value.indexes)) if pool else []
        if value.single:
            return refs[0] if refs else (_DROP if value.minimum else None)
        return _DROP if len(refs) < value.minimum else refs
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            resolved = _resolve(item, peildatum, ids, people)
            if resolved is _DROP:
                return _DROP  # an item whose required references cannot resolve does not exist
            out[key] = resolved
        return out
    if isinstance(value, list):
        return [r for r in (_resolve(item, peildatum, ids, people) for item in value) if r is not _DROP]
    return value


# -- strategies per field, from the model ----------------------------------------------------------


@dataclass(frozen=True)
class _Plan:
    hints: Hints
    max_items: int
    # Lists that are never empty in generated cases: facts rest on information, and a case without
    # any reaches few rules. (A list without items is still tested: its items can all be irrelevant.)
    min_items: dict[str, int] = field(default_factory=lambda: {"informatie": 1})


def _near(days: tuple[dt.date, ...]) -> list[dt.date]:
    """A boundary is the first day something holds (or no longer holds): that day and the day before."""
    return sorted({day + dt.timedelta(days=d) for day in days for d in (-1, 0)})


def _peildata(h: Hints) -> st.SearchStrategy[dt.date]:
    near = _near(h.peildata)
    anywhere = st.dates(min_value=EARLIEST, max_value=LATEST)
    return st.one_of(st.sampled_from(near), anywhere) if near else anywhere


def peildata(rulesets: Ruleset | Iterable[Ruleset] | None = None) -> st.SearchStrategy[dt.date]:
    """Peildata: half of them on either side of a boundary of the rulesets, half anywhere (all anywhere without one)."""
    return _peildata(hints(rulesets))


def _item_dates(plan: _Plan) -> st.SearchStrategy[Any]:
    """Dates of facts and measures: around every month threshold before the peildatum, and around fixed boundaries."""
    back = sorted({m + step for m in plan.hints.months for step in (-1, 0, 1)} | {-1})
    relative = st.builds(_Relative, st.sampled_from(back), st.sampled_from((0, -1, 1)))
    near = _near(plan.hints.peildata)
    anywhere = st.dates(min_value=EARLIEST, max_value=LATEST)
    return st.one_of(relative, st.sampled_from(near), anywhere) if near else st.one_of(relative, anywhere)


def _bounds(info: FieldInfo) -> tuple[float | None, float | None, int | None, int | None]:
    low = high = None
    min_len = max_len = None
    for meta in info.metadata:
        if isinstance(meta, annotated_types.Ge):
            low = meta.ge  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Gt):
            low = meta.gt  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Le):
            high = meta.le  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.Lt):
            high = meta.lt  # type: ignore[assignment]
        elif isinstance(meta, annotated_types.MinLen):
            min_len = meta.min_length
        elif isinstance(meta, annotated_types.MaxLen):
            max_len = meta.max_length
    return low, high, min_len, max_len  # type: ignore[return-value]


def _with_tested(tested: list[Any], every: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Values the rules test come up half of the time, so deep rule chains are reached; any value stays possible."""
    return st.one_of(st.sampled_from(tested), every) if tested else every


def _numbers(kind: type, name: str, info: FieldInfo, plan: _Plan) -> st.SearchStrategy[Any]:
    low, high, _, _ = _bounds(info)
    lo = 0 if low is None else low
    hi = (lo + 1000) if high is None else high
    near: set[float] = set()
    for t in plan.hints.numbers.get(name, ()):
        steps = (-1, 0, 1) if kind is int else (-0.01, 0, 0.01)
        near.update(t + s for s in steps)
        near.add(t * 2 + 1)
    if kind is int:
        candidates: list[Any] = sorted({int(v) for v in near if float(v).is_integer() and lo <= v <= hi})
        general: st.SearchStrategy[Any] = st.integers(min_value=int(lo), max_value=int(hi))
    else:
        candidates = sorted({round(v, 4) for v in near if lo <= v <= hi})
        general = st.floats(min_value=float(lo), max_value=float(hi), allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return _with_tested(candidates, general)


def _text(name: str, info: FieldInfo, plan: _Plan) -> st.SearchStrategy[str]:
    _, _, min_len, max_len = _bounds(info)
    size = max(min(max_len or MAX_TEXT, MAX_TEXT), min_len or 0)
    general = st.text(alphabet=TEXT_ALPHABET, min_size=min_len or 0, max_size=size)
    tested = [v for v in plan.hints.values.get(name, ()) if isinstance(v, str) and len(v) <= (max_len or len(v))]
    return _with_tested(tested, general)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The real type of a field and whether it may be None (unknown)."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _references(info: FieldInfo, plan: _Plan) -> st.SearchStrategy[_Refs]:
    _, _, min_len, max_len = _bounds(info)
    need = min_len or 0
    # Not unique=True: rejection sampling would stop the shrinker from deleting list items; _resolve dedupes.
    indexes = st.lists(st.integers(0, max(plan.max_items - 1, 0)), min_size=need, max_size=max(need, min(max_len or 3, 3)))
    return indexes.map(lambda found: _Refs(tuple(found), need))


def _people(info: FieldInfo, plan: _Plan) -> st.SearchStrategy[_Refs]:
    indexes = st.lists(st.integers(0, max(plan.max_items - 1, 0)), max_size=2)
    return indexes.map(lambda found: _Refs(tuple(found), 0, "betrokkenen"))


def _person(required: bool) -> Callable[[FieldInfo, _Plan], st.SearchStrategy[Any]]:
    def strategy(info: FieldInfo, plan: _Plan) -> st.SearchStrategy[Any]:
        one = st.integers(0, max(plan.max_items - 1, 0)).map(lambda i: _Refs((i,), 1 if required else 0, "betrokkenen", single=True))
        return one if required else st.one_of(st.none(), one)

    return strategy


def _quantity(info: FieldInfo, plan: _Plan) -> st.SearchStrategy[Any]:
    """A quantity: a measured unit always has a value, a classification never does (the model's own rule)."""
    from ..case.model import MEASURED, Eenheid, Hoeveelheid

    number = _numbers(float, "waarde", Hoeveelheid.model_fields["waarde"], plan)
    unit = _type_strategy(Eenheid, "eenheid", Hoeveelheid.model_fields["eenheid"], plan)
    quantity = unit.flatmap(lambda u: number.map(lambda v: {"eenheid": u, "waarde": v}) if u in MEASURED else st.just({"eenheid": u}))
    return st.one_of(st.none(), quantity)


# Fields whose values the model cannot describe: (model, field) -> strategy.
OVERRIDES: dict[tuple[str, str], Callable[[FieldInfo, _Plan], st.SearchStrategy[Any]]] = {
    ("Case", "peildatum"): lambda info, plan: st.none(),  # drawn first, set after resolving
    ("Case", "zaak_id"): lambda info, plan: st.just("gegenereerd"),
    ("Case", "schema_versie"): lambda info, plan: st.just("2"),
    ("Informatie", "id"): lambda info, plan: st.just("i0"),  # numbered after drawing, so ids are unique
    ("Betrokkene", "id"): lambda info, plan: st.just("p0"),  # numbered after drawing
    ("Betrokkene", "naam"): lambda info, plan: st.none(),  # personal data: the kit never makes any
    ("Activiteit", "hoeveelheid"): _quantity,
    ("Activiteit", "informatie"): _references,
    ("Vergunning", "informatie"): _references,
    ("Antecedent", "informatie"): _references,
    ("Activiteit", "betrokkenen"): _people,
    ("Informatie", "betrokkenen"): _people,
    ("Antecedent", "betrokkene"): _person(required=True),
    ("Vergunning", "betrokkene"): _person(required=False),
    ("Maatregel", "betrokkene"): _person(required=False),
}


def _strategy(owner: type[BaseModel], name: str, info: FieldInfo, plan: _Plan) -> st.SearchStrategy[Any]:
    override = OVERRIDES.get((owner.__name__, name))
    if override is not None:
        return override(info, plan)
    kind, optional = _unwrap(info.annotation)
    inner = _type_strategy(kind, name, info, plan)
    return st.one_of(st.none(), inner) if optional else inner


def _type_strategy(kind: Any, name: str, info: FieldInfo, plan: _Plan) -> st.SearchStrategy[Any]:
    if isinstance(kind, type) and issubclass(kind, Enum):
        values = [member.value for member in kind]
        return _with_tested([v for v in plan.hints.values.get(name, ()) if v in values], st.sampled_from(values))
    if kind is bool:
        return _with_tested([v for v in plan.hints.values.get(name, ()) if isinstance(v, bool)], st.booleans())
    if kind in (int, float):
        return _numbers(kind, name, info, plan)
    if kind is str:
        return _text(name, info, plan)
    if kind is dt.date:
        return _item_dates(plan)
    if typing.get_origin(kind) is typing.Literal:
        return st.sampled_from(typing.get_args(kind))
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return model_dicts(kind, plan)
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        _, _, min_len, max_len = _bounds(info)
        items = _type_strategy(item, name, FieldInfo(annotation=item), plan)
        size = min(max_len or plan.max_items, plan.max_items)
        return st.lists(items, min_size=min(max(min_len or 0, plan.min_items.get(name, 0)), size), max_size=size)
    raise TypeError(f"de testkit kan geen waarden maken voor veld '{name}' van type {kind!r}; voeg een override toe")


def model_dicts(model_cls: type[BaseModel], plan: _Plan) -> st.SearchStrategy[dict[str, Any]]:
    """A dict of field values (with placeholders) for `model_cls`, field by field from the model.

    Information items are half the time drawn whole from what the policy lets fit (`Hints.information`):
    field by field, source and basis rarely fit each other.
    """
    drawn = st.fixed_dictionaries({name: _strategy(model_cls, name, info, plan) for name, info in model_cls.model_fields.items()})
    if model_cls.__name__ != "Informatie" or not plan.hints.information:
        return drawn
    # Provided recently (on the peildatum or a month before), so a basis in force now was in force then.
    recent = st.builds(_Relative, st.sampled_from((0, 1)), st.just(0))
    fitting = st.tuples(drawn, st.sampled_from(plan.hints.information), recent).map(
        lambda drawn_: {**drawn_[0], "bron": drawn_[1][0], "grondslag": drawn_[1][1], **dict(drawn_[1][2]), "datum": drawn_[2]}
    )
    return st.one_of(drawn, fitting)


def _build(day: dt.date, body: dict[str, Any]) -> Case:
    ids = tuple(f"i{index}" for index in range(len(body["informatie"])))
    people = tuple(f"p{index}" for index in range(len(body["betrokkenen"])))
    data = _resolve(body, day, ids, people)
    for item, info_id in zip(data["informatie"], ids):
        item["id"] = info_id
    for item, person_id in zip(data["betrokkenen"], people):
        item["id"] = person_id
    data["peildatum"] = day
    try:
        return Case.model_validate(data)
    except ValidationError:
        # Fields drawn one by one can contradict a rule that ties them (verstoord false, verstoring ernstig).
        reject()


def cases(
    rulesets: Ruleset | Iterable[Ruleset] | None = None, *, max_items: int = 3, focus: Iterable[Rule] | None = None
) -> st.SearchStrategy[Case]:
    """A strategy of valid `Case` objects, with values near what the given ruleset(s) test.

    Pass the ruleset(s) under test so peildata near their `geldig_van`/`geldig_tot`
    and date tests, numbers near their thresholds, and the values their
    conditions compare with are likely. `max_items` bounds each list
    (activiteiten, informatie, …): small cases shrink well and evaluate fast.
    `focus` favours the values some rules test (see `hints`).
    """
    plan = _Plan(hints(rulesets, focus), max_items)
    return st.builds(_build, _peildata(plan.hints), model_dicts(Case, plan))


def models(
    model_cls: type[BaseModel], rulesets: Ruleset | Iterable[Ruleset] | None = None, *, peildatum: dt.date | None = None, max_items: int = 3
) -> st.SearchStrategy[BaseModel]:
    """Valid instances of any pydantic model, derived field by field like `cases()`.

    For a municipality that extends the case model, or a test of one part of it.
    Dates relative to a peildatum use `peildatum`: by default the rulesets'
    last boundary (their law as it stands now), or without a ruleset the end of
    the generated range (any day serves). References to information items
    resolve to the id "i0".
    """
    plan = _Plan(hints(rulesets), max_items)
    day = peildatum or max(plan.hints.peildata, default=LATEST)
    return model_dicts(model_cls, plan).map(lambda data: model_cls.model_validate(_resolve(data, day, ("i0",))))


__all__ = ["Hints", "cases", "hints", "model_dicts", "models", "peildata"]
