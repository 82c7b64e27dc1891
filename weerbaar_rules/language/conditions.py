"""The condition language of the rulesets, as a small typed syntax tree.

Conditions are data a legal expert reads, so they are parsed strictly: every
field is checked against the case model and every value against its
enumeration, with a message that says where the mistake is. The tree is what
the compiler turns into durable_rules patterns and what the explanation walks
to say which condition was not met.
"""

from __future__ import annotations

import datetime as dt
import functools
import typing
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar, Union

from pydantic import BaseModel

from ..case import model
from ..case.names import unwrap_optional

# Lists of the case that `some` and `count` range over, and the fact type the engine gives their items.
LISTS: dict[str, tuple[type[BaseModel], str]] = {
    "betrokkenen": (model.Betrokkene, "betrokkene"),
    "activiteiten": (model.Activiteit, "activiteit"),
    "vergunningen": (model.Vergunning, "vergunning"),
    "voorgeschiedenis": (model.Maatregel, "maatregel"),
    "antecedenten": (model.Antecedent, "antecedent"),
    "informatie": (model.Informatie, "informatie"),
}
# A reference field (the id of a person) can be followed in a condition: `betrokkene.rollen` on an antecedent.
REFERENCES: dict[str, type[BaseModel]] = {"betrokkenen": model.Betrokkene}

COMPARISONS = ("equals", "not_equals", "in", "not_in", "gt", "gte", "lt", "lte", "contains")
DATE_TESTS = ("within_months", "older_than_months", "on_or_after", "before")


@dataclass(frozen=True)
class Leaf:
    """A test on one field of the case (or of a list item inside `some`)."""

    field: str
    op: str  # one of COMPARISONS, DATE_TESTS, or "known"
    value: Any
    param: str | None = None  # the value came from this parameter

    def describe(self) -> str:
        # Explanations describe the same leaves for every case: compute the text once per leaf.
        cached = self.__dict__.get("_text")
        if cached is None:
            cached = self._describe()
            object.__setattr__(self, "_text", cached)
        return cached

    def _describe(self) -> str:
        words = {
            "equals": "is",
            "not_equals": "is niet",
            "in": "is een van",
            "not_in": "is geen van",
            "gt": ">",
            "gte": ">=",
            "lt": "<",
            "lte": "<=",
            "within_months": "ligt minder dan zoveel maanden voor de peildatum:",
            "older_than_months": "ligt minstens zoveel maanden voor de peildatum:",
            "on_or_after": "op of na",
            "before": "voor",
            "known": "is bekend:",
            "contains": "bevat",
        }
        value = self.value
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        if isinstance(value, bool):
            value = "ja" if value else "nee"
        suffix = f" (parameter {self.param})" if self.param else ""
        return f"{self.field} {words[self.op]} {value}{suffix}"


@dataclass(frozen=True)
class ParamTest:
    """A test on a ruleset or profile parameter, decided when the ruleset is compiled.

    `outcome` is None when the parameter is unknown (null): without a municipal
    profile the engine does not know whether the APV has an article, so rules
    that need it stay undecided instead of silently false.
    """

    param: str
    op: str
    value: Any
    outcome: bool | None

    def describe(self) -> str:
        word = "is" if self.op == "equals" else "is niet"
        value = {True: "ja", False: "nee"}.get(self.value, self.value) if isinstance(self.value, bool) else self.value
        return f"parameter {self.param} {word} {value}"


@dataclass(frozen=True)
class Derived:
    name: str


@dataclass(frozen=True)
class Some:
    """There is at least `at_least` item in a list of the case for which `where` holds."""

    list: str
    where: Condition | None
    at_least: int = 1


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class Unless:
    """An exception to the `all` it stands in (Catala's default logic, written in the rule).

    A condition of a power must be established: unknown leaves the rule
    undecided. An exception is the other way round: it takes the power away
    only when it is established. So `unless` is two-valued: it is false when
    `item` is definitely true, and true otherwise; when `item` is unknown the
    power stands and the exception is a point to check (te controleren),
    named with `title` and the facts that would settle it.
    """

    item: Condition
    title: str


Condition = Union[Leaf, ParamTest, Derived, Some, All, AnyOf, Not, Unless]


