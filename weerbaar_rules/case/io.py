"""Reading case files: JSON or YAML, one case per file, or one per line of a JSON-lines file.

`load_case` is the library's way to read a case the way `rules evaluate` does:
every problem is a `CaseError` whose message names the file, the line and the
field, says what is allowed, and never repeats the value that was given (it
may be a name, an address or a BSN typed into the wrong field).
"""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import CaseError, merge_typos, validation_message
from ..core.safetext import masked, one_line
from ..core.yamlio import Located, display_name, load, parse_json, place
from .model import Case
from .published import case_model_schema

_QUOTED = re.compile(r"'([^']*)'")


def _message(error: Any) -> str:
    message = validation_message(error)
    if error["type"] in ("value_error", "assertion_error"):
        # our own checks quote what they found (e.g. an unknown information id): keep at most a masked prefix
        message = _QUOTED.sub(lambda m: masked(m.group(1)), message)
    return one_line(message)


def _schema() -> dict[str, Any]:
    return case_model_schema()


@functools.cache
def field_names() -> frozenset[str]:
    """Every field name of the case model: the only keys an error message may repeat (any other is the writer's word)."""
    schema = _schema()
    names: set[str] = set(schema.get("properties", {}))
    for definition in schema.get("$defs", {}).values():
        names.update(definition.get("properties", {}))
    return frozenset(names)


def _ordinal(data: Any, loc: tuple[Any, ...]) -> int | None:
    """The 1-based position of the key at `loc` among the keys of its object in `data`."""
    node = data
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return None
    keys = list(node) if isinstance(node, dict) else []
    return keys.index(loc[-1]) + 1 if loc[-1] in keys else None


def _unknown_field(data: Any, error: Any) -> str:
    """An unknown key, by the place of its object and its position there (its name is the writer's word)."""
    loc = tuple(error["loc"])
    number = _ordinal(data, loc)
    field = f"het {number}e veld" if number else "een veld"
    owner = f"{place(loc[:-1], field_names())}: {field}" if loc[:-1] else f"{field} van de zaak"
    if error.get("bedoeld"):
        return f"{owner} is onbekend; bedoelde je '{error['bedoeld']}'?"
    return f"{owner} is onbekend (een typefout laat een feit stilletjes wegvallen)"


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    """The field names the case model allows in the object at `loc` (for "bedoelde je …?")."""
    schema = _schema()
    defs = schema.get("$defs", {})

    def resolve(node: dict[str, Any]) -> dict[str, Any]:
        for _ in range(10):
            if "$ref" in node:
                node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
            elif "anyOf" in node:
                real = [option for option in node["anyOf"] if option.get("type") != "null"]
                if len(real) != 1:
                    return node
                node = real[0]
            else:
                break
        return node

    node = resolve(schema)
    for part in loc:
        node = resolve(node.get("items", {}) if isinstance(part, int) else node.get("properties", {}).get(part, {}))
    return list(node.get("properties", {}))


def _suggest(errors: list[Any]) -> list[Any]:
    """An unknown key close to an allowed one gets `bedoeld`, also when that field is optional.

    `merge_typos` only sees missing required fields; in a case most fields are
    optional, and a misspelt one would silently drop a fact (locatie.typ).
    """
    out = []
    for error in errors:
        loc = tuple(error.get("loc") or ())
        if error.get("type") == "extra_forbidden" and not error.get("bedoeld") and loc and isinstance(loc[-1], str):
            close = difflib.get_close_matches(loc[-1], _fields_at(loc[:-1]), n=1, cutoff=0.75)
            if close:
                error = {**error, "bedoeld": close[0]}
        out.append(error)
    return out


def validate(data: Any, where: str, located: Located | None = None) -> Case:
    """Validate parsed data as a case; the error names the file, the line where known, and the field."""
    if not isinstance(data, dict):
        raise CaseError(f"{where}: een zaak is een object met zaak_id, locatie, activiteiten, …")
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        errors = _suggest(merge_typos(exc.errors()))
        first = errors[0]
        loc = tuple(first["loc"])
        position = located.position_at(loc) if located else None
        prefix = where if position is None else f"{where}:{position[0]}" + (f":{position[1]}" if position[1] else "")
        more = f" (en {len(errors) - 1} andere fout(en))" if len(errors) > 1 else ""
        if first["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
            raise CaseError(f"{prefix}: {_unknown_field(data, first)}{more}") from None
        raise CaseError(f"{prefix}: {place(loc, field_names())}: {_message(first)}{more}") from None


def load_case(path: str | Path) -> Case:
    """Read and validate one case file (`.json`, else YAML; `-` reads standard input).

    Raises `CaseError` with one line naming the file, the line and the field for
    anything that is not a valid case: malformed JSON or YAML, duplicate keys,
    anchors, unknown fields, wrong values or types, dates that do not exist,
    more than 20 MB or 64 levels.
    """
    path = Path(path)
    located = load(path, CaseError, aliases=False, shown=field_names())
    return validate(located.data, display_name(path), located)


def case_from_json(text: str, where: str, line: int) -> Case:
    """One case from a line of a JSON-lines file: errors name `where:line`."""
    data = parse_json(text, where, CaseError, first_line=line, shown=field_names())
    located = Located(Path(where), data, {}, [], json_text=text, first_line=line)
    return validate(data, where, located)
