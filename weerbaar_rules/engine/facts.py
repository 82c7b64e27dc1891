"""Turning a case into the flat facts the inference engine matches on.

The engine sees one `zaak` fact (the scalar facts of the case) and one fact per
list item. Unknown facts are left out, so a pattern that needs them cannot
match by accident. Dates become whole months and days before the peildatum, so
"within 36 months" is a plain comparison the engine can do. Each fact carries
a provenance key (`_p`) that names its place in the case file; explanations
point back to it.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from pydantic import BaseModel

from ..case.model import Case
from ..language import conditions as cond
from ..language.conditions import LISTS
from .gate import Verdict

PROVENANCE = "_p"
TYPE = "_t"
USABLE = "_bruikbaar"  # the information it rests on may carry a decision: established
POSSIBLY_USABLE = "_mogelijk_bruikbaar"  # no defect is established: usable, or not yet decided (gate.py)


def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole calendar months from `earlier` to `later` (negative when `earlier` is in the future)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return months


def date_fields(name: str, value: dt.date, peildatum: dt.date) -> dict[str, Any]:
    # The ISO text stays under the field's own name so presence tests ("is it known?") work on dates too.
    return {
        name: value.isoformat(),
        f"{name}__ord": value.toordinal(),
        f"{name}__maanden": months_between(value, peildatum),
    }


def _flatten(data: dict[str, Any], peildatum: dt.date, owner: type[BaseModel] | None = None) -> dict[str, Any]:
    """Drop unknown (None) values; add the derived date fields next to each date; spread a known list of values.

    A known list of enumeration values (roles, objects found) becomes one
    yes/no field per value (`rollen__eigenaar`), so "the list contains x" is a
    plain test, and an unknown list (None) stays absent, so it is unknown.
    """
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, list):
            members = _enum_members(owner, key)
            if members is not None:
                for member in members:
                    out[f"{key}__{member}"] = member in value
            continue
        if isinstance(value, dict):
            nested = _flatten(value, peildatum, _nested_model(owner, key))
            if nested:
                out[key] = nested
        elif isinstance(value, dt.date):
            out.update(date_fields(key, value, peildatum))
        else:
            out[key] = value
    return out


@functools.cache
def _enum_members(owner: type[BaseModel] | None, key: str) -> list[str] | None:
    kind = cond.field_type(owner, key) if owner is not None else None
    args = typing.get_args(kind) if typing.get_origin(kind) is list else ()
    if args and isinstance(args[0], type) and issubclass(args[0], Enum):
        return [member.value for member in args[0]]
    return None


@functools.cache
def _nested_model(owner: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    kind = cond.field_type(owner, key) if owner is not None else None
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case as the engine sees them, plus which information each rests on."""

    zaak: dict[str, Any]
    items: tuple[dict[str, Any], ...]
    peildatum: dt.date
    unusable: dict[str, tuple[str, ...]]  # provenance of a fact -> the information items that fail the AVG policy
    set_aside: tuple[tuple[str, str], ...] = ()  # (provenance, reason) of items that do not exist on the peildatum
    # Provenance of a fact whose information is not yet decided -> the unknown information fields that decide it
    # (`informatie[0].grondslag`): the fact is possible, not established.
    pending: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Provenance of a fact -> the defects of its information left open (title, fields): points to check.
    checks: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)

    @property
    def all(self) -> list[dict[str, Any]]:
        return [self.zaak, *self.items]

    def by_provenance(self) -> dict[str, dict[str, Any]]:
        return {fact[PROVENANCE]: fact for fact in self.all}


def _after(item: dict[str, Any], peildatum: dt.date) -> bool:
    day = item.get("datum")
    return isinstance(day, dt.date) and day > peildatum


