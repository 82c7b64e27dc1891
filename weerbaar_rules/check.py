"""`rules check`: static analysis of a ruleset, before any case is run.

What the loader refuses (a malformed citation, a field the case model does not
have, an unknown instrument) is reported here too, but all of it at once and
with file and line, instead of stopping at the first error. On top of that the
analysis looks for what loads fine and is still wrong:

* citations: a law cited under two different BWB ids, or under an id that is
  not that law's; a hand-written URL that points elsewhere; unverified sources;
* rules that can never fire: contradictory tests in every branch (equals X and
  equals Y on one field, a number above 10 and below 5, a fact both unknown and
  tested), a validity period that excludes the peildata the rule itself tests,
  a derived fact that no rule can derive while this rule is in force, a
  parameter test that no value of the parameter can satisfy (error) or that
  the national value makes false (warning: only a profile can switch it on);
* conflicts: a rule makes an instrument available or suitable and another one
  excludes it, on overlapping conditions and validity periods, without either
  rule declaring `overrides` (the engine lets the exclusion win; the author
  should say that this is intended);
* validity: overlapping versions of one rule (error) and gaps between them
  (warning); facts, parameters and instruments nothing uses.

Errors make `rules check` exit non-zero; warnings do not (unless --strikt).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from . import backend
from . import conditions as cond
from .compiler import _INVERSE, compile_ruleset
from .errors import RulesetError, WeerbaarError, merge_typos, validation_message
from .model import Case
from .ruleset import (
    CONCLUSION_KINDS,
    Citation,
    Instrument,
    RawRule,
    Rule,
    RulesetFile,
    _parse_rules,
    law_ids,
    load_ruleset,
    period_findings,
    ruleset_files,
)
from .yamlio import Located, load, place

Level = Literal["fout", "waarschuwing"]
ERROR: Level = "fout"
WARNING: Level = "waarschuwing"

MAX_BRANCHES = 512


@dataclass(frozen=True)
class Finding:
    level: Level
    where: str  # "file:line" or "file" or the ruleset directory
    message: str
    kind: str  # short category: schema, bron, veld, verwijzing, nooit, conflict, geldigheid, ongebruikt, laden

    def text(self) -> str:
        return f"{self.where}: {self.level} [{self.kind}]: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"niveau": self.level, "plaats": self.where, "soort": self.kind, "melding": self.message}


@dataclass
class _Collected:
    """What could be read from the files, even when some of them are broken."""

    rules: list[Rule] = field(default_factory=list)
    instruments: dict[str, tuple[Instrument, str]] = field(default_factory=dict)
    parameters: dict[str, tuple[Any, str]] = field(default_factory=dict)
    citations: list[tuple[Citation, str]] = field(default_factory=list)
    laws: dict[str, str] = field(default_factory=dict)  # every name of a law in `wetten`, case-folded -> its BWB id
    has_meta: bool = False
    has_information: bool = False
    broken: _Broken = field(default_factory=lambda: _Broken())


@dataclass
class _Broken:
    """What the rules that could not be read would still say (read from their raw YAML, best effort).

    A misspelt key drops a rule; without this, every fact it derives, every
    instrument it makes available and every rule downstream would be reported
    too: one typo, twenty errors. Counting these as present keeps one error.
    """

    ids: set[str] = field(default_factory=set)
    derives: set[str] = field(default_factory=set)
    concludes: set[tuple[str, str]] = field(default_factory=set)  # (conclusion kind, instrument)
    uses_derived: set[str] = field(default_factory=set)
    uses_params: set[str] = field(default_factory=set)

    def add(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            return
        if isinstance(raw.get("id"), str):
            self.ids.add(raw["id"])
        then = raw.get("then")
        for conclusion in then if isinstance(then, list) else []:
            for kind in CONCLUSION_KINDS if isinstance(conclusion, dict) else ():
                value = conclusion.get(kind)
                if kind == "derive" and isinstance(value, str):
                    self.derives.add(value)
                elif kind in ("require", "weigh") and value:
                    targets = conclusion.get("instrument")
                    names = targets if isinstance(targets, list) else [targets]
                    self.concludes.update((kind, name) for name in names if isinstance(name, str))
                elif isinstance(value, str):
                    self.concludes.add((kind, value))
        stack = [raw.get("when")]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("derived"), str):
                    self.uses_derived.add(node["derived"])
                if isinstance(node.get("param"), str):
                    self.uses_params.add(node["param"])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


def _split_where(message: str) -> tuple[str, str]:
    """Loader messages start with 'file:line: '; keep that as the place of the finding."""
    match = re.match(r"^(\S+?\.ya?ml(?::\d+(?::\d+)?)?): (.*)$", message, re.DOTALL)
    return (match.group(1), match.group(2)) if match else ("", message)


def _validation_findings(located: Located, exc: ValidationError, prefix: tuple[Any, ...], rule_id: str | None) -> list[Finding]:
    findings = []
    for error in merge_typos(exc.errors()):
        loc = prefix + tuple(error["loc"])
        line = located.line_at(loc)
        where = f"{located.path}:{line}" if line else str(located.path)
        kind = "bron" if "grondslag" in loc else "schema"
        rule = f"regel {rule_id}: " if rule_id else ""
        findings.append(Finding(ERROR, where, f"{rule}{place(loc)}: {validation_message(error)}", kind))
    return findings


def _read_files(directory: Path) -> tuple[_Collected, list[Finding], list[tuple[RawRule, Located, int]]]:
    got = _Collected()
    findings: list[Finding] = []
    raws: list[tuple[RawRule, Located, int]] = []
    for path in ruleset_files(directory):
        try:
            located = load(path, RulesetError)
        except RulesetError as exc:
            where, message = _split_where(str(exc))
            findings.append(Finding(ERROR, where or str(path), message, "schema"))
            continue
        data = located.data
        if not isinstance(data, dict):
            findings.append(Finding(ERROR, f"{path}:1", "verwacht een mapping met ruleset, instruments, parameters, information of rules", "schema"))
            continue
        rest = {k: v for k, v in data.items() if k != "rules"}
        try:
            parsed = RulesetFile.model_validate(rest)
        except ValidationError as exc:
            findings += _validation_findings(located, exc, (), None)
            parsed = None
        rules = data.get("rules", [])
        if not isinstance(rules, list):
            findings.append(Finding(ERROR, str(path), "rules: verwacht een lijst van regels", "schema"))
            rules = []
        for index, raw in enumerate(rules):
            rule_id = raw.get("id") if isinstance(raw, dict) else None
            try:
                rule = RawRule.model_validate(raw)
            except ValidationError as exc:
                findings += _validation_findings(located, exc, ("rules", index), rule_id if isinstance(rule_id, str) else None)
                got.broken.add(raw)
                continue
            raws.append((rule, located, index))
        if parsed is None:
            continue
        got.has_meta |= parsed.ruleset is not None
        got.has_information |= parsed.information is not None
        got.laws.update(law_ids(parsed.wetten))
        for index, inst in enumerate(parsed.instruments):
            where = f"{path}:{located.line_of(data['instruments'][index])}"
            if inst.id in got.instruments:
                findings.append(Finding(ERROR, where, f"instrument '{inst.id}' is dubbel gedeclareerd (ook op {got.instruments[inst.id][1]})", "schema"))
            got.instruments[inst.id] = (inst, where)
            got.citations += [(c, f"{where}: instrument {inst.id}") for c in inst.grondslag]
        for name, param in parsed.parameters.items():
            if name in got.parameters:
                findings.append(Finding(ERROR, str(path), f"parameter '{name}' is dubbel gedeclareerd (ook in {got.parameters[name][1]})", "schema"))
            got.parameters[name] = (param.waarde, str(path))
            got.citations += [(c, f"{path}: parameter {name}") for c in param.grondslag]
        if parsed.information:
            got.citations += [(c, f"{path}: information") for c in parsed.information.grondslag]
    if not got.has_meta:
        findings.append(Finding(ERROR, str(directory), "geen bestand met 'ruleset:' (naam en versie)", "schema"))
    if not got.has_information:
        findings.append(Finding(ERROR, str(directory), "geen 'information:'-beleid (welke informatie een besluit mag dragen)", "schema"))
    values = {name: value for name, (value, _) in got.parameters.items()}
    for raw, located, index in raws:
        try:
            got.rules += _parse_rules([(raw, located, index)], values, "nationaal", RulesetError)
        except RulesetError as exc:
            where, message = _split_where(str(exc))
            findings.append(Finding(ERROR, where, message, "veld"))
            got.broken.add(located.data["rules"][index])
    return got, findings, raws


# -- references, periods, use ------------------------------------------------------------------


def _reference_findings(got: _Collected) -> list[Finding]:
    findings = []
    rules = got.rules
    broken = got.broken
    derivable = {name for rule in rules for name in rule.derives} | broken.derives
    ids = {rule.id for rule in rules} | broken.ids
    for rule in rules:
        for other in rule.overrides:
            if other not in ids:
                findings.append(Finding(ERROR, rule.source, f"regel {rule.id}: overrides noemt onbekende regel '{other}'", "verwijzing"))
        for conclusion in rule.then:
            for target in conclusion.targets:
                if target not in got.instruments:
                    findings.append(Finding(ERROR, rule.source, f"regel {rule.id}: onbekend instrument '{target}'", "verwijzing"))
        for name in sorted({name for name, _ in cond.derived_refs(rule.when)}):
            if name not in derivable:
                findings.append(
                    Finding(ERROR, rule.source, f"regel {rule.id}: afgeleid feit '{name}' wordt door geen enkele regel afgeleid", "verwijzing")
                )
    for is_error, message in period_findings(rules):
        where, text = _split_where(message)
        findings.append(Finding(ERROR if is_error else WARNING, where, text, "geldigheid"))
    for inst_id, (_, where) in sorted(got.instruments.items()):
        kinds = {c.kind for r in rules for c in r.then if inst_id in c.targets} | {k for k, name in broken.concludes if name == inst_id}
        if "available" not in kinds:
            findings.append(Finding(ERROR, where, f"instrument '{inst_id}': geen enkele regel maakt het beschikbaar (available)", "verwijzing"))
        elif "suitable" not in kinds:
            findings.append(
                Finding(WARNING, where, f"instrument '{inst_id}' wordt nooit aanbevolen: geen regel noemt het passend (suitable)", "ongebruikt")
            )
    used = {name for rule in rules for name, _ in cond.derived_refs(rule.when)} | broken.uses_derived
    for rule in rules:
        for name in rule.derives:
            if name not in used:
                findings.append(Finding(WARNING, rule.source, f"regel {rule.id}: afgeleid feit '{name}' wordt door geen regel gebruikt", "ongebruikt"))
    return findings


def _parameter_use_findings(got: _Collected, raws: list[tuple[RawRule, Located, int]]) -> list[Finding]:
    used: set[str] = set(got.broken.uses_params)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("param"), str):
                used.add(node["param"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    for raw, _, _ in raws:
        visit(raw.when)
        for conclusion in raw.then:
            visit(conclusion.model_dump())
    return [
        Finding(WARNING, where, f"parameter '{name}' wordt door geen regel gebruikt", "ongebruikt")
        for name, (_, where) in sorted(got.parameters.items())
        if name not in used
    ]


# -- citations ----------------------------------------------------------------------------------


def _citation_findings(got: _Collected) -> list[Finding]:
    citations = got.citations + [(c, f"{r.source}: regel {r.id}") for r in got.rules for c in r.grondslag]
    findings = []
    by_law: dict[str, dict[str, list[str]]] = {}
    for citation, where in citations:
        if citation.wet and citation.bwb_id:
            by_law.setdefault(citation.wet.strip().casefold(), {}).setdefault(citation.bwb_id, []).append(where)
    for law, ids in sorted(by_law.items()):
        expected = got.laws.get(law)
        if expected is None and len(ids) > 1:
            expected = max(ids, key=lambda i: (len(ids[i]), i))  # the id most places use
        for bwb_id, places in sorted(ids.items()):
            if expected is not None and bwb_id != expected:
                for where in places:
                    place, label = where.split(": ", 1)
                    findings.append(
                        Finding(ERROR, place, f"{label}: {law!r} heeft bwb_id {expected}, niet {bwb_id}: de link wijst naar een andere wet", "bron")
                    )
    for citation, where in citations:
        place, label = where.split(": ", 1)
        if citation.url and citation.bwb_id and citation.bwb_id not in citation.url:
            findings.append(Finding(WARNING, place, f"{label}: url {citation.url} noemt bwb_id {citation.bwb_id} niet", "bron"))
    for rule in got.rules:
        unsure = [c.label for c in rule.grondslag if c.onzeker]
        if unsure:
            findings.append(Finding(WARNING, rule.source, f"regel {rule.id}: onzekere bron ({', '.join(unsure)}): {rule.onzeker}", "bron"))
        if any(c.kind == "available" for c in rule.then) and not any(c.wet for c in rule.grondslag):
            findings.append(
                Finding(
                    WARNING,
                    rule.source,
                    f"regel {rule.id}: maakt een instrument beschikbaar zonder wetsartikel (alleen jurisprudentie); een bevoegdheid vraagt een wettelijke grondslag",
                    "bron",
                )
            )
    return findings


# -- satisfiability -----------------------------------------------------------------------------

Lit = tuple[str, Any, bool]  # (kind, payload, positive): kind in leaf, param, derived, some


class _TooBig(Exception):
    pass


def _dnf(condition: cond.Condition, negated: bool = False) -> list[list[Lit]]:
    """Disjunctive normal form with negation pushed to the literals; `some` stays one literal."""
    if isinstance(condition, (cond.All, cond.AnyOf)):
        conjunctive = isinstance(condition, cond.All) != negated
        if conjunctive:
            result: list[list[Lit]] = [[]]
            for item in condition.items:
                result = [a + b for a in result for b in _dnf(item, negated)]
                if len(result) > MAX_BRANCHES:
                    raise _TooBig
            return result
        out = [conj for item in condition.items for conj in _dnf(item, negated)]
        if len(out) > MAX_BRANCHES:
            raise _TooBig
        return out
    if isinstance(condition, cond.Not):
        return _dnf(condition.item, not negated)
    if isinstance(condition, cond.Unless):
        # An exception that is not established never blocks: it can always hold. Negated it is "established".
        return _dnf(condition.item) if negated else [[]]
    if isinstance(condition, cond.Leaf):
        return [[("leaf", condition, not negated)]]
    if isinstance(condition, cond.ParamTest):
        return [[("param", condition, not negated)]]
    if isinstance(condition, cond.Derived):
        return [[("derived", condition.name, not negated)]]
    if isinstance(condition, cond.Some):
        return [[("some", condition, not negated)]]
    raise AssertionError(condition)


@dataclass
class _Range:
    low: float = -math.inf
    high: float = math.inf

    def clip(self, low: float = -math.inf, high: float = math.inf) -> None:
        self.low, self.high = max(self.low, low), min(self.high, high)


def _number_bounds(op: str, value: float, integral: bool) -> tuple[float, float]:
    """The closed interval a comparison allows (open bounds tightened for whole numbers, nudged for reals)."""
    step = 1 if integral else 1e-9
    if op == "gt":
        return (math.floor(value) + 1 if integral else value + step, math.inf)
    if op == "gte":
        return (math.ceil(value) if integral else value, math.inf)
    if op == "lt":
        return (-math.inf, math.ceil(value) - 1 if integral else value - step)
    if op == "lte":
        return (-math.inf, math.floor(value) if integral else value)
    raise AssertionError(op)


def _field_unsat(name: str, kind: Any, tests: list[tuple[str, Any]]) -> str | None:
    """Why these tests on one field can never all be true on a known fact, or None when they can."""
    wants_unknown = [value for op, value in tests if op == "known" and value is False]
    others = [(op, value) for op, value in tests if op != "known"]
    if wants_unknown and (others or any(op == "known" and value for op, value in tests)):
        return f"{name} moet onbekend zijn en wordt tegelijk getoetst"
    domain: set[Any] | None = None
    if isinstance(kind, type) and issubclass(kind, Enum):
        domain = {m.value for m in kind}
    elif kind is bool:
        domain = {True, False}
    allowed = domain
    excluded: set[Any] = set()
    numbers = _Range()
    dates = _Range()
    months = _Range()
    integral = kind is int
    for op, value in others:
        if op == "equals":
            allowed = {value} if allowed is None else allowed & {value}
            if kind in (int, float):
                numbers.clip(value, value)
        elif op == "in":
            allowed = set(value) if allowed is None else allowed & set(value)
        elif op == "not_equals":
            excluded.add(value)
        elif op == "not_in":
            excluded |= set(value)
        elif op in ("gt", "gte", "lt", "lte"):
            numbers.clip(*_number_bounds(op, value, integral))
        elif op == "on_or_after":
            dates.clip(low=value.toordinal())
        elif op == "before":
            dates.clip(high=value.toordinal() - 1)
        elif op == "within_months":
            months.clip(0, value - 1)
        elif op == "older_than_months":
            months.clip(low=value)
        elif op == "_younger_than_months":
            months.clip(high=value - 1)
    if allowed is not None:
        left = {v for v in allowed - excluded if not (kind in (int, float) and not numbers.low <= v <= numbers.high)}
        if not left:
            shown = ", ".join(f"{op} {_show(v)}" for op, v in others)
            return f"{name} kan niet tegelijk voldoen aan: {shown}"
    if numbers.low > numbers.high:
        return f"{name} kan niet tegelijk voldoen aan: " + ", ".join(f"{op} {_show(v)}" for op, v in others)
    if dates.low > dates.high:
        return f"{name} kan niet tegelijk voldoen aan: " + ", ".join(f"{op} {_show(v)}" for op, v in others if op in ("on_or_after", "before"))
    if months.low > months.high:
        return f"{name} kan niet tegelijk voldoen aan: " + ", ".join(f"{op} {_show(v)}" for op, v in others if "months" in op)
    return None


def _show(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class _Scope:
    """What the satisfiability check may assume."""

    fixed_params: bool  # national parameter values are facts (else a profile could set any value)
    derivable: frozenset[str] | None = None  # derived facts that can hold; None = any
    params: dict[str, Any] = field(default_factory=dict)  # national parameter values, for their types


def _unsat(lits: list[Lit], model_cls: type[BaseModel], scope: _Scope, peildatum: tuple[dt.date | None, dt.date | None] = (None, None)) -> str | None:
    """Why a conjunction of literals can never be definitely true, or None when some case makes it true."""
    tests: dict[str, list[tuple[str, Any]]] = {}
    if model_cls is Case:
        van, tot = peildatum
        if van:
            tests.setdefault("peildatum", []).append(("on_or_after", van))
        if tot:
            tests.setdefault("peildatum", []).append(("before", tot + dt.timedelta(days=1)))
    derived: dict[str, set[bool]] = {}
    somes: list[tuple[cond.Some, bool]] = []
    for kind, payload, positive in lits:
        if kind == "leaf":
            op = payload.op if positive else _INVERSE.get(payload.op, payload.op)
            value = payload.value if (positive or payload.op != "known") else not payload.value
            tests.setdefault(payload.field, []).append((op, value))
        elif kind == "param":
            outcome = payload.outcome
            if not _param_possible(payload, scope.params):
                return f"parameter {payload.param} kan nooit {_show(payload.value)} zijn (ander type dan de parameter)"
            if scope.fixed_params and outcome is not None and outcome != positive:
                return f"{'' if positive else 'niet: '}{payload.describe()} (landelijke waarde {payload.param} maakt dit onwaar)"
        elif kind == "derived":
            derived.setdefault(payload, set()).add(positive)
            if positive and scope.derivable is not None and payload not in scope.derivable:
                return f"afgeleid feit '{payload}' kan in deze periode door geen regel worden afgeleid"
        else:
            somes.append((payload, positive))
    for name, modes in sorted(derived.items()):
        if len(modes) == 2:
            return f"afgeleid feit '{name}' moet tegelijk gelden en niet gelden"
    for name, field_tests in sorted(tests.items()):
        reason = _field_unsat(name, cond.field_type(model_cls, name), field_tests)
        if reason:
            return reason
    for some, positive in somes:
        if not positive:
            continue
        item_cls = cond.LISTS[some.list][0]
        if some.where is not None and not _satisfiable(some.where, item_cls, scope):
            return f"geen item in {some.list} kan voldoen aan de voorwaarde binnen some/count"
        for other, other_positive in somes:
            if other_positive or other.list != some.list or some.at_least < other.at_least:
                continue
            both = cond.All(tuple(c for c in (some.where, cond.Not(other.where) if other.where else None) if c is not None))
            if other.where is None or not _satisfiable(both, item_cls, scope):
                return f"'some {some.list}' botst met 'not some {some.list}': elk item dat aan de eerste voldoet, voldoet ook aan de tweede"
    return None


def _param_possible(test: cond.ParamTest, params: dict[str, Any]) -> bool:
    """False when no value of the parameter's type can make the test true: a typo like equals: "ja" for a yes/no.

    A profile may change a parameter's value but not its type, so this holds for every municipality.
    """
    actual = params.get(test.param)
    if test.op != "equals" or actual is None:
        return True
    return type(test.value) is type(actual) or _numeric(test.value, actual)


def _numeric(a: Any, b: Any) -> bool:
    return all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (a, b))


def _satisfiable(condition: cond.Condition, model_cls: type[BaseModel], scope: _Scope) -> bool:
    try:
        branches = _dnf(condition)
    except _TooBig:
        return True  # too large to decide: assume it can hold
    return any(_unsat(lits, model_cls, scope) is None for lits in branches)


# -- rules that can never fire --------------------------------------------------------------------


def _segments(rules: list[Rule]) -> list[tuple[dt.date | None, dt.date | None]]:
    """Stretches of time in which the same rules are in force (every validity boundary starts a new one)."""
    starts: set[dt.date] = set()
    for rule in rules:
        if rule.geldig_van:
            starts.add(rule.geldig_van)
        if rule.geldig_tot:
            starts.add(rule.geldig_tot + dt.timedelta(days=1))
        for node in cond.walk(rule.when):
            if isinstance(node, cond.Leaf) and node.field == "peildatum" and node.op in ("on_or_after", "before"):
                starts.add(node.value)
    ordered = sorted(starts)
    bounds: list[tuple[dt.date | None, dt.date | None]] = []
    previous: dt.date | None = None
    for start in ordered:
        bounds.append((previous, start - dt.timedelta(days=1)))
        previous = start
    bounds.append((previous, None))
    return bounds


def _in_force_during(rule: Rule, segment: tuple[dt.date | None, dt.date | None]) -> bool:
    start, _ = segment
    return rule.in_force(start or dt.date.min)


def _branches(rule: Rule) -> list[list[Lit]] | None:
    try:
        return _dnf(rule.when)
    except _TooBig:
        return None


def _derivable_per_segment(
    rules: list[Rule], segments: list[tuple[dt.date | None, dt.date | None]], fixed: bool, params: dict[str, Any], given: frozenset[str]
) -> list[frozenset[str]]:
    """Per stretch of time, the derived facts some case can make hold (least fixpoint, positive dependencies).

    `given`: facts derived by rules that could not be read; assumed derivable, so their typo is one error, not a chain.
    """
    result = []
    for segment in segments:
        active = [r for r in rules if _in_force_during(r, segment)]
        known: set[str] = set(given)
        changed = True
        while changed:
            changed = False
            scope = _Scope(fixed_params=fixed, derivable=frozenset(known), params=params)
            for rule in active:
                if set(rule.derives) <= known:
                    continue
                branches = _branches(rule)
                if branches is None or any(_unsat(b, Case, scope, segment) is None for b in branches):
                    known |= set(rule.derives)
                    changed = True
        result.append(frozenset(known))
    return result


def _never_fire_findings(rules: list[Rule], params: dict[str, Any], given: frozenset[str] = frozenset()) -> list[Finding]:
    findings: list[Finding] = []
    segments = _segments(rules)
    relaxed = _derivable_per_segment(rules, segments, False, params, given)
    strict = _derivable_per_segment(rules, segments, True, params, given)
    for rule in rules:
        branches = _branches(rule)
        if branches is None:
            continue
        reasons: list[str] = []
        fires = {True: False, False: False}
        for fixed, derivable in ((False, relaxed), (True, strict)):
            for segment, facts in zip(segments, derivable):
                if not _in_force_during(rule, segment):
                    continue
                scope = _Scope(fixed_params=fixed, derivable=facts, params=params)
                for branch in branches:
                    reason = _unsat(branch, Case, scope, segment)
                    if reason is None:
                        fires[fixed] = True
                        break
                    if not fixed and reason not in reasons:
                        reasons.append(reason)
                if fires[fixed]:
                    break
            if not fires[fixed] and fixed and fires[False]:
                strict_reasons = []
                for segment, facts in zip(segments, strict):
                    if _in_force_during(rule, segment):
                        scope = _Scope(fixed_params=True, derivable=facts, params=params)
                        strict_reasons += [r for b in branches if (r := _unsat(b, Case, scope, segment)) and r not in strict_reasons]
                findings.append(
                    Finding(
                        WARNING,
                        rule.source,
                        f"regel {rule.id} kan met de landelijke parameters nooit vuren, alleen met een gemeenteprofiel: {'; '.join(strict_reasons[:3])}",
                        "nooit",
                    )
                )
        if not fires[False]:
            findings.append(Finding(ERROR, rule.source, f"regel {rule.id} kan nooit vuren: {'; '.join(reasons[:3]) or 'geldt op geen enkele peildatum'}", "nooit"))
    return findings


# -- one record, one condition -------------------------------------------------------------------------


def _item_lists(branch: list[Lit], carried: dict[str, set[str]]) -> dict[str, list[str]]:
    """Per list: the separate places in one conjunction that each pick an item of it (a `some`, or a derived fact)."""
    found: dict[str, list[str]] = {}
    for kind, payload, positive in branch:
        if not positive:
            continue  # "no item such that" ranges over all items: nothing to pair
        if kind == "some":
            found.setdefault(payload.list, []).append(f"'{payload.list}'-voorwaarde")
        elif kind == "derived":
            for list_name in sorted(carried.get(payload, ())):
                found.setdefault(list_name, []).append(f"afgeleid feit '{payload}'")
    return found


def _branches_or_none(rule: Rule) -> list[list[Lit]] | None:
    try:
        return _dnf(rule.when)
    except _TooBig:
        return None


def split_item_findings(rules: list[Rule]) -> list[Finding]:
    """Rules whose conditions on one list are tested in separate places, so different items can meet them.

    `some activiteiten where A` and `some activiteiten where B` hold when one
    activity meets A and another meets B: 1 gram in the home and 100 gram found
    elsewhere together became a trade quantity in the home. A condition about one
    record belongs in one `some`. The same goes for derived facts: a fact derived
    from activities carries them, and two such facts, or one and a `some`, may
    rest on different activities. A rule that means it names the list in
    `separate_items` with the reason.
    """
    carried: dict[str, set[str]] = {}
    derivations = [(rule, _branches_or_none(rule)) for rule in rules]
    changed = True
    while changed:
        changed = False
        for rule, branches in derivations:
            if not rule.derives or branches is None:
                continue
            lists = {name for branch in branches for name in _item_lists(branch, carried)}
            for derived in rule.derives:
                if not lists <= carried.get(derived, set()):
                    carried.setdefault(derived, set()).update(lists)
                    changed = True
    findings = []
    for rule, branches in derivations:
        reported: set[str] = set()
        for branch in branches or []:
            for list_name, places in sorted(_item_lists(branch, carried).items()):
                if len(places) < 2 or list_name in rule.separate_items or list_name in reported:
                    continue
                reported.add(list_name)
                findings.append(
                    Finding(
                        WARNING,
                        rule.source,
                        f"regel {rule.id}: voorwaarden over {list_name} staan op verschillende plaatsen ({', '.join(sorted(set(places)))}) "
                        "en kunnen door verschillende items worden vervuld; hoort het bij één item, zet het dan in één "
                        f"some; is het bewust, noem {list_name} met de reden in separate_items",
                        "apart",
                    )
                )
    return findings


# -- conflicting conclusions ----------------------------------------------------------------------


def _expand(condition: cond.Condition, derivers: dict[str, list[cond.Condition]], depth: int, seen: frozenset[str] = frozenset()) -> cond.Condition:
    """Replace derived facts by the conditions that derive them, so overlap is judged on case facts."""
    if isinstance(condition, cond.Derived):
        options = derivers.get(condition.name)
        if depth == 0 or not options or condition.name in seen:
            return condition
        inner = tuple(_expand(c, derivers, depth - 1, seen | {condition.name}) for c in options)
        return inner[0] if len(inner) == 1 else cond.AnyOf(inner)
    if isinstance(condition, cond.All):
        return cond.All(tuple(_expand(c, derivers, depth, seen) for c in condition.items))
    if isinstance(condition, cond.AnyOf):
        return cond.AnyOf(tuple(_expand(c, derivers, depth, seen) for c in condition.items))
    if isinstance(condition, cond.Not):
        return cond.Not(_expand(condition.item, derivers, depth, seen))
    return condition


def _overlap(first: Rule, second: Rule, derivers: dict[str, list[cond.Condition]], unreadable: frozenset[str]) -> bool:
    van = max((d for d in (first.geldig_van, second.geldig_van) if d), default=None)
    tot = min((d for d in (first.geldig_tot, second.geldig_tot) if d), default=None)
    if van and tot and tot < van:
        return False
    scope = _Scope(fixed_params=False)
    for depth in (3, 0):
        both = cond.All((_expand(first.when, derivers, depth), _expand(second.when, derivers, depth)))
        if unreadable and any(name in unreadable for name, _ in cond.derived_refs(both)):
            return False  # rests on a rule that could not be read: no claim either way
        try:
            branches = _dnf(both)
        except _TooBig:
            continue
        return any(_unsat(b, Case, scope, (van, tot)) is None for b in branches)
    return True


def _conflict_findings(rules: list[Rule], unreadable: frozenset[str] = frozenset()) -> list[Finding]:
    derivers: dict[str, list[cond.Condition]] = {}
    for rule in rules:
        for name in rule.derives:
            derivers.setdefault(name, []).append(rule.when)
    findings = []
    for excluding in rules:
        for conclusion in excluding.then:
            if conclusion.kind != "exclude":
                continue
            target = conclusion.exclude
            for granting in rules:
                kinds = sorted({c.kind for c in granting.then if c.kind in ("available", "suitable") and target in c.targets})
                if not kinds or granting is excluding:
                    continue
                if granting.id in excluding.overrides or excluding.id in granting.overrides:
                    continue
                if _overlap(granting, excluding, derivers, unreadable):
                    findings.append(
                        Finding(
                            WARNING,
                            excluding.source,
                            f"regel {excluding.id} sluit {target} uit, regel {granting.id} ({granting.source}) maakt het {'/'.join(kinds)} "
                            f"bij overlappende voorwaarden; de uitsluiting wint — zet 'overrides: [{granting.id}]' bij {excluding.id} als dat de bedoeling is",
                            "conflict",
                        )
                    )
    return findings


# -- all together ---------------------------------------------------------------------------------


def _order(finding: Finding) -> tuple[Any, ...]:
    match = re.match(r"^(.*?)(?::(\d+))?$", finding.where)
    path, line = (match.group(1), int(match.group(2) or 0)) if match else (finding.where, 0)
    return (path, line, finding.level != ERROR, finding.kind, finding.message)


def _load_findings(directory: Path, profile: str | Path | None, known: set[str]) -> tuple[list[Finding], list[Rule]]:
    """Load and compile the ruleset the way `rules evaluate` does, so check fails on whatever evaluate fails on.

    Every compiled stratum is handed to durable_rules now: it creates (and can
    refuse) a ruleset only when asked, which would otherwise be at the first case.
    """
    try:
        ruleset = load_ruleset(directory, profile)
        for stratum in compile_ruleset(ruleset).strata:
            backend.prepare(stratum.name, stratum.definition)
    except WeerbaarError as exc:
        where, message = _split_where(str(exc))
        finding = Finding(ERROR, where or str(profile or directory), message, "laden")
        return ([] if finding.message in known else [finding]), []
    return [], list(ruleset.rules)


def check_directory(directory: str | Path, profile: str | Path | None = None) -> list[Finding]:
    """Every finding for a ruleset directory (and optionally a municipal profile on top), errors first per place."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RulesetError(f"{directory}: map met regels bestaat niet")
    if not ruleset_files(directory):
        raise RulesetError(f"{directory}: bevat geen .yaml-bestanden")
    got, findings, raws = _read_files(directory)
    findings += _reference_findings(got)
    findings += _parameter_use_findings(got, raws)
    findings += _citation_findings(got)
    rules = got.rules
    if not any(f.level == ERROR for f in findings) or profile is not None:
        loaded, complete = _load_findings(directory, profile, {f.message for f in findings})
        findings += loaded
        rules = complete or rules
    unreadable = frozenset(got.broken.derives)
    findings += _never_fire_findings(rules, {name: value for name, (value, _) in got.parameters.items()}, unreadable)
    findings += _conflict_findings(rules, unreadable)
    findings += split_item_findings(rules)
    unique: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.where, finding.level, finding.message), finding)
    return sorted(unique.values(), key=_order)


def summary(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    errors = sum(1 for f in findings if f.level == ERROR)
    return f"{errors} fout(en), {len(findings) - errors} waarschuwing(en)"


__all__ = ["ERROR", "WARNING", "Finding", "check_directory", "summary"]
