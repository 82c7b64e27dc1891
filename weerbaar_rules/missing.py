"""Missing facts: Dutch names for case fields, and which unknown facts decide which instruments.

Explanations are read by municipal lawyers, so a field path such as
``activiteiten[0].opiumwet_lijst`` is shown as "activiteit 1 (drugshandel):
Opiumwet-lijst"; the machine path stays next to it in JSON so software can act
on it. The names are the case model's field metadata (`title`, and `namen` for
values; see model.py), read once here: the model defines the fields, so a
field and its Dutch name are added together and cannot drift apart. The
analysis at the end reads the decision graph only (the possibly
fired rules and the facts they miss), so it can never disagree with the
explanation drawn from the same graph.
"""

from __future__ import annotations

import re
import typing
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from .conditions import unwrap_optional
from .digraph import DiGraph
from .model import Case, Informatie

# -- names --------------------------------------------------------------------
#
# Read from the case model's field metadata (see model.py): the words for a field are declared with
# the field, so a field added to the model is named in reports without a second list here.


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
            "informatie": lambda: item.id,
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


# -- the analysis ---------------------------------------------------------------

DECIDING = {"available", "exclude", "suitable"}


def _concluded(data: dict[str, Any]) -> set[str]:
    return set(data.get("conclusies", []))


def _missing_behind(graph: DiGraph, rule: str, seen: set[str]) -> set[str]:
    """The missing-fact nodes a possibly fired rule waits for, through possibly derived facts."""
    if rule in seen:
        return set()
    seen.add(rule)
    found: set[str] = set()
    for _, target, data in graph.out_edges(rule, data=True):
        if data.get("soort") == "blocked-by" and graph.nodes[target].get("soort") == "ontbrekend":
            found.add(target)
    for source, _, data in graph.in_edges(rule, data=True):
        node = graph.nodes[source]
        if data.get("soort") != "supports" or node.get("soort") != "afgeleid" or node.get("modus") != "mogelijk":
            continue
        for deriver, _, edge in graph.in_edges(source, data=True):
            if edge.get("soort") == "derives" and graph.nodes[deriver].get("modus") == "mogelijk":
                found |= _missing_behind(graph, deriver, seen)
    return found


def deciding_rules(graph: DiGraph, instrument: str) -> list[tuple[str, set[str]]]:
    """The possibly fired rules whose outcome would change this instrument's status, with what they conclude.

    An undecided instrument waits for its possible availability or exclusion;
    an available one that is not yet judged suitable waits for a possible
    suitability rule (which could make it the recommendation).
    """
    node = f"instrument:{instrument}"
    status = graph.nodes[node].get("status")
    certainly_suitable = any(
        "suitable" in _concluded(d) and graph.nodes[s].get("modus") == "zeker" for s, _, d in graph.in_edges(node, data=True)
    )
    kinds: set[str] = set()
    if status == "onbeslist":
        kinds |= {"available", "exclude"}
    if status in ("onbeslist", "mogelijk") and not certainly_suitable:
        kinds.add("suitable")
    out = []
    for source, _, data in sorted(graph.in_edges(node, data=True)):
        if graph.nodes[source].get("soort") != "regel" or graph.nodes[source].get("modus") != "mogelijk":
            continue
        relevant = _concluded(data) & kinds
        if relevant:
            out.append((source, relevant))
    return out


def exception_facts(graph: DiGraph, instrument: str) -> set[str]:
    """Missing-fact nodes behind the exceptions left open under this instrument (they could take it away)."""
    found: set[str] = set()
    for _, check, data in graph.out_edges(f"instrument:{instrument}", data=True):
        if data.get("soort") != "checks":
            continue
        for _, target, edge in graph.out_edges(check, data=True):
            if edge.get("soort") == "blocked-by" and graph.nodes[target].get("soort") == "ontbrekend":
                found.add(target)
    return found


