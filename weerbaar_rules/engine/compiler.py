"""Compiling rules into durable_rules rulesets: one per stratum, or more where one would be too large.

Two things the Rete engine does not give us are built here, in the shape of
the patterns rather than in Python logic at run time:

* **Unknown facts.** Every rule is compiled twice: a *definite* version that
  fires only when the condition is true on known facts, and a *possible*
  version that also fires when the condition could still become true once
  unknown facts are known (Kleene's three-valued logic, with negation pushed to
  the leaves). A possible firing without a definite one means "undecided".
* **Sound negation.** A rule that tests for the absence of a derived fact, or
  for "no item such that …", runs in a later stratum than every rule that could
  derive it (stratified evaluation, as in Datalog). The absence is then a plain
  field on the case fact, known before the stratum starts.

Each rule also gets a test on the peildatum, so a rule can only fire on cases
whose peildatum lies in its validity period.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import RulesetError
from ..language import conditions as cond
from ..language.ruleset import Rule, Ruleset
from . import backend
from .facts import POSSIBLY_USABLE, PROVENANCE, TYPE, USABLE

DEFINITE = "zeker"
POSSIBLE = "mogelijk"
MODES = (DEFINITE, POSSIBLE)
DERIVED_TYPE = "afgeleid"

# The test a negated leaf becomes (ops starting with `_` exist only in compiled rules); the lint reasons with it too.
INVERSE = {
    "equals": "not_equals",
    "not_equals": "equals",
    "in": "not_in",
    "not_in": "in",
    "gt": "lte",
    "lte": "gt",
    "gte": "lt",
    "lt": "gte",
    "on_or_after": "before",
    "before": "on_or_after",
    "older_than_months": "_younger_than_months",
    "_younger_than_months": "older_than_months",
    "within_months": "_not_within_months",
    "_not_within_months": "within_months",
    "contains": "_not_contains",
    "_not_contains": "contains",
}


def implied_modes(mode: str) -> tuple[str, ...]:
    """The modes a fact derived in `mode` holds in: a definitely derived fact is also possibly derived."""
    return MODES if mode == DEFINITE else (POSSIBLE,)


def flag_key(name: str, mode: str) -> str:
    """Field on the case fact that says a derived fact is absent in a mode; dots would read as nested paths."""
    return f"_af__{name.replace('.', '__')}__{mode}"


@dataclass(frozen=True)
class Neg:
    """A negated leaf at case level (the leaf itself stays in the tree for explanations)."""

    leaf: cond.Leaf


@dataclass(frozen=True)
class DerivedAbsent:
    name: str


@dataclass(frozen=True)
class NotEstablished:
    """An exception (`unless`) whose condition, compiled as the helper fact `name`, is not definitely derived.

    Two-valued in both modes: an unknown exception never blocks the power.
    """

    name: str


@dataclass
class Unit:
    """One compiled durable_rules rule: a rule (or a helper), one mode, one branch of its disjunction."""

    name: str
    rule_index: int | None  # index into Ruleset.rules; None for helper rules
    mode: str
    branch: int
    derives: tuple[str, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    body: list[Any]  # atoms: Leaf, Neg, cond.Some, cond.Derived, DerivedAbsent, NotEstablished
    at_least: int = 1
    established: tuple[str, ...] = ()  # exception helpers this unit needs to be not established (a negative dependency)
    stratum: int = 0
    validity: tuple[int | None, int | None] = (None, None)
    definition: dict[str, Any] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # alias -> what it matched (zaak, list name, derived name)


@dataclass(frozen=True)
class Stratum:
    index: int
    name: str
    definition: dict[str, Any]
    fact_types: frozenset[str]
    derived_used: frozenset[str]
    negated_flags: frozenset[str]  # derived facts whose absence this stratum needs on the case fact


@dataclass(frozen=True)
class Program:
    """Everything needed to run a ruleset: the strata and the table from durable rule names back to rules."""

    ruleset: Ruleset
    strata: tuple[Stratum, ...]
    units: dict[str, Unit]
    key: str


def _dnf(condition: cond.Condition, helpers: _Helpers) -> list[list[Any]]:
    """Case-level condition -> list of conjunctions of atoms, negation pushed to the atoms."""

    def atom(node: cond.Condition, negated: bool) -> list[list[Any]]:
        if isinstance(node, cond.Unless):
            assert not negated, "the parser keeps exceptions out of negations"
            return [[NotEstablished(helpers.exception_for(node.item))]]
        if isinstance(node, cond.Leaf):
            return [[Neg(node) if negated else node]]
        if isinstance(node, cond.ParamTest):
            if node.outcome is None:
                return [[node]]  # unknown: decided per mode when the unit is built
            return [[]] if node.outcome != negated else []
        if isinstance(node, cond.Derived):
            return [[DerivedAbsent(node.name) if negated else node]]
        if isinstance(node, cond.Some):
            if node.at_least > 1:
                name = helpers.flag_for(node)
                return [[DerivedAbsent(name) if negated else cond.Derived(name)]]
            parts = _split(node)
            if negated:
                # No item such that (A or B) = no item such that A, and no item such that B.
                return [[DerivedAbsent(helpers.flag_for(part)) for part in parts]]
            return [[part] for part in parts]
        raise AssertionError(node)

    return cond.dnf(condition, atom)


class _Helpers:
    """Helper rules that turn `no item such that …` and counts into derived facts of a lower stratum."""

    def __init__(self) -> None:
        self.flags: dict[cond.Some, str] = {}
        self.exceptions: dict[cond.Condition, str] = {}

    def exception_for(self, condition: cond.Condition) -> str:
        """The helper fact an exception's condition derives (definitely only: only establishment matters)."""
        if condition not in self.exceptions:
            self.exceptions[condition] = f"__uitz{len(self.exceptions)}"
        return self.exceptions[condition]

    def flag_for(self, some: cond.Some) -> str:
        if some.at_least > 1 and len(_split(some)) > 1:
            raise RulesetError(f"telling over {some.list} is te groot voor durable_rules; vereenvoudig de voorwaarde")
        if some not in self.flags:
            self.flags[some] = f"__hulp{len(self.flags)}"
        return self.flags[some]