@functools.cache
def _references(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of a list item that refer to a person (read once per model: the model does not change)."""
    return tuple(key for key in model.model_fields if cond.reference_of(model, key) is not None)


REFERENCE_KEY = "_ref__"  # fact key prefix: where a followed reference points (`_ref__betrokkene` -> "betrokkenen[2]")


def _carried(refs: list[str], verdicts: Mapping[str, Verdict], later: set[str], position: Mapping[str, int]) -> tuple[bool | None, tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    """Whether a fact resting on these items may carry a decision: any one usable item carries it.

    Undecided when no item is usable and one is undecided: the unknown fields of
    the undecided ones decide it. A usable fact leaves open the checks of its
    information only if every usable item has some (one without carries it).
    """
    judged = [(ref, verdicts[ref]) for ref in refs if ref not in later and ref in verdicts]
    usable = [(ref, v) for ref, v in judged if v.usable is True]
    if usable:
        if any(not v.checks for _, v in usable):
            return True, (), ()
        checks: list[tuple[str, tuple[str, ...]]] = []
        for ref, v in usable:
            for check in v.checks:
                # Numbered from 1, as people count: "informatie 1 is verstrekt aan …".
                entry = (f"informatie {position[ref] + 1} is {check.title}", tuple(f"informatie[{position[ref]}].{name}" for name in check.fields))
                if entry not in checks:
                    checks.append(entry)
        return True, (), tuple(checks)
    open_ = [(ref, v) for ref, v in judged if v.usable is None]
    if open_:
        fields: list[str] = []
        for ref, v in open_:
            fields.extend(path for path in (f"informatie[{position[ref]}].{name}" for name in v.missing) if path not in fields)
        return None, tuple(fields), ()
    return False, (), ()


def case_facts(case: Case, peildatum: dt.date, usable_info: Mapping[str, Verdict]) -> CaseFacts:
    """Flatten a case for one engine run; set aside what does not exist on the peildatum; mark what may carry a decision.

    A fact dated after the peildatum does not exist for a decision on that
    date, nor does information obtained after it; a fact that rests only on
    such information is set aside with it, and so is a negative finding (an
    activity recorded as not found). A fact without a date is in the case
    file, so it is known on the peildatum. `usable_info` gives per information
    id the gate's verdict in this run's context (gate.py): a fact resting on
    information that is not yet decided is possible, not established.
    A reference to a person is followed: the person's facts travel with the
    record, so one condition can test the record and the person it names.
    """
    dump = case.model_dump(mode="python")
    zaak = _flatten({k: v for k, v in dump.items() if k not in LISTS and k != "peildatum"}, peildatum, Case)
    zaak.update(date_fields("peildatum", peildatum, peildatum))
    zaak[TYPE] = "zaak"
    zaak[PROVENANCE] = "zaak"
    later = {i.id for i in case.informatie if i.datum is not None and i.datum > peildatum}
    people = {person["id"]: (f"betrokkenen[{index}]", _flatten(person, peildatum, LISTS["betrokkenen"][0])) for index, person in enumerate(dump["betrokkenen"])}
    items: list[dict[str, Any]] = []
    unusable: dict[str, tuple[str, ...]] = {}
    pending: dict[str, tuple[str, ...]] = {}
    checks: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
    position = {info.id: index for index, info in enumerate(case.informatie)}
    set_aside: list[tuple[str, str]] = []
    for list_name, (item_model, fact_type) in LISTS.items():
        for index, item in enumerate(dump[list_name]):
            provenance = f"{list_name}[{index}]"
            refs = item.get("informatie") if list_name != "informatie" else None
            if _after(item, peildatum):
                set_aside.append((provenance, f"datum {item['datum'].isoformat()} ligt na de peildatum"))
                continue
            if refs and all(ref in later for ref in refs):
                set_aside.append((provenance, "berust alleen op informatie van na de peildatum"))
                continue
            if item.get("aangetroffen") is False:
                set_aside.append((provenance, "negatieve bevinding: bij onderzoek niet aangetroffen"))
                continue
            fact = _flatten(item, peildatum, item_model)
            for key in _references(item_model):
                if isinstance(item.get(key), str) and item[key] in people:
                    where, person = people[item[key]]
                    fact[key] = person
                    fact[REFERENCE_KEY + key] = where
            usable: bool | None = True
            if refs:
                usable, open_fields, open_checks = _carried(refs, usable_info, later, position)
                if usable is False:
                    unusable[provenance] = tuple(refs)
                elif usable is None:
                    pending[provenance] = open_fields
                elif open_checks:
                    checks[provenance] = open_checks
            if "id" in fact:
                fact["item_id"] = fact.pop("id")  # durable_rules reserves `id`
            fact[USABLE] = usable is True
            fact[POSSIBLY_USABLE] = usable is not False
            fact[TYPE] = fact_type
            fact[PROVENANCE] = provenance
            items.append(fact)
    return CaseFacts(
        zaak=zaak, items=tuple(items), peildatum=peildatum, unusable=unusable, set_aside=tuple(set_aside), pending=pending, checks=checks
    )