def missing_for_instrument(graph: DiGraph, instrument: str) -> list[str]:
    """Missing-fact nodes that decide this instrument: what its open rules wait for, and its open exceptions."""
    found: set[str] = exception_facts(graph, instrument)
    for rule, _ in deciding_rules(graph, instrument):
        found |= _missing_behind(graph, rule, set())
    # The fact more rules wait for first: knowing it settles the most.
    return sorted(found, key=lambda n: (-graph.in_degree(n), graph.nodes[n].get("pad", n)))


def could_become_recommended(graph: DiGraph, instrument: str) -> bool:
    """Whether learning facts could make this instrument the recommendation of its track."""
    return not_recommendable(graph, instrument) is None


def not_recommendable(graph: DiGraph, instrument: str) -> str | None:
    """Why learning facts cannot make this instrument the recommendation of its track (Dutch); None if they can.

    It must still be open (undecided, or possible but not yet judged suitable),
    some rule must be able to judge it suitable, and it must be less intrusive
    than what its track recommends now (subsidiarity picks the least intrusive).
    `rules explain` gives the reason; the analysis only asks whether there is one.
    """
    node = f"instrument:{instrument}"
    data = graph.nodes[node]
    if data.get("status") not in ("onbeslist", "mogelijk"):
        return f"het is {data.get('status')}"
    if not data.get("kan_passend", True):
        return "geen regel kan het als passend beoordelen"
    if data.get("status") == "mogelijk" and not deciding_rules(graph, instrument):
        return "geen regel die het nog passend kan oordelen wacht op een onbekend feit"
    current = [
        d
        for _, d in graph.nodes(data=True)
        if d.get("soort") == "instrument" and d.get("status") == "aanbevolen" and d.get("spoor") == data.get("spoor")
    ]
    if current and data.get("ingrijpendheid", 0) >= min(d.get("ingrijpendheid", 0) for d in current):
        names = ", ".join(str(d.get("label")) for d in current)
        return f"in spoor '{data.get('spoor')}' is {names} aanbevolen, dat niet ingrijpender is"
    return None


def analyse(graph: DiGraph) -> list[dict[str, Any]]:
    """Unknown facts that decide an instrument; those that could change the recommendation first.

    Each row: the path in the case file (`feit`), its Dutch name, the
    instruments it decides, and the instruments through which knowing it could
    change the recommendation (`verandert_via`; `kan_aanbeveling_veranderen` is
    whether there is one). The picture's "zonder invloed" box and the text's
    lists are read from the same per-instrument verdict (`changes_recommendation`),
    so the views cannot disagree on an instrument.
    """
    decides: dict[str, set[str]] = {}
    via: dict[str, set[str]] = {}
    instruments = sorted(n for n, d in graph.nodes(data=True) if d.get("soort") == "instrument")
    for node in instruments:
        inst_id = node.split(":", 1)[1]
        found = missing_for_instrument(graph, inst_id)
        for missing in found:
            decides.setdefault(missing, set()).add(inst_id)
        could = could_become_recommended(graph, inst_id)
        if found and could:
            for missing in found:
                via.setdefault(missing, set()).add(inst_id)
        data = graph.nodes[node]
        if data.get("status") == "aanbevolen" or (data.get("status") != "uitgesloten" and could) or (
            data.get("status") == "uitgesloten" and data.get("kan_passend")
        ):
            # An established exception takes a recommendation away, or lifts an exclusion that stood in the way.
            for missing in exception_facts(graph, inst_id):
                via.setdefault(missing, set()).add(inst_id)
    rows = [
        {
            "feit": graph.nodes[node].get("pad", node),
            "omschrijving": graph.nodes[node].get("label", node),
            "instrumenten": sorted(ids),
            "kan_aanbeveling_veranderen": bool(via.get(node)),
            "verandert_via": sorted(via.get(node, ())),
        }
        for node, ids in decides.items()
    ]
    # What could change the recommendation first; then most instruments; then the fact more rules wait for.
    order = {graph.nodes[n].get("pad", n): graph.in_degree(n) for n in decides}
    rows.sort(key=lambda r: (not r["kan_aanbeveling_veranderen"], -len(r["instrumenten"]), -order[r["feit"]], r["feit"]))
    return rows