def _leaf_expr(leaf: cond.Leaf, mode: str, negated: bool) -> Any:
    """A durable_rules expression for one leaf; True/False when it is constant."""
    op = INVERSE[leaf.op] if negated else leaf.op
    name = "item_id" if leaf.field == "id" else leaf.field
    if op == "known":
        want = leaf.value != negated
        return {"$ex": {name: 1}} if want else {"$nex": {name: 1}}
    if op in ("contains", "_not_contains"):
        # A known list is flattened to one yes/no field per value (facts.py); an unknown list has none.
        member = f"{name}__{leaf.value}"
        wanted: Any = {member: op == "contains"}
        return wanted if mode == DEFINITE else {"$or": [wanted, {"$nex": {member: 1}}]}
    if op in ("within_months", "_not_within_months", "older_than_months", "_younger_than_months"):
        key = f"{name}__maanden"
        n = leaf.value
        expr: Any = {
            "within_months": {"$and": [{"$gte": {key: 0}}, {"$lt": {key: n}}]},
            "_not_within_months": {"$or": [{"$lt": {key: 0}}, {"$gte": {key: n}}]},
            "older_than_months": {"$gte": {key: n}},
            "_younger_than_months": {"$lt": {key: n}},
        }[op]
    elif op in ("on_or_after", "before"):
        key = f"{name}__ord"
        expr = {"$gte" if op == "on_or_after" else "$lt": {key: leaf.value.toordinal()}}
    elif op == "equals":
        expr = {name: leaf.value}
    elif op == "not_equals":
        expr = {"$neq": {name: leaf.value}}
    elif op == "in":
        expr = {"$or": [{name: v} for v in leaf.value]} if len(leaf.value) > 1 else {name: leaf.value[0]}
    elif op == "not_in":
        expr = {"$and": [{"$neq": {name: v}} for v in leaf.value]} if len(leaf.value) > 1 else {"$neq": {name: leaf.value[0]}}
    else:
        expr = {f"${op}": {name: leaf.value}}
    if mode == DEFINITE:
        if op in ("not_equals", "not_in"):
            return {"$and": [{"$ex": {name: 1}}, expr]}
        return expr
    return {"$or": [expr, {"$nex": {name: 1}}]}


