"""Dutch names for case fields, lists, items and values, read from the case model's metadata.

Explanations are read by municipal lawyers, so a field path such as
``activiteiten[0].opiumwet_lijst`` is shown as "activiteit 1 (drugshandel):
Opiumwet-lijst"; the machine path stays next to it in JSON so software can act
on it. The names are the case model's field metadata (`title`, and `namen` for
values; see model.py), read once here: the model defines the fields, so a
field and its Dutch name are added together and cannot drift apart.
"""

from __future__ import annotations

import re
import types
import typing
from functools import lru_cache
from typing import Any, Union

from pydantic import BaseModel

from .model import Case, Informatie
from .published import case_model_schema


def unwrap_optional(annotation: Any) -> Any:
    """Strip `X | None` so the field's real type remains."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return unwrap_optional(args[0])
    return annotation


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (`Hoeveelheid | None`), or the model of its items (`list[Activiteit]`)."""
    inner = unwrap_optional(annotation)
    if typing.get_origin(inner) is list:
        inner = typing.get_args(inner)[0]
    return inner if isinstance(inner, type) and issubclass(inner, BaseModel) else None


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(unwrap_optional(annotation)) is list


def _titles(owner: type[BaseModel], prefix: str = "") -> dict[str, str]:
    """Path -> title of every named field of `owner`, through nested models (`hoeveelheid.eenheid`) but not lists."""
    out: dict[str, str] = {}
    for name, info in owner.model_fields.items():
        if info.title:
            out[prefix + name] = info.title
        inner = _model_of(info.annotation)
        if inner is not None and not _is_list(info.annotation):
            out.update(_titles(inner, f"{prefix}{name}."))
    return out


def _value_names(owner: type[BaseModel], name: str) -> dict[str | None, str]:
    """A field's values in words (`namen` in its metadata), with None for its unknown (`onbekend`)."""
    extra = owner.model_fields[name].json_schema_extra
    given = extra.get("namen") if isinstance(extra, dict) else None
    if not isinstance(extra, dict) or not isinstance(given, dict):
        raise TypeError(f"{owner.__name__}.{name}: geen namen voor de waarden in het zaakmodel")
    names: dict[str | None, str] = {str(value): str(label) for value, label in given.items()}
    names[None] = str(extra["onbekend"])
    return names


_MODELS = {name: inner for name, info in Case.model_fields.items() if (inner := _model_of(info.annotation)) is not None}
_LISTS = {name: inner for name, inner in _MODELS.items() if _is_list(Case.model_fields[name].annotation)}

# The case's own fields and those of its sections (`locatie.type`); each section by its name; each list
# by the name of one item and by its plural; and the fields of the items of each list.
CASE_FIELDS: dict[str, str] = {path: title for path, title in _titles(Case).items() if path not in _MODELS}
SECTION_NAMES: dict[str, str] = {name: str(Case.model_fields[name].title) for name in _MODELS if name not in _LISTS}
ITEM_NAMES: dict[str, str] = {name: str(inner.model_config.get("title")) for name, inner in _LISTS.items()}
PLURAL_NAMES: dict[str, str] = {name: str(Case.model_fields[name].title) for name in _LISTS}
ITEM_FIELDS: dict[str, dict[str, str]] = {name: _titles(inner) for name, inner in _LISTS.items()}

# How information sources and legal bases (AVG) are named in reports.
SOURCE_NAMES = _value_names(Informatie, "bron")
BASIS_NAMES = _value_names(Informatie, "grondslag")



@lru_cache(maxsize=1)
def value_names() -> dict[str, str]:
    """Every value of the case model's enumerations with its Dutch name (`namen` in the schema): `in_pand` -> "in het pand"."""
    found: dict[str, str] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            names = node.get("namen")
            if isinstance(names, dict):
                found.update({str(k): str(v) for k, v in names.items() if isinstance(v, str)})
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(case_model_schema())
    return found


# Free text and personal data: never copied into labels, logs or reports.
PRIVATE_FIELDS = frozenset({"locatie.adres"})
PRIVATE_ITEM_FIELDS = frozenset({"naam", "omschrijving"})

_ITEM_PATH = re.compile(r"^(?P<list>[a-z_]+)\[(?P<index>\d+)\](?:\.(?P<field>[a-z_.]+))?$")
_ITEM_FIELD_IN_TEXT = re.compile(r"\b([a-z_]+\[\d+\]\.[a-z_.]+)(?= )")
_PARAMETER = re.compile(r"^parameter (?P<name>\S+) \(gemeenteprofiel\)$")
_DERIVED_UNKNOWN = re.compile(r"^afgeleid feit '(?P<name>[^']+)' \(onbeslist\)$")


def humanise_name(name: str) -> str:
    """A derived fact or enum value in words: underscores are for machines."""
    return name.replace("_", " ")


def _humanise_field(name: str) -> str:
    return name.replace(".", ": ").replace("_", " ")


def split_item(provenance: str) -> tuple[str, int] | None:
    """`activiteiten[0]` -> ("activiteiten", 0)."""
    match = _ITEM_PATH.match(provenance)
    if not match or match.group("field"):
        return None
    return match.group("list"), int(match.group("index"))


