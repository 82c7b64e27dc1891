"""Case file version 1 to version 2.

Version 2 describes one quantity per activity (`hoeveelheid: {eenheid, waarde}`)
instead of four loose fields, so a condition about a quantity is about one
record; it adds persons (`betrokkenen`), antecedents and honest unknowns. A
version 1 file still loads: `Case` converts it and warns (`CaseFormatWarning`),
and `rules migrate` writes the converted file so the warning goes away.
"""

from __future__ import annotations

import copy
from typing import Any

# Version 1 measurement fields and the unit they become.
V1_MEASUREMENTS = (("gewicht_gram", "gram"), ("aantal_eenheden", "stuks"), ("volume_ml", "ml"), ("aantal_planten", "planten"))


class CaseFormatWarning(UserWarning):
    """A case file in an older format was read and converted; `rules migrate` converts the file itself."""


def _activity(act: dict[str, Any], where: str, notes: list[str]) -> list[dict[str, Any]]:
    """One version 1 activity as one or more version 2 activities (one per quantity)."""
    if not isinstance(act, dict):
        return [act]
    act = dict(act)
    measured = [(unit, act.pop(field)) for field, unit in V1_MEASUREMENTS if act.get(field) is not None]
    for field, _ in V1_MEASUREMENTS:
        act.pop(field, None)
    classification = act.get("hoeveelheid")
    if isinstance(classification, dict):
        return [act]  # already version 2
    if isinstance(classification, str):
        act["hoeveelheid"] = {"eenheid": classification}
        if measured:
            notes.append(f"{where}: de gemeten hoeveelheid vervalt naast het oordeel '{classification}' (versie 1 gebruikte dan alleen het oordeel)")
        return [act]
    act.pop("hoeveelheid", None)
    if not measured:
        return [act]
    out = []
    for position, (unit, value) in enumerate(measured):
        copy_ = dict(act)
        copy_["hoeveelheid"] = {"eenheid": unit, "waarde": value}
        out.append(copy_)
        if position:
            notes.append(f"{where}: de hoeveelheid in {unit} is een eigen activiteit geworden (één hoeveelheid per activiteit)")
    return out


def from_v1(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A version 1 case as version 2, with notes on what changed beyond renaming (split activities, dropped values)."""
    out = copy.deepcopy(data)
    notes: list[str] = []
    acts = out.get("activiteiten")
    if isinstance(acts, list):
        converted: list[Any] = []
        for index, act in enumerate(acts):
            converted.extend(_activity(act, f"activiteiten[{index}]", notes))
        out["activiteiten"] = converted
    out["schema_versie"] = "2"
    return out, notes


def is_v1(data: Any) -> bool:
    return isinstance(data, dict) and "schema_versie" not in data


__all__ = ["CaseFormatWarning", "from_v1", "is_v1"]