def _join(op: str, absorbing: bool, parts: list[Any]) -> Any:
    """Fold constants and flatten nested operators of the same kind (durable_rules allows few operators)."""
    flat: list[Any] = []
    for part in parts:
        if part is absorbing:
            return absorbing
        if part is (not absorbing):
            continue
        if isinstance(part, dict) and set(part) == {op}:
            flat.extend(part[op])
        else:
            flat.append(part)
    if not flat:
        return not absorbing
    return flat[0] if len(flat) == 1 else {op: flat}


def _and(parts: list[Any]) -> Any:
    return _join("$and", False, parts)


def _or(parts: list[Any]) -> Any:
    return _join("$or", True, parts)


# durable_rules stores two entries per $and/$or in a sequence of at most 32 per pattern.
MAX_OPERATORS = 14


def _operators(expr: Any) -> int:
    if isinstance(expr, dict):
        inner = sum(_operators(v) for v in expr.values())
        return inner + (1 if set(expr) & {"$and", "$or"} else 0)
    if isinstance(expr, list):
        return sum(_operators(v) for v in expr)
    return 0


def _item_dnf(condition: cond.Condition | None) -> list[list[cond.Condition]]:
    """Item-level condition -> disjunction of conjunctions of (possibly negated) leaves."""
    if condition is None:
        return [[]]

    def leaf(node: cond.Condition, negated: bool) -> list[list[cond.Condition]]:
        if isinstance(node, (cond.Leaf, cond.ParamTest, cond.Unless)):
            return [[cond.Not(node) if negated else node]]
        raise AssertionError(node)

    return cond.dnf(condition, leaf)


def _split(some: cond.Some) -> list[cond.Some]:
    """A `some` whose pattern is too large for durable_rules becomes one `some` per disjunct."""
    if all(_operators(_item_expr(some.where, mode)) <= MAX_OPERATORS for mode in MODES):
        return [some]
    parts = [cond.Some(some.list, cond.All(tuple(conj)) if conj else None, 1) for conj in _item_dnf(some.where)]
    for part in parts:
        if any(_operators(_item_expr(part.where, mode)) > MAX_OPERATORS for mode in MODES):
            raise RulesetError(f"voorwaarde over {some.list} is te groot voor durable_rules; splits de regel")
    return parts


def _item_expr(condition: cond.Condition | None, mode: str, negated: bool = False) -> Any:
    """Item-level condition -> one durable expression, negation pushed to the leaves."""
    if condition is None:
        return True if not negated else False
    if isinstance(condition, cond.Leaf):
        return _leaf_expr(condition, mode, negated)
    if isinstance(condition, cond.ParamTest):
        if condition.outcome is None:
            return mode == POSSIBLE
        return condition.outcome != negated
    if isinstance(condition, cond.Not):
        return _item_expr(condition.item, mode, not negated)
    if isinstance(condition, cond.Unless):
        # "Not established" is "possibly not": the same in both modes. (Negated it would be "established".)
        return _item_expr(condition.item, DEFINITE if negated else POSSIBLE, not negated)
    if isinstance(condition, (cond.All, cond.AnyOf)):
        parts = [_item_expr(item, mode, negated) for item in condition.items]
        conjunctive = isinstance(condition, cond.All) != negated
        return _and(parts) if conjunctive else _or(parts)
    raise AssertionError(condition)


def _pattern(fact_type: str, parts: list[Any]) -> Any:
    return _and([{TYPE: fact_type}, *parts])