class Namer:
    """Dutch names for the places in one case file; knows the case so an item can say what it is."""

    def __init__(self, case: Case, parameters: dict[str, Any] | None = None) -> None:
        self.case = case
        self.parameters = parameters or {}

    def item(self, provenance: str) -> str:
        """`activiteiten[0]` -> "activiteit 1 (drugshandel)": numbered from 1, as people count."""
        parts = split_item(provenance)
        if parts is None:
            return provenance
        list_name, index = parts
        noun = ITEM_NAMES.get(list_name, list_name)
        items = getattr(self.case, list_name, None)
        if items is None or index >= len(items):
            return f"{noun} {index + 1}"
        item = items[index]
        kind = {
            "activiteiten": lambda: item.type,
            "vergunningen": lambda: item.soort,
            "voorgeschiedenis": lambda: humanise_name(item.instrument),
            "informatie": lambda: SOURCE_NAMES.get(item.bron) if item.bron else None,  # its source: the case's own id is no name
            "betrokkenen": lambda: ", ".join(item.rollen) or None,  # roles, never the name
            "antecedenten": lambda: item.soort,
        }.get(list_name, lambda: None)()
        return f"{noun} {index + 1} ({kind})" if kind else f"{noun} {index + 1}"

    def field(self, path: str) -> str:
        """A field of the case: `locatie.eigendom` -> "locatie: eigendom of huur"."""
        name = CASE_FIELDS.get(path)
        if name is None:
            section, _, rest = path.partition(".")
            return f"{SECTION_NAMES.get(section, section)}: {_humanise_field(rest)}" if rest else _humanise_field(path)
        return name

    def path(self, path: str) -> str:
        """Any place the explainer names as missing: a case field, an item field, a parameter or a derived fact."""
        match = _ITEM_PATH.match(path)
        if match and match.group("field"):
            list_name = match.group("list")
            field = match.group("field")
            name = ITEM_FIELDS.get(list_name, {}).get(field, _humanise_field(field))
            owner = self.item(f"{list_name}[{match.group('index')}]")
            return f"{owner}: {name}"
        if match:
            return self.item(path)
        parameter = _PARAMETER.match(path)
        if parameter:
            return f"gemeenteprofiel: parameter {parameter.group('name')}"
        derived = _DERIVED_UNKNOWN.match(path)
        if derived:
            return f"onbeslist: {humanise_name(derived.group('name'))}"
        if path.startswith("parameter:"):
            return f"gemeenteprofiel: parameter {path.split(':', 1)[1]}"
        return self.field(path)

    def split(self, path: str) -> tuple[str, str]:
        """(owner, field name) of a missing fact, so several fields of one item can be named together."""
        match = _ITEM_PATH.match(path)
        if match and match.group("field"):
            list_name, field = match.group("list"), match.group("field")
            owner = self.item(f"{list_name}[{match.group('index')}]")
            return owner, ITEM_FIELDS.get(list_name, {}).get(field, _humanise_field(field))
        return "", self.path(path)

    def text(self, text: str) -> str:
        """An unmet condition as the explainer words it, with field paths replaced by Dutch names."""
        if _ITEM_FIELD_IN_TEXT.search(text):
            return _humanise_text(_ITEM_FIELD_IN_TEXT.sub(lambda m: self.path(m.group(1)), text))
        return _humanise_text(text)


@lru_cache(maxsize=4096)
def _humanise_text(text: str) -> str:
    """The case-independent part of `Namer.text`; the same conditions recur in every case, so it is cached."""
    text = re.sub(
        r"^niet: afgeleid feit '([^']+)'$",
        lambda m: f"'{humanise_name(m.group(1))}' geldt, en de regel vereist dat het niet geldt",
        text,
    )
    text = re.sub(
        r"afgeleid feit '([^']+)'",
        lambda m: f"'{humanise_name(m.group(1))}'",
        text,
    )
    text = re.sub(
        r"ligt (minder dan|minstens) zoveel maanden voor de peildatum: (\d+)",
        lambda m: f"ligt {m.group(1)} {m.group(2)} maanden vóór de peildatum",
        text,
    )
    text = text.replace("is bekend: nee", "is onbekend").replace("is bekend: ja", "is bekend")
    text = re.sub(
        r"^niet: (een|minstens \d+) (item in [a-z_]+.*)$",
        lambda m: f"er {'is' if m.group(1) == 'een' else 'zijn'} {m.group(1)} {m.group(2)}"
        " — de regel vereist dat dat er niet is",
        text,
    )
    some = re.search(r"item in ([a-z_]+)( waarvoor geldt: )?", text)
    if some:
        list_name = some.group(1)
        plural = re.search(r"(minstens|minder dan) \d+ $", text[: some.start()])
        noun = PLURAL_NAMES.get(list_name, list_name) if plural else ITEM_NAMES.get(list_name, list_name)
        head = text[: some.start()] + noun + (some.group(2) or "")
        tail = text[some.end() :]
        fields = ITEM_FIELDS.get(list_name, {})
        tail = re.sub(
            r"\b([a-z_]+(?:\.[a-z_]+)?)(?= (?:is|>=?|<=?|ligt|op of na|voor) )",
            lambda m: fields.get(m.group(1), humanise_name(m.group(1))),
            tail,
        )
        return head + tail
    return re.sub(
        rf"\b((?:{'|'.join(SECTION_NAMES)})\.[a-z_]+)\b",
        lambda m: CASE_FIELDS.get(m.group(1), _humanise_field(m.group(1))),
        text,
    )
