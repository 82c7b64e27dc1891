"""The metamorphic invariant: a fact the case does not state, and that decides, is named as such.

For a case, every unknown fact (a field that is ``None``) is filled in with
each of its values in turn: every value of an enumeration or a yes/no field,
and for numbers and dates the values just around what the rules compare them
with. Whenever filling in one fact changes the recommendation, the decision on
the original case must list that fact among the missing facts that can change
the recommendation (``ontbrekende_feiten`` with ``kan_aanbeveling_veranderen``).

That is the guarantee a lawyer needs from a tool that may advise closing a
home: it never decides on a fact the case does not state, and it never calls
a deciding fact irrelevant. A rule that reads an unknown as its most likely
value (an unknown place as "in the home") breaks it; so does an exception that
silently blocks a power while its facts are unknown.

Filling a date *after* the peildatum is not a filling in: a fact in the case
file is known on the peildatum, and a later date sets the fact aside
(see `facts.case_facts`), which is a different question.
"""

from __future__ import annotations

import datetime as dt
import typing
from collections.abc import Iterator
from enum import Enum
from typing import Any

from pydantic import BaseModel, ValidationError

from ..case.model import Case
from ..case.names import unwrap_optional
from ..decision.model import Decision
from ..engine.gate import provision_floors
from ..evaluation import Engine
from .strategies import Hints, _add_months, hints

# Facts that are not facts of the case: who and when it is about, free text and personal data, references.
# The information items are facts like any other (source, basis, recipient, purpose, date of provision:
# instrumenten.md §H); only the references to them (`informatie` on a fact, a list of ids) are not.
SKIPPED = frozenset({"zaak_id", "peildatum", "gemeente", "adres", "omschrijving", "id", "naam", "betrokkene", "betrokkenen"})


def _values(kind: Any, name: str, peildatum: dt.date, h: Hints) -> list[Any]:
    """The values worth trying for one unknown field: all of a finite domain, the boundaries of an infinite one."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        return [member.value for member in kind]
    if kind is bool:
        return [True, False]
    if kind in (int, float):
        found: set[float] = {0.0}
        for threshold in h.numbers.get(name, ()):
            found.update(threshold + step for step in ((-1, 0, 1) if kind is int else (-0.01, 0, 0.01)))
        if kind is int:
            return sorted({int(v) for v in found if v >= 0 and float(v).is_integer()})
        return sorted({round(v, 4) for v in found if v >= 0})
    if kind is dt.date:
        # Item dates are tested in months before the peildatum: the day a threshold is crossed, and the day before.
        days = {peildatum}
        for months in h.months:
            edge = _add_months(peildatum, -months)
            days.update(edge + dt.timedelta(days=d) for d in (-1, 0))
        # The days the law changes (a basis for information, a rule, a parameter): the day before and the day itself.
        for change in h.peildata:
            days.update(change + dt.timedelta(days=d) for d in (-1, 0))
        return sorted(day for day in days if day <= peildatum)
    if kind is str:
        return [v for v in h.values.get(name, ()) if isinstance(v, str)]
    return []


def _unknowns(model_cls: type[BaseModel], data: dict[str, Any], prefix: str) -> Iterator[tuple[str, str, Any, list[str]]]:
    """(path, field name, type, keys into `data`) of every unknown fact, nested models included."""
    for name, info in model_cls.model_fields.items():
        if name in SKIPPED:
            continue
        kind = unwrap_optional(info.annotation)
        value = data.get(name)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            nested = value if isinstance(value, dict) else {}
            for path, field, sub_kind, keys in _unknowns(kind, nested, f"{prefix}{name}."):
                yield path, field, sub_kind, [name, *keys]
        elif typing.get_origin(kind) is list:
            (item_kind,) = typing.get_args(kind)
            if isinstance(item_kind, type) and issubclass(item_kind, BaseModel) and isinstance(value, list):
                for index, item in enumerate(value):
                    for path, field, sub_kind, keys in _unknowns(item_kind, item, f"{prefix}{name}[{index}]."):
                        yield path, field, sub_kind, [name, str(index), *keys]
        elif value is None:
            yield f"{prefix}{name}", name, kind, [name]


def _set(data: dict[str, Any], keys: list[str], value: Any) -> dict[str, Any]:
    """A copy of `data` with the value at `keys` set (creating a nested model's dict where it was unknown)."""
    head, rest = keys[0], keys[1:]
    out = dict(data)
    if not rest:
        out[head] = value
    elif rest and rest[0].isdigit():
        items = list(out[head])
        items[int(rest[0])] = _set(items[int(rest[0])], rest[1:], value)
        out[head] = items
    else:
        out[head] = _set(out.get(head) or {}, rest, value)
    return out


def fillings(engine: Engine, case: Case, h: Hints | None = None) -> Iterator[tuple[str, Any, Case]]:
    """Every unknown fact of the case filled in with each value worth trying: (path, value, the filled case)."""
    h = h if h is not None else hints(engine.ruleset)
    peildatum = case.peildatum or dt.date.today()
    data = case.model_dump(mode="python", exclude_none=False)
    # Information is not provided before the facts it reports (the policy's `verstrekt_na`): an earlier date of
    # provision contradicts the file, as a date after the peildatum does, and is no filling in.
    floors = provision_floors(case, engine.ruleset.information, peildatum)
    earliest = {f"informatie[{i}].datum": floors[item.id] for i, item in enumerate(case.informatie) if item.id in floors}
    for path, field, kind, keys in _unknowns(Case, data, ""):
        for value in _values(kind, field, peildatum, h):
            if path in earliest and value < earliest[path]:
                continue
            try:
                filled = Case.model_validate(_set(data, keys, value))
            except ValidationError:
                continue  # a value the model does not allow in this combination is not a filling in
            yield path, value, filled


def deciding_named(decision: Decision) -> set[str]:
    """The facts the decision says could change its recommendation."""
    return {m.feit for m in decision.ontbrekende_feiten if m.kan_aanbeveling_veranderen}


def check_unknowns_named(engine: Engine, case: Case, decision: Decision | None = None, h: Hints | None = None) -> list[str]:
    """Filling in one unknown fact changes the recommendation only if the decision named that fact as deciding."""
    decision = decision if decision is not None else engine.evaluate(case)
    before = sorted(decision.aanbevolen)
    named = deciding_named(decision)
    problems: list[str] = []
    reported: set[str] = set()
    for path, value, filled in fillings(engine, case, h):
        if path in named or path in reported:
            continue
        after = sorted(engine.evaluate(filled).aanbevolen)
        if after != before:
            reported.add(path)
            problems.append(
                f"{path} = {value!r} verandert de aanbeveling ({', '.join(before) or 'geen'} -> {', '.join(after) or 'geen'}), "
                f"maar het besluit noemt {path} niet als ontbrekend feit dat de aanbeveling kan veranderen"
            )
    return problems


__all__ = ["check_unknowns_named", "deciding_named", "fillings"]