def _build_definition(unit: Unit) -> dict[str, Any] | None:
    """The durable_rules JSON of one unit, or None when a constant makes it unsatisfiable."""
    zaak_parts: list[Any] = []
    van, tot = unit.validity
    if van is not None:
        zaak_parts.append({"$gte": {"peildatum__ord": van}})
    if tot is not None:
        zaak_parts.append({"$lte": {"peildatum__ord": tot}})
    patterns: list[dict[str, Any]] = []
    aliases: dict[str, str] = {}
    for atom in unit.body:
        if isinstance(atom, cond.Leaf):
            zaak_parts.append(_leaf_expr(atom, unit.mode, False))
        elif isinstance(atom, Neg):
            zaak_parts.append(_leaf_expr(atom.leaf, unit.mode, True))
        elif isinstance(atom, cond.ParamTest):
            zaak_parts.append(unit.mode == POSSIBLE)  # an unknown parameter is possibly, never definitely, met
        elif isinstance(atom, DerivedAbsent):
            # Definitely absent: not even possibly derived. Possibly absent: not definitely derived.
            other = POSSIBLE if unit.mode == DEFINITE else DEFINITE
            zaak_parts.append({flag_key(atom.name, other): True})
        elif isinstance(atom, NotEstablished):
            zaak_parts.append({flag_key(atom.name, DEFINITE): True})
        elif isinstance(atom, cond.Derived):
            alias = f"d{len(patterns)}"
            patterns.append({alias: _pattern(DERIVED_TYPE, [{"naam": atom.name}, {"modus": unit.mode}])})
            aliases[alias] = f"afgeleid:{atom.name}"
        elif isinstance(atom, cond.Some):
            expr = _item_expr(atom.where, unit.mode)
            fact_type = cond.LISTS[atom.list][1]
            alias = f"i{len(patterns)}"
            # A definite firing needs information established as usable; a possible one only no established defect.
            usable = USABLE if unit.mode == DEFINITE else POSSIBLY_USABLE
            patterns.append({alias: _pattern(fact_type, [{usable: True}, expr])})
            aliases[alias] = atom.list
        else:
            raise AssertionError(atom)
    zaak = _pattern("zaak", zaak_parts)
    if zaak is False or any(p is False for pat in patterns for p in pat.values()):
        return None
    if _and(zaak_parts) is True and patterns:
        # Nothing to test on the case fact: leave it out, so the engine joins less and reports less.
        unit.aliases = aliases
        definition: dict[str, Any] = {"all": patterns}
    else:
        unit.aliases = {"z": "zaak", **aliases}
        definition = {"all": [{"z": zaak}, *patterns]}
    # A count (at_least > 1) is not left to durable_rules' own `count`: that counts a fact once per
    # branch of an $or it meets, so one item could pass `at_least: 2`. Engine.run counts distinct
    # items itself, from one firing per matching item.
    return definition


def _distinct_patterns(body: list[Any], helpers: _Helpers) -> list[Any]:
    """Make every pattern of a conjunction need a different fact, as durable_rules requires.

    durable_rules never lets one fact match two patterns of the same rule, but in
    the rule language two `some` over the same list may be met by one item
    (`some activiteiten where A` and `some activiteiten where B`), and DNF can
    repeat a derived fact. Repeated atoms are dropped, and a second `some` over
    a list already matched becomes a helper fact of a lower stratum.
    """
    out: list[Any] = []
    lists: set[str] = set()
    for atom in body:
        if isinstance(atom, cond.Some):
            if atom.list in lists:
                atom = cond.Derived(helpers.flag_for(atom))
            else:
                lists.add(atom.list)
        if atom not in out:
            out.append(atom)
    return out


def _units_for(rule: Rule, index: int, helpers: _Helpers) -> list[Unit]:
    units = []
    for branch, body in enumerate(_distinct_patterns(body, helpers) for body in _dnf(rule.when, helpers)):
        positive = tuple(sorted({a.name for a in body if isinstance(a, cond.Derived)}))
        negative = tuple(sorted({a.name for a in body if isinstance(a, DerivedAbsent)}))
        established = tuple(sorted({a.name for a in body if isinstance(a, NotEstablished)}))
        for mode in MODES:
            units.append(
                Unit(
                    name=f"r{index}_{branch}_{mode[0]}",
                    rule_index=index,
                    mode=mode,
                    branch=branch,
                    derives=rule.derives,
                    positive=positive,
                    negative=negative,
                    body=body,
                    established=established,
                    validity=(
                        rule.geldig_van.toordinal() if rule.geldig_van else None,
                        rule.geldig_tot.toordinal() if rule.geldig_tot else None,
                    ),
                )
            )
    return units