class ConditionSyntaxError(ValueError):
    """A condition does not parse; `path` says where inside the rule it went wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def reference_of(owner: type[BaseModel], name: str) -> str | None:
    """The list a field refers into (`betrokkenen` for a person id), or None for a plain field."""
    info = owner.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    target = extra.get("verwijst_naar") if isinstance(extra, dict) else None
    return target if isinstance(target, str) and target in REFERENCES else None


@functools.cache
def _resolve(root: type[BaseModel], path: str) -> tuple[Any, bool] | None:
    """The annotation a dotted path points at and whether every step is required; None if there is no such field.

    A reference (a person id) is followed into the model it refers to, so a
    condition on one record can test the person it names. Cached: the models
    do not change, and loading and compiling the rules ask this for the same
    few hundred paths again and again.
    """
    current: Any = root
    required = True
    parts = path.split(".")
    for position, part in enumerate(parts):
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        required = required and info.is_required()
        target = reference_of(current, part)
        current = REFERENCES[target] if target is not None and position + 1 < len(parts) else unwrap_optional(info.annotation)
    return current, required


def field_type(root: type[BaseModel], path: str) -> Any:
    """The annotation a dotted path points at, or None when the case model has no such field."""
    resolved = _resolve(root, path)
    return None if resolved is None else resolved[0]


def always_known(root: type[BaseModel], path: str) -> bool:
    """True when the case model requires the field, so a test on it is never unknown."""
    resolved = _resolve(root, path)
    return resolved is not None and resolved[1]


@functools.cache
def _enum_values(kind: type[Enum]) -> tuple[Any, ...]:
    return tuple(member.value for member in kind)


def _check_value(path: str, field: str, kind: Any, value: Any) -> Any:
    """A value must be one the case model can hold, else the rule can never match and nobody would notice."""
    if isinstance(kind, type) and issubclass(kind, Enum):
        allowed = _enum_values(kind)
        if value not in allowed:
            raise ConditionSyntaxError(path, f"'{value}' is geen geldige waarde van {field} (toegestaan: {', '.join(allowed)})")
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise ConditionSyntaxError(path, f"{field} is ja/nee (true/false), niet '{value}'")
        return value
    if kind in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConditionSyntaxError(path, f"{field} is een getal, niet '{value}'")
        return value
    if kind is str:
        if not isinstance(value, str):
            raise ConditionSyntaxError(path, f"{field} is tekst, niet '{value}'")
        return value
    if kind is dt.date:
        raise ConditionSyntaxError(path, f"{field} is een datum: gebruik within_months, older_than_months, on_or_after of before")
    raise ConditionSyntaxError(path, f"{field} kan niet direct vergeleken worden")


class Parser:
    """Parses condition mappings, checking fields against the case model and parameters against the ruleset."""

    def __init__(self, parameters: dict[str, Any]) -> None:
        self.parameters = parameters

    def parse(self, raw: Any, path: str = "when", scope: type[BaseModel] = model.Case, *, exception_here: bool = False) -> Condition:
        """Parse one condition; `exception_here` is True only for the direct members of an `all`."""
        if not isinstance(raw, dict) or not raw:
            raise ConditionSyntaxError(path, "een voorwaarde is een mapping (all, any, not, unless, some, derived, fact of param)")
        keys = set(raw)
        if "unless" in keys:
            return self._parse_unless(raw, path, scope, exception_here)
        if "all" in keys or "any" in keys:
            key = "all" if "all" in keys else "any"
            self._only(raw, {key}, path)
            items = raw[key]
            if not isinstance(items, list) or not items:
                raise ConditionSyntaxError(f"{path}.{key}", "verwacht een niet-lege lijst van voorwaarden")
            parsed = tuple(self.parse(item, f"{path}.{key}[{i}]", scope, exception_here=key == "all") for i, item in enumerate(items))
            if key == "all" and all(isinstance(item, Unless) for item in parsed):
                raise ConditionSyntaxError(f"{path}.all", "een all-lijst met alleen uitzonderingen (unless) heeft geen voorwaarde om op uit te zonderen")
            return All(parsed) if key == "all" else AnyOf(parsed)
        if "not" in keys:
            self._only(raw, {"not"}, path)
            inner = self.parse(raw["not"], f"{path}.not", scope)
            if any(isinstance(node, Unless) for node in walk(inner)):
                raise ConditionSyntaxError(f"{path}.not", "een uitzondering (unless) kan niet binnen not staan")
            return Not(inner)
        if "derived" in keys:
            self._only(raw, {"derived"}, path)
            if scope is not model.Case:
                raise ConditionSyntaxError(path, "derived geldt voor de hele zaak en kan niet binnen some/count staan")
            name = raw["derived"]
            if not isinstance(name, str) or not name:
                raise ConditionSyntaxError(path, "derived verwacht de naam van een afgeleid feit")
            return Derived(name)
        if "some" in keys or "count" in keys:
            return self._parse_some(raw, path, scope)
        if "param" in keys:
            return self._parse_param(raw, path)
        if "fact" in keys:
            return self._parse_leaf(raw, path, scope)
        raise ConditionSyntaxError(path, f"onbekende voorwaarde {sorted(keys)}; verwacht all, any, not, some, count, derived, fact of param")

    def _parse_unless(self, raw: dict[str, Any], path: str, scope: type[BaseModel], exception_here: bool) -> Unless:
        self._only(raw, {"unless", "title"}, path)
        if not exception_here:
            raise ConditionSyntaxError(
                path, "een uitzondering (unless) staat direct in een all-lijst, naast de voorwaarden waarop zij een uitzondering is"
            )
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ConditionSyntaxError(path, "unless verwacht een title: de uitzondering in gewone taal, met het artikel")
        item = self.parse(raw["unless"], f"{path}.unless", scope)
        if any(isinstance(node, Unless) for node in walk(item)):
            raise ConditionSyntaxError(f"{path}.unless", "een uitzondering kan zelf geen uitzondering (unless) bevatten")
        return Unless(item, title.strip())

    @staticmethod
    def _only(raw: dict[str, Any], allowed: set[str], path: str) -> None:
        extra = set(raw) - allowed
        if extra:
            raise ConditionSyntaxError(path, f"onverwachte sleutel(s) {sorted(extra)}")

    def _parse_some(self, raw: dict[str, Any], path: str, scope: type[BaseModel]) -> Some:
        if scope is not model.Case:
            raise ConditionSyntaxError(path, "some/count kan niet binnen een andere some/count staan")
        key = "some" if "some" in raw else "count"
        self._only(raw, {key, "where", "at_least"}, path)
        name = raw[key]
        if name not in LISTS:
            raise ConditionSyntaxError(path, f"'{name}' is geen lijst van de zaak (toegestaan: {', '.join(LISTS)})")
        at_least = raw.get("at_least", 1)
        if key == "some" and "at_least" in raw:
            raise ConditionSyntaxError(path, "at_least hoort bij count, niet bij some")
        if key == "count" and "at_least" not in raw:
            raise ConditionSyntaxError(path, "count verwacht at_least")
        if isinstance(at_least, bool) or not isinstance(at_least, int) or at_least < 1:
            raise ConditionSyntaxError(path, "at_least is een geheel getal van minstens 1")
        item_model = LISTS[name][0]
        where = self.parse(raw["where"], f"{path}.where", item_model) if "where" in raw else None
        return Some(name, where, at_least)

    def _parse_param(self, raw: dict[str, Any], path: str) -> ParamTest:
        ops = [k for k in raw if k in ("equals", "not_equals")]
        self._only(raw, {"param", *ops}, path)
        name = raw["param"]
        if name not in self.parameters:
            raise ConditionSyntaxError(path, f"onbekende parameter '{name}'")
        if len(ops) != 1:
            raise ConditionSyntaxError(path, "param verwacht precies een van equals, not_equals")
        op = ops[0]
        actual = self.parameters[name]
        outcome = None if actual is None else (actual == raw[op]) if op == "equals" else (actual != raw[op])
        return ParamTest(name, op, raw[op], outcome)

    def _parse_leaf(self, raw: dict[str, Any], path: str, scope: type[BaseModel]) -> Leaf:
        field = raw["fact"]
        ops = [k for k in raw if k != "fact"]
        if len(ops) != 1:
            raise ConditionSyntaxError(path, f"fact '{field}' verwacht precies een toets ({', '.join(COMPARISONS + DATE_TESTS)}, known)")
        op = ops[0]
        if op not in COMPARISONS + DATE_TESTS + ("known",):
            raise ConditionSyntaxError(path, f"onbekende toets '{op}'")
        kind = field_type(scope, field) if isinstance(field, str) else None
        if op == "contains":
            members = typing.get_args(kind) if typing.get_origin(kind) is list else ()
            if not (members and isinstance(members[0], type) and issubclass(members[0], Enum)):
                raise ConditionSyntaxError(path, f"contains kan alleen op een lijst van waarden ('{field}' is dat niet)")
            return Leaf(field, op, _check_value(path, field, members[0], raw[op]))
        if kind is None or (isinstance(kind, type) and issubclass(kind, BaseModel)) or typing.get_origin(kind) is list:
            where = "de zaak" if scope is model.Case else f"een item van type {scope.__name__}"
            raise ConditionSyntaxError(path, f"'{field}' is geen veld van {where}")
        value = raw[op]
        param = None
        if isinstance(value, dict) and set(value) == {"param"}:
            param = value["param"]
            if param not in self.parameters:
                raise ConditionSyntaxError(path, f"onbekende parameter '{param}'")
            value = self.parameters[param]
            if value is None:
                raise ConditionSyntaxError(path, f"parameter '{param}' heeft geen waarde en kan niet als vergelijkingswaarde dienen")
        if op == "known":
            if not isinstance(value, bool):
                raise ConditionSyntaxError(path, "known verwacht true of false")
        elif op in ("within_months", "older_than_months"):
            if kind is not dt.date:
                raise ConditionSyntaxError(path, f"{op} kan alleen op een datumveld")
            if scope is model.Case:
                raise ConditionSyntaxError(path, f"{op} geldt voor datums van items (binnen some/count)")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ConditionSyntaxError(path, f"{op} verwacht een aantal maanden")
        elif op in ("on_or_after", "before"):
            if kind is not dt.date:
                raise ConditionSyntaxError(path, f"{op} kan alleen op een datumveld")
            if not isinstance(value, dt.date):
                raise ConditionSyntaxError(path, f"{op} verwacht een datum (JJJJ-MM-DD)")
        elif op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                raise ConditionSyntaxError(path, f"{op} verwacht een niet-lege lijst")
            value = tuple(_check_value(path, field, kind, v) for v in value)
        elif op in ("gt", "gte", "lt", "lte"):
            if kind not in (int, float):
                raise ConditionSyntaxError(path, f"{op} kan alleen op een getal")
            value = _check_value(path, field, kind, value)
        else:
            value = _check_value(path, field, kind, value)
        return Leaf(field, op, value, param)


def walk(condition: Condition) -> typing.Iterator[Condition]:
    """Every node of a condition, depth first."""
    yield condition
    if isinstance(condition, (All, AnyOf)):
        for item in condition.items:
            yield from walk(item)
    elif isinstance(condition, (Not, Unless)):
        yield from walk(condition.item)
    elif isinstance(condition, Some) and condition.where is not None:
        yield from walk(condition.where)


def derived_refs(condition: Condition, negated: bool = False) -> typing.Iterator[tuple[str, bool]]:
    """Derived facts a condition uses, each with whether it is used under negation (for stratification)."""
    if isinstance(condition, Derived):
        yield condition.name, negated
    elif isinstance(condition, (All, AnyOf)):
        for item in condition.items:
            yield from derived_refs(item, negated)
    elif isinstance(condition, (Not, Unless)):
        # An exception holds when its condition is *not* established: for stratification that is a negation.
        yield from derived_refs(condition.item, not negated)


Atom = TypeVar("Atom")


class TooManyBranches(Exception):
    """The disjunctive normal form would have more branches than the caller's limit."""


