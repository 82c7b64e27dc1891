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
from dataclasses import dataclass
from typing import Any

from .conditions import LISTS
from .model import Case
from .ruleset import InformationPolicy

PROVENANCE = "_p"
TYPE = "_t"
USABLE = "_bruikbaar"


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


def _flatten(data: dict[str, Any], peildatum: dt.date, prefix: str = "") -> dict[str, Any]:
    """Drop unknown (None) values and add the derived date fields next to each date."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if value is None or isinstance(value, list):
            continue
        if isinstance(value, dict):
            nested = _flatten(value, peildatum)
            if nested:
                out[key] = nested
        elif isinstance(value, dt.date):
            out.update(date_fields(key, value, peildatum))
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case as the engine sees them, plus which information each rests on."""

    zaak: dict[str, Any]
    items: tuple[dict[str, Any], ...]
    peildatum: dt.date
    unusable: dict[str, tuple[str, ...]]  # provenance of a fact -> the information items that fail the AVG policy
    set_aside: tuple[tuple[str, str], ...] = ()  # (provenance, reason) of items that do not exist on the peildatum

    @property
    def all(self) -> list[dict[str, Any]]:
        return [self.zaak, *self.items]

    def by_provenance(self) -> dict[str, dict[str, Any]]:
        return {fact[PROVENANCE]: fact for fact in self.all}


def _after(item: dict[str, Any], peildatum: dt.date) -> bool:
    day = item.get("datum")
    return isinstance(day, dt.date) and day > peildatum


def case_facts(case: Case, peildatum: dt.date, policy: InformationPolicy) -> CaseFacts:
    """Flatten a case; set aside what is dated after the peildatum; apply the AVG policy to every fact that rests on information.

    A fact dated after the peildatum does not exist for a decision on that
    date, nor does information obtained after it; a fact that rests only on
    such information is set aside with it. (A fact without a date is in the
    case file, so it is known on the peildatum.)
    """
    dump = case.model_dump(mode="python")
    zaak = _flatten({k: v for k, v in dump.items() if k not in LISTS and k != "peildatum"}, peildatum)
    zaak.update(date_fields("peildatum", peildatum, peildatum))
    zaak[TYPE] = "zaak"
    zaak[PROVENANCE] = "zaak"
    lawful = set(policy.rechtmatige_grondslagen)
    insufficient = set(policy.onvoldoende_bronnen)
    info_ok = {i.id: (i.grondslag in lawful and i.bron not in insufficient) for i in case.informatie}
    later = {i.id for i in case.informatie if i.datum is not None and i.datum > peildatum}
    items: list[dict[str, Any]] = []
    unusable: dict[str, tuple[str, ...]] = {}
    set_aside: list[tuple[str, str]] = []
    for list_name, (_, fact_type) in LISTS.items():
        for index, item in enumerate(dump[list_name]):
            provenance = f"{list_name}[{index}]"
            refs = item.get("informatie") if list_name != "informatie" else None
            if _after(item, peildatum):
                set_aside.append((provenance, f"datum {item['datum'].isoformat()} ligt na de peildatum"))
                continue
            if refs and all(ref in later for ref in refs):
                set_aside.append((provenance, "berust alleen op informatie van na de peildatum"))
                continue
            fact = _flatten(item, peildatum)
            usable = True
            if refs:
                usable = any(info_ok[ref] and ref not in later for ref in refs)
                if not usable:
                    unusable[provenance] = tuple(refs)
            if list_name == "informatie":
                fact["info_id"] = fact.pop("id")
            fact[USABLE] = usable
            fact[TYPE] = fact_type
            fact[PROVENANCE] = provenance
            items.append(fact)
    return CaseFacts(zaak=zaak, items=tuple(items), peildatum=peildatum, unusable=unusable, set_aside=tuple(set_aside))