def _negation_cycle(units: list[Unit], ruleset: Ruleset) -> tuple[str, str] | None:
    """A cycle of derivations through a `not`: where its first rule is, and the rules that make it; None if there is none.

    Such a ruleset cannot be stratified: whether a fact holds would depend on
    itself not holding. The message names every rule on one such cycle with
    its file and line, so the author sees where to break it.
    """
    names = sorted({name for u in units for name in (*u.derives, *u.positive, *u.negative)})
    number = {name: i for i, name in enumerate(names)}
    # Edge used -> derived, labelled with the rule and whether the use is negated.
    labels: dict[tuple[int, int], tuple[Unit, bool]] = {}
    for unit in units:
        for name in unit.derives:
            for premise, negated in [*((p, False) for p in unit.positive), *((n, True) for n in unit.negative)]:
                edge = (number[premise], number[name])
                if edge not in labels or (negated and not labels[edge][1]):
                    labels[edge] = (unit, negated)
    edges: dict[int, list[int]] = {}
    for source, target in sorted(labels):
        edges.setdefault(source, []).append(target)
    owner = {node: c for c, component in enumerate(_components(edges, len(names))) for node in component}
    negative = sorted(e for e, (_, through_not) in labels.items() if through_not and owner[e[0]] == owner[e[1]])
    if not negative:
        return None
    used, derived = negative[0]
    # The cycle: `used` -> `derived`, then a shortest way back from `derived` to `used` inside their component.
    previous: dict[int, int | None] = {derived: None}
    queue = [derived]
    while used not in previous:
        reached = queue.pop(0)
        for target in edges.get(reached, []):
            if owner[target] == owner[used] and target not in previous:
                previous[target] = reached
                queue.append(target)
    back: list[int] = []
    step: int | None = used
    while step is not None and step != derived:
        back.append(step)
        step = previous[step]
    cycle = [used, derived, *reversed(back[1:])] if used != derived else [used]
    steps = []
    places = []
    for source, target in zip(cycle, cycle[1:] + cycle[:1]):
        unit, negated = labels[(source, target)]
        rule = ruleset.rules[unit.rule_index] if unit.rule_index is not None else None
        who = f"regel {rule.id} ({rule.source})" if rule else f"hulpregel {unit.name}"
        places.append(rule.source if rule else "")
        steps.append(f"{who} leidt '{names[target]}' af uit {'niet ' if negated else ''}'{names[source]}'")
    return places[0], "; ".join(steps)


def _stratify(units: list[Unit], ruleset: Ruleset) -> None:
    """Assign strata so every negated derived fact is complete before it is tested (error on a negative cycle)."""
    cycle = _negation_cycle(units, ruleset)
    if cycle:
        place, steps = cycle
        raise RulesetError(f"{place}: regels verwijzen via 'not' in een kring naar elkaar: {steps}; zo'n regelset heeft geen eenduidige uitkomst")
    derivers: dict[str, list[Unit]] = {}
    for unit in units:
        for name in unit.derives:
            derivers.setdefault(name, []).append(unit)
    changed = True
    while changed:  # ends: without a cycle through a `not`, every level is bounded by the number of units
        changed = False
        for unit in units:
            level = 0
            for name in unit.positive:
                level = max([level] + [u.stratum for u in derivers.get(name, [])])
            for name in (*unit.negative, *unit.established):
                level = max([level] + [u.stratum + 1 for u in derivers.get(name, [])])
            if level != unit.stratum:
                unit.stratum = level
                changed = True


def _atom_decided(atom: Any) -> bool:
    """Can this atom be unknown on some valid case? (Only required fields and `known` tests are always decided.)"""
    if isinstance(atom, (cond.Leaf, Neg)):
        leaf = atom.leaf if isinstance(atom, Neg) else atom
        return leaf.op == "known" or cond.always_known(cond.model.Case, leaf.field)
    if isinstance(atom, cond.ParamTest):
        return atom.outcome is not None
    if isinstance(atom, NotEstablished):
        return True
    if isinstance(atom, cond.Some):
        scope = cond.LISTS[atom.list][0]
        if "informatie" in scope.model_fields:
            return False  # whether an item's information may carry a decision can be undecided (gate.py)
        if atom.where is None:
            return True
        for node in cond.walk(atom.where):
            if isinstance(node, cond.Leaf) and node.op != "known" and not cond.always_known(scope, node.field):
                return False
            if isinstance(node, cond.ParamTest) and node.outcome is None:
                return False
        return True
    return True  # derived facts are handled through the flags