def dnf(
    condition: Condition,
    literal: Callable[[Condition, bool], list[list[Atom]]],
    negated: bool = False,
    limit: int | None = None,
) -> list[list[Atom]]:
    """`condition` as a disjunction of conjunctions, negation pushed inward: the one DNF of the project.

    `all`, `any` and `not` mean the same everywhere, so they are expanded here;
    what any other node becomes (with its polarity) differs per user: the
    compiler turns it into durable_rules atoms and helper facts, `rules check`
    into literals it can reason about. `literal` may return `[]` (never true),
    `[[]]` (always true) or call `dnf` again for a node it opens itself.
    `limit` caps the number of branches (TooManyBranches), for analyses that
    would rather give up than explode.
    """
    if isinstance(condition, (All, AnyOf)):
        if isinstance(condition, All) != negated:
            result: list[list[Atom]] = [[]]
            for item in condition.items:
                result = [left + right for left in result for right in dnf(item, literal, negated, limit)]
                if limit is not None and len(result) > limit:
                    raise TooManyBranches
            return result
        out = [conj for item in condition.items for conj in dnf(item, literal, negated, limit)]
        if limit is not None and len(out) > limit:
            raise TooManyBranches
        return out
    if isinstance(condition, Not):
        return dnf(condition.item, literal, not negated, limit)
    return literal(condition, negated)