def _drop_redundant_possible(units: list[Unit]) -> list[Unit]:
    """Leave out the possible twin of a unit that can never be merely possible.

    A unit whose atoms all test required fields, and whose derived facts are
    themselves always decided, fires in possible mode exactly when it fires in
    definite mode. A definite derivation already asserts the possible fact too,
    so the twin only costs firings (about half of them on the national rules).
    """
    undecided_flags: set[str] = set()

    def decided(unit: Unit) -> bool:
        return all(_atom_decided(a) for a in unit.body) and not (set(unit.positive) | set(unit.negative)) & undecided_flags

    changed = True
    while changed:
        changed = False
        for unit in units:
            if unit.mode == DEFINITE and not decided(unit):
                for name in unit.derives:
                    if name not in undecided_flags:
                        undecided_flags.add(name)
                        changed = True
    return [unit for unit in units if unit.mode != POSSIBLE or not decided(unit)]


def _components(edges: dict[int, list[int]], count: int) -> list[list[int]]:
    """Strongly connected components of a graph on 0..count-1 (Tarjan, iterative), each listed before those it reaches."""
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    found: list[list[int]] = []
    for start in range(count):
        if start in index:
            continue
        work = [(start, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return found[::-1]


def _capacity_error(level: int, units: list[Unit], ruleset: Ruleset, over: list[str]) -> RulesetError:
    rules = [ruleset.rules[i] for i in sorted({u.rule_index for u in units if u.rule_index is not None})]
    named = ", ".join(f"{r.id} ({r.source})" for r in rules[:5]) + (f" en {len(rules) - 5} andere" if len(rules) > 5 else "")
    place = f"{rules[0].source}: " if rules else ""
    return RulesetError(
        f"{place}laag {level}: de regels {named or '(hulpregels)'} leiden elkaar af en moeten samen in één durable_rules-regelset, "
        f"maar die wordt te groot: {'; '.join(over)}. Maak de kring van afleidingen kleiner of splits de voorwaarden"
    )


def split_stratum(level: int, members: list[Unit], ruleset: Ruleset) -> list[list[Unit]]:
    """Spread one stratum's units over as many durable_rules rulesets as the C engine's fixed sizes need.

    A stratum that fits stays one ruleset. Otherwise its units are ordered so
    that every derived fact is produced in the same or an earlier part than
    where it is used (units that derive each other in a cycle stay together),
    and each part takes as many units as fit (`backend.AlphaNetwork`). Run in
    that order, the parts reach the same fixpoint as the whole stratum. Adding
    units only ever adds to what a ruleset uses, and what it uses does not
    depend on their order, so the parts are filled in one pass: a part ends
    where the next block no longer fits, and a stratum that fits as one part
    keeps its units in their written order.
    """
    # Graph: unit i -> fact it derives; fact -> unit that uses it (facts numbered after the units).
    names = sorted({name for u in members for name in u.derives})
    number = {name: len(members) + i for i, name in enumerate(names)}
    edges: dict[int, list[int]] = {}
    for i, unit in enumerate(members):
        edges[i] = [number[name] for name in unit.derives]
        for name in unit.positive:
            if name in number:
                edges.setdefault(number[name], []).append(i)
    # Order the components by how many derivations precede them, then as the rules are written.
    components = _components(edges, len(members) + len(names))
    owner = {node: c for c, component in enumerate(components) for node in component}
    depth = [0] * len(components)
    for c, component in enumerate(components):  # topological order: every predecessor is done
        for node in component:
            for target in edges.get(node, []):
                if owner[target] != c:
                    depth[owner[target]] = max(depth[owner[target]], depth[c] + 1)
    ordered = sorted(range(len(components)), key=lambda c: (depth[c], components[c][0]))
    blocks = [[members[i] for i in components[c] if i < len(members)] for c in ordered]
    parts: list[list[Unit]] = []
    part: list[Unit] = []
    network = backend.AlphaNetwork()
    for block in filter(None, blocks):
        for unit in block:
            network.add_rule(unit.definition)
        if not network.capacity.exceeded():
            part.extend(block)
            continue
        if part:  # the block starts the next part
            parts.append(part)
            part, network = list(block), backend.AlphaNetwork()
            for unit in block:
                network.add_rule(unit.definition)
        problem = network.capacity.exceeded()
        if problem:
            raise _capacity_error(level, block, ruleset, problem)
    return [*parts, part] if parts else [members]


def _parts(units: dict[str, Unit], ruleset: Ruleset) -> Iterator[tuple[int, list[Unit]]]:
    """The units of each stratum in order, split where one durable_rules ruleset cannot hold them."""
    depth = max((u.stratum for u in units.values()), default=0) + 1
    for level in range(depth):
        members = [u for u in units.values() if u.stratum == level]
        if members:  # empty only when nothing compiled at all: durable_rules cannot hold an empty ruleset
            for part in split_stratum(level, members, ruleset):
                yield level, part


def compile_ruleset(ruleset: Ruleset) -> Program:
    """Compile every rule (both modes, every branch) and group them into strata."""
    helpers = _Helpers()
    units: list[Unit] = []
    for index, rule in enumerate(ruleset.rules):
        units.extend(_units_for(rule, index, helpers))
    seen: set[str] = set()
    while len(seen) < len(helpers.flags) + len(helpers.exceptions):
        for some, name in list(helpers.flags.items()):
            if name in seen:
                continue
            seen.add(name)
            plain = cond.Some(some.list, some.where, 1)
            for mode in MODES:
                units.append(
                    Unit(
                        name=f"{name}_{mode[0]}",
                        rule_index=None,
                        mode=mode,
                        branch=0,
                        derives=(name,),
                        positive=(),
                        negative=(),
                        body=[plain],
                        at_least=some.at_least,
                    )
                )
        for condition, name in list(helpers.exceptions.items()):
            if name in seen:
                continue
            seen.add(name)
            # Only establishment counts for an exception, so only the definite version is compiled.
            for branch, body in enumerate(_distinct_patterns(body, helpers) for body in _dnf(condition, helpers)):
                units.append(
                    Unit(
                        name=f"{name}_{branch}_z",
                        rule_index=None,
                        mode=DEFINITE,
                        branch=branch,
                        derives=(name,),
                        positive=tuple(sorted({a.name for a in body if isinstance(a, cond.Derived)})),
                        negative=tuple(sorted({a.name for a in body if isinstance(a, DerivedAbsent)})),
                        body=body,
                    )
                )
    _stratify(units, ruleset)
    units = _drop_redundant_possible(units)
    kept: dict[str, Unit] = {}
    for unit in units:
        built = _build_definition(unit)
        if built is not None:
            unit.definition = built
            kept[unit.name] = unit
    strata = []
    for level, members in _parts(kept, ruleset):
        definition: dict[str, Any] = {}
        fact_types: set[str] = {"zaak"}
        derived_used: set[str] = set()
        negated: set[str] = set()
        for unit in members:
            definition[unit.name] = unit.definition
            for atom in unit.body:
                if isinstance(atom, cond.Some):
                    fact_types.add(cond.LISTS[atom.list][1])
                elif isinstance(atom, cond.Derived):
                    derived_used.add(atom.name)
                elif isinstance(atom, (DerivedAbsent, NotEstablished)):
                    negated.add(atom.name)
        if derived_used:
            fact_types.add(DERIVED_TYPE)
        text = json.dumps(definition, sort_keys=True)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
        strata.append(
            Stratum(
                index=level,
                name=f"wr_{digest}_{level}",
                definition=definition,
                fact_types=frozenset(fact_types),
                derived_used=frozenset(derived_used),
                negated_flags=frozenset(negated),
            )
        )
    key = hashlib.sha256("|".join(s.name for s in strata).encode()).hexdigest()
    return Program(ruleset=ruleset, strata=tuple(strata), units=kept, key=key)


__all__ = ["DEFINITE", "POSSIBLE", "PROVENANCE", "Program", "Stratum", "Unit", "compile_ruleset", "flag_key", "implied_modes"]
