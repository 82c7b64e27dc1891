"""`rules diff OLD NEW`: which decisions does a change to the rules change — and was every change tested?

A maintainer reads "no difference" as "safe to publish", so the comparison
starts from what changed, not from chance:

1. the rules that differ between the versions (condition, conclusion or
   validity; a changed parameter shows in the rules that use it) and the
   changed instruments of the catalogue (`Changes`);
2. cases aimed at each changed rule (`testing.directed`): facts that reach
   it and the instrument it leads to, every tested value moved to both sides
   of its boundary, the peildatum on both sides of each validity date — and
   the example cases and scenarios, as they are and moved to those boundaries;
   then random cases of the same kind until the requested number is reached;
3. each case evaluated once per version, statuses only (`Engine.outcome`),
   spread over all cores; differences grouped by kind (which changed rules
   fire differently and which statuses move);
4. for each kind, hypothesis shrinks the smallest case found to the fewest
   facts that still show it.

The report names every changed rule with how often it was reached and fired
differently; a changed rule that no case reached is reported as such, and the
exit code is then non-zero, as it is for a difference.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.reporting import with_reporter
from pydantic import ValidationError

from ..case.io import load_case
from ..case.model import Case
from ..core.errors import EvaluationError
from ..decision.assemble import Outcome
from ..engine.compiler import Program
from ..engine.facts import case_facts
from ..engine.inference import Plan
from ..engine.runs import Run
from ..engine.walk import Explainer, Trace
from ..evaluation import Engine
from ..language import conditions as cond
from ..language.ruleset import Rule, Ruleset
from .directed import Generator, vary
from .profiles import CI, profile_settings
from .scenarios import find, load_scenario

ABSENT = "ontbreekt"
DEFAULT_EXAMPLES = 2_000
THOROUGH_EXAMPLES = 20_000
DEFAULT_MAX_DIFFERENCES = 10
GENERATED = "gegenereerd"

Signature = tuple[tuple[str, ...], tuple[tuple[str, str, str], ...], tuple[tuple[str, str, str], ...]]


# -- what changed -------------------------------------------------------------------------------------


def _versions(ruleset: Ruleset) -> dict[str, list[Rule]]:
    by_id: dict[str, list[Rule]] = {}
    for rule in ruleset.rules:
        by_id.setdefault(rule.id, []).append(rule)
    return {rule_id: sorted(rules, key=lambda r: r.geldig_van or dt.date.min) for rule_id, rules in by_id.items()}


def _plain(value: Any) -> Any:
    """A parameter value as JSON can hold it (a dated parameter as its text)."""
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


@dataclass(frozen=True)
class Changes:
    """What differs between two ruleset versions: rules (with the parts that changed), parameters and instruments."""

    rules: dict[str, tuple[str, tuple[str, ...]]]  # id -> (gewijzigd / nieuw / verwijderd, changed parts)
    parameters: tuple[tuple[str, Any, Any], ...]  # (name, old value, new value); ABSENT when not in that version
    instruments: tuple[tuple[str, str], ...]  # (id, gewijzigd / nieuw / verwijderd)

    @classmethod
    def between(cls, old: Ruleset, new: Ruleset) -> Changes:
        before, after = _versions(old), _versions(new)
        rules: dict[str, tuple[str, tuple[str, ...]]] = {}
        for rule_id in sorted(before.keys() | after.keys()):
            if rule_id not in after:
                rules[rule_id] = ("verwijderd", ())
            elif rule_id not in before:
                rules[rule_id] = ("nieuw", ())
            else:
                parts = [
                    name
                    for name, get in (
                        ("voorwaarde", lambda r: r.when),
                        ("conclusie", lambda r: r.then),
                        ("geldigheid", lambda r: (r.geldig_van, r.geldig_tot)),
                    )
                    if [get(r) for r in before[rule_id]] != [get(r) for r in after[rule_id]]
                ]
                if parts:
                    rules[rule_id] = ("gewijzigd", tuple(parts))
        parameters = tuple(
            (name, _plain(old.parameters.get(name, ABSENT)), _plain(new.parameters.get(name, ABSENT)))
            for name in sorted(old.parameters.keys() | new.parameters.keys())
            if old.parameters.get(name, ABSENT) != new.parameters.get(name, ABSENT)
        )
        old_instruments = {i.id: i for i in old.instruments}
        new_instruments = {i.id: i for i in new.instruments}
        instruments = tuple(
            (i, "verwijderd" if i not in new_instruments else "nieuw" if i not in old_instruments else "gewijzigd")
            for i in sorted(old_instruments.keys() | new_instruments.keys())
            if old_instruments.get(i) != new_instruments.get(i)
        )
        return cls(rules, parameters, instruments)

    def rule_ids(self) -> list[str]:
        return list(self.rules)


# -- comparing one case -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleChange:
    """A rule whose firings differ between the versions, and whether its definition changed."""

    id: str
    old: tuple[str, ...]  # modes it fired in with the old rules
    new: tuple[str, ...]
    changed: str | None  # gewijzigd / nieuw / verwijderd, or None when the rule is the same in both versions

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "oud": list(self.old), "nieuw": list(self.new), "wijziging": self.changed}


@dataclass(frozen=True)
class Observation:
    """One case under both versions: what moved (empty when nothing did) and which changed rules fired how."""

    peildatum: dt.date
    recommended: tuple[tuple[str, ...], tuple[str, ...]]  # old and new
    statuses: tuple[tuple[str, str, str], ...]  # (instrument, old status, new status) where they differ
    escalations: tuple[tuple[str, str, str], ...]  # (instrument, old step, new step) where they differ
    rules: tuple[RuleChange, ...]  # rules whose firings differ
    reached: frozenset[str]  # changed rules that fired (in either version)

    @property
    def differs(self) -> bool:
        return bool(self.statuses or self.escalations)

    @property
    def signature(self) -> Signature:
        """The kind of difference: the changed rules that fire differently and how the statuses and steps move."""
        changed = tuple(sorted(r.id for r in self.rules if r.changed))
        return changed, self.statuses, self.escalations


def _modes(run: Run) -> dict[int, set[str]]:
    fired: dict[int, set[str]] = {}
    for firing in run.firings:
        if firing.unit.rule_index is not None:
            fired.setdefault(firing.unit.rule_index, set()).add(firing.unit.mode)
    return fired


def _recommended(outcome: Outcome) -> tuple[str, ...]:
    return tuple(sorted(i for i, status in outcome.statuses.items() if status == "aanbevolen"))


def _step(outcome: Outcome, instrument: str) -> str:
    step = outcome.escalations.get(instrument)
    if step is None:
        return "-"
    trede, duur = step
    return f"trede {trede}" + (f", {duur} maanden" if duur is not None else "")


SEEN_LIMIT = 20_000  # observations a comparison remembers (a few kB each) before it starts afresh


def _facts_only(rule: Rule) -> bool:
    """Whether a rule's condition reads only facts of the case (and parameters), no fact another rule derives."""
    return not any(isinstance(node, cond.Derived) for node in cond.walk(rule.when))


def _tests_field(ruleset: Ruleset, name: str) -> bool:
    """Whether any rule's condition tests this field of the case."""
    return any(isinstance(node, cond.Leaf) and node.field.split(".")[0] == name for rule in ruleset.rules for node in cond.walk(rule.when))


class Comparison:
    """Two compiled ruleset versions, compared case by case on statuses, recommendation and escalation.

    With `shortcut`, a case on which no changed rule can fire is evaluated only
    once: when no changed rule fired with the old rules, and the new version of
    every changed rule is false on the facts and derived facts of that run, the
    new rules reach the same fixpoint (a rule that is false on the final
    facts never contributed to them), so the decisions are the same. Most
    random cases are like that. It needs the same catalogue and information
    policy in both versions; otherwise every case runs twice.
    """

    def __init__(self, old: Engine, new: Engine, shortcut: bool = True) -> None:
        self.old = old
        self.new = new
        self.changes = Changes.between(old.ruleset, new.ruleset)
        self._changed_new = [r for r in new.ruleset.rules if r.id in self.changes.rules]
        self._changed_old = {i for i, r in enumerate(old.ruleset.rules) if r.id in self.changes.rules}
        self.shortcut = shortcut and not self.changes.instruments and old.ruleset.information == new.ruleset.information
        # Generated cases repeat (a third of them: the same route, pins and day give the same facts), and so
        # do the candidates hypothesis tries while shrinking. A case's observation does not depend on its
        # zaak_id unless a rule tests it, so the observations are remembered by the rest of the case.
        # When every changed rule, old and new, tests only facts of the case (no derived fact), whether one
        # of them holds is known before the engine runs: see `_untouched`.
        changed_old = [old.ruleset.rules[i] for i in sorted(self._changed_old)]
        self._facts_only = self.shortcut and all(_facts_only(r) for r in [*changed_old, *self._changed_new])
        self._changed_old_rules = changed_old
        self._seen: dict[tuple[str, dt.date | None], Observation | None] | None = (
            None if _tests_field(old.ruleset, "zaak_id") or _tests_field(new.ruleset, "zaak_id") else {}
        )

    def _unaffected(self, run: Run) -> bool:
        if not self.shortcut or any(f.unit.rule_index in self._changed_old for f in run.firings):
            return False
        explainer = Explainer(run.facts, run.derived)
        day = run.facts.peildatum
        return all(not rule.in_force(day) or explainer.evaluate(rule.when, Trace()) is False for rule in self._changed_new)

    def observe(self, case: Case, peildatum: dt.date | None = None) -> Observation:
        """The case under both versions (see the class docstring for when the new version is not run)."""
        observation = self._observe(case, peildatum)
        if observation is None:
            old_run, old = self.old.outcome(case, peildatum)
            same = _recommended(old)
            return Observation(old_run.facts.peildatum, (same, same), (), (), (), frozenset())
        return observation

    def _observe(self, case: Case, peildatum: dt.date | None = None) -> Observation | None:
        """Like `observe`, but None for a case no changed rule can touch, without working out its statuses.

        Such a case has the same decision under both versions and reaches no
        changed rule, so all a tally counts of it is that it was seen; the
        statuses of the old version (a fifth of the work of a case) are only
        worked out for a case that is compared.
        """
        if self._seen is None:
            return self._compare(case, peildatum)
        key = (case.model_dump_json(exclude={"zaak_id"}), peildatum)
        if key in self._seen:
            return self._seen[key]
        if len(self._seen) >= SEEN_LIMIT:
            self._seen.clear()
        observation = self._seen[key] = self._compare(case, peildatum)
        return observation

    def _untouched(self, case: Case, plan: Plan) -> bool:
        """Before any engine run: no changed rule can hold on this case, in either version.

        Only when every changed rule tests facts of the case alone (no derived
        fact) and the case takes one run: then the facts the engine would be
        given decide those rules, and a rule that is false on them fires in
        neither mode. The old rules would not fire and the new ones are false
        on the old run's facts, which is what `_unaffected` asks of that run,
        so the answer is the same without running it.
        """
        if not self._facts_only or len(plan.groups) != 1:
            return False
        explainer = Explainer(case_facts(case, plan.day, plan.groups[0][0]), {})
        if any(explainer.evaluate(rule.when, Trace()) is not False for rule in self._changed_old_rules):
            return False
        return all(not rule.in_force(plan.day) or explainer.evaluate(rule.when, Trace()) is False for rule in self._changed_new)

    def _compare(self, case: Case, peildatum: dt.date | None) -> Observation | None:
        plan = self.old.plan(case, peildatum)
        if self._untouched(case, plan):
            return None
        parts = self.old.parts(case, peildatum, plan)
        if len(parts) == 1 and self._unaffected(parts[0].run):  # with several information contexts, always compare
            return None
        old_run, old = self.old.outcome(case, peildatum, parts)
        new_run, new = self.new.outcome(case, peildatum)
        before = self._firings(self.old.ruleset, old_run)
        order = list(new.statuses) + [i for i in old.statuses if i not in new.statuses]
        statuses = tuple(
            (i, old.statuses.get(i, ABSENT), new.statuses.get(i, ABSENT)) for i in order if old.statuses.get(i) != new.statuses.get(i)
        )
        escalations = tuple((i, _step(old, i), _step(new, i)) for i in order if _step(old, i) != _step(new, i))
        after = self._firings(self.new.ruleset, new_run)
        rules = tuple(
            RuleChange(rule_id, before.get(rule_id, ()), after.get(rule_id, ()), self.changes.rules.get(rule_id, (None,))[0])
            for rule_id in sorted(before.keys() | after.keys())
            if before.get(rule_id, ()) != after.get(rule_id, ())
        )
        reached = frozenset(r for r in self.changes.rules if r in before or r in after)
        recommended = (_recommended(old), _recommended(new))
        return Observation(old_run.facts.peildatum, recommended, statuses, escalations, rules, reached)

    @staticmethod
    def _firings(ruleset: Ruleset, run: Run) -> dict[str, tuple[str, ...]]:
        modes: dict[str, set[str]] = {}
        for index, fired in _modes(run).items():
            modes.setdefault(ruleset.rules[index].id, set()).update(fired)
        return {rule_id: tuple(sorted(m)) for rule_id, m in modes.items()}



# A case no changed rule can touch, as a tally counts it: seen, the same decision, no changed rule reached.
UNTOUCHED = Observation(dt.date.min, ((), ()), (), (), (), frozenset())


# -- differences and the report ----------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A case whose decision differs, as reported: an example case as it is, or a generated one shrunk."""

    source: str  # the case file, or "gegenereerd"
    case: Case
    observation: Observation
    shrunk: bool = False
    count: int = 1  # generated cases of this kind

    def as_dict(self) -> dict[str, Any]:
        o = self.observation
        return {
            "bron": self.source,
            "zaak_id": self.case.zaak_id,
            "peildatum": o.peildatum.isoformat(),
            "verkleind": self.shrunk,
            "aantal_zaken": self.count,
            "aanbevolen": {"oud": list(o.recommended[0]), "nieuw": list(o.recommended[1])},
            "instrumenten": [{"id": i, "oud": old, "nieuw": new} for i, old, new in o.statuses],
            "escalatie": [{"id": i, "oud": old, "nieuw": new} for i, old, new in o.escalations],
            "regels": [r.as_dict() for r in o.rules],
            "zaak": self.case.model_dump(mode="json", exclude_defaults=True),
        }

    def text(self, number: int) -> str:
        o = self.observation
        if self.source == GENERATED:
            what = f"{self.count} gegenereerde zaak/zaken van deze soort" + (", verkleind tot" if self.shrunk else "; bijvoorbeeld")
        else:
            what = self.source
        lines = [f"{number}. {what} (zaak {self.case.zaak_id}, peildatum {o.peildatum.isoformat()})"]
        if self.source == GENERATED:
            lines.append("   " + json.dumps(self.case.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False))
        old, new = o.recommended
        if old != new:
            lines.append(f"   aanbevolen: {', '.join(old) or '(niets)'} -> {', '.join(new) or '(niets)'}")
        lines += [f"   {i}: {old} -> {new}" for i, old, new in o.statuses]
        lines += [f"   {i} escalatie: {old} -> {new}" for i, old, new in o.escalations]
        for rule in o.rules:
            note = f" [{rule.changed}]" if rule.changed else ""
            lines.append(f"   regel {rule.id}{note}: {'/'.join(rule.old) or 'vuurde niet'} -> {'/'.join(rule.new) or 'vuurde niet'}")
        return "\n".join(lines)


@dataclass
class RuleCoverage:
    """How the cases met one changed rule."""

    id: str
    change: str
    parts: tuple[str, ...]
    reached: int = 0  # cases in which it fired, in either version
    fired_differently: int = 0
    in_differences: int = 0  # cases with a different decision in which it fired differently

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "wijziging": self.change,
            "onderdelen": list(self.parts),
            "bereikt": self.reached > 0,
            "zaken_bereikt": self.reached,
            "zaken_anders_gevuurd": self.fired_differently,
            "zaken_met_verschil": self.in_differences,
        }

    def text(self) -> str:
        parts = f": {', '.join(self.parts)}" if self.parts else ""
        head = f"  {self.id} [{self.change}{parts}]"
        if not self.reached:
            return f"{head}: NIET BEREIKT — geen enkele zaak liet deze regel vuren; voeg een scenario toe dat hem bereikt"
        return (
            f"{head}: bereikt in {self.reached} zaak/zaken, anders gevuurd in {self.fired_differently}, "
            f"met een ander besluit in {self.in_differences}"
        )


@dataclass
class Report:
    """Everything `rules diff` found: the differences, and for every change how the cases met it."""

    differences: list[Difference]
    coverage: list[RuleCoverage]
    changes: Changes
    cases: dict[str, int]  # voorbeelden / gericht / willekeurig / onbruikbaar
    kinds: int  # kinds of difference among the generated cases
    other_kinds: list[tuple[Signature, int]] = field(default_factory=list)  # kinds beyond the limit, with their counts
    seed: int = 0

    @property
    def unreached(self) -> list[str]:
        return [c.id for c in self.coverage if not c.reached]

    @property
    def safe(self) -> bool:
        """No difference, and every changed rule was reached by some case."""
        return not self.differences and not self.unreached




# -- the example cases --------------------------------------------------------------------------------


def corpus(directories: Iterable[Path]) -> list[tuple[str, Case, dt.date | None]]:
    """The example cases: every scenario (with its peildatum) and every other case file in the directories."""
    found: list[tuple[str, Case, dt.date | None]] = []
    seen: set[tuple[str, dt.date | None]] = set()
    for directory in directories:
        entries: list[tuple[str, Case, dt.date | None]] = []
        for path in find(directory):
            scenario = load_scenario(path)
            entries.append((str(path), scenario.case, scenario.expected.peildatum))
        for path in sorted(directory.rglob("*.json")):
            entries.append((str(path), load_case(path), None))
        for source, case, day in entries:
            key = (case.model_dump_json(), day)
            if key not in seen:
                seen.add(key)
                found.append((source, case, day))
    return found


# -- shrinking with hypothesis ------------------------------------------------------------------------

KEEP = (False, True, True, True, True, True, True, True)  # shrinks towards False: the fact is left out


def _atoms(data: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every part of a case that can be left out: a list item, or a known fact (which then becomes unknown)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if path == () and key in ("zaak_id", "peildatum"):
                continue
            if isinstance(value, (dict, list)):
                yield from _atoms(value, (*path, key))
            elif value is not None:
                yield (*path, key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield (*path, index)
            if isinstance(value, (dict, list)):
                yield from _atoms(value, (*path, index))


def _without(data: Any, removed: set[tuple[Any, ...]], path: tuple[Any, ...] = ()) -> Any:
    if isinstance(data, dict):
        return {k: (None if (*path, k) in removed and not isinstance(v, (dict, list)) else _without(v, removed, (*path, k))) for k, v in data.items()}
    if isinstance(data, list):
        return [_without(v, removed, (*path, i)) for i, v in enumerate(data) if (*path, i) not in removed]
    return data


class _Found(Exception):
    """Raised inside the hypothesis test to mark a case that still shows the difference."""


def shrink(comparison: Comparison, case: Case, signature: Signature, config: settings) -> tuple[Case, bool]:
    """The fewest facts of `case` that still show a difference of this kind (and whether hypothesis found one).

    Hypothesis draws, for every list item and known fact, whether to keep it
    (keeping is seven times as likely, so the difference is soon seen again),
    and then shrinks those choices towards leaving everything out: what remains
    is a case in which no item or fact can be dropped without losing the
    difference.
    """
    data = case.model_dump(mode="json")
    atoms = list(_atoms(data))
    found: list[Case] = []

    @config
    @given(st.tuples(*[st.sampled_from(KEEP) for _ in atoms]))
    def probe(keep: tuple[bool, ...]) -> None:
        try:
            smaller = Case.model_validate(_without(data, {a for a, k in zip(atoms, keep, strict=True) if not k}))
        except ValidationError:
            return
        observation = comparison._observe(smaller)  # None: untouched, so not this (or any) kind of difference
        if observation is not None and observation.signature == signature:
            found.append(smaller)
            raise _Found

    try:
        with with_reporter(lambda _: None):
            probe()
    except _Found:
        return found[-1], True
    except HypothesisException as exc:
        raise EvaluationError(f"het verkleinen met hypothesis liep vast: {exc}") from None
    return case, False


def _shrink_settings(profile: str) -> settings:
    base = profile_settings(profile)
    return settings(
        base,
        max_examples=200,
        database=None,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        deadline=None,
    )


# -- running many cases, on all cores -----------------------------------------------------------------


@dataclass
class _Tally:
    """What a range of generated cases showed: per kind the count and the smallest case, and the coverage."""

    kinds: dict[Signature, tuple[int, tuple[int, int], str]] = field(default_factory=dict)  # -> (count, (size, number), case JSON)
    reached: dict[str, list[int]] = field(default_factory=dict)  # rule -> [reached, fired differently, in differences]
    sources: dict[str, int] = field(default_factory=dict)

    def count(self, observation: Observation) -> None:
        """How this case met the changed rules."""
        differently = {r.id for r in observation.rules if r.changed}
        for rule_id in observation.reached | differently:
            counts = self.reached.setdefault(rule_id, [0, 0, 0])
            counts[0] += rule_id in observation.reached
            counts[1] += rule_id in differently
            counts[2] += rule_id in differently and observation.differs

    def add(self, number: int, source: str, case: Case | None, observation: Observation | None) -> None:
        """A generated case: counted per source, for the coverage, and under its kind when its decision differs."""
        if case is None or observation is None:
            self.sources["onbruikbaar"] = self.sources.get("onbruikbaar", 0) + 1
            return
        self.sources[source] = self.sources.get(source, 0) + 1
        if observation is UNTOUCHED:
            return
        self.count(observation)
        if observation.differs:
            size = (len(list(_atoms(case.model_dump(mode="json")))), number)
            count, best, text = self.kinds.get(observation.signature, (0, (10**9, 0), ""))
            if size < best:
                best, text = size, case.model_dump_json()
            self.kinds[observation.signature] = (count + 1, best, text)

    def merge(self, other: _Tally) -> None:
        for signature, (count, best, text) in other.kinds.items():
            mine = self.kinds.get(signature, (0, (10**9, 0), ""))
            self.kinds[signature] = (mine[0] + count, *min((mine[1], mine[2]), (best, text)))
        for rule_id, counts in other.reached.items():
            mine_counts = self.reached.setdefault(rule_id, [0, 0, 0])
            for i in range(3):
                mine_counts[i] += counts[i]
        for source, count in other.sources.items():
            self.sources[source] = self.sources.get(source, 0) + count


_worker: tuple[Comparison, Generator] | None = None


def _use(comparison: Comparison, seed: int) -> None:
    global _worker
    _worker = (comparison, Generator([comparison.old.ruleset, comparison.new.ruleset], comparison.changes.rule_ids(), seed))


def _start(old: Program, new: Program, max_firings: int, seed: int) -> None:
    """Pool initializer: both versions in the worker process, from their compilations (nothing is compiled again)."""
    _use(
        Comparison(Engine(old.ruleset, max_firings=max_firings, program=old), Engine(new.ruleset, max_firings=max_firings, program=new)),
        seed,
    )


def _run_range(start: int, stop: int) -> _Tally:
    assert _worker is not None
    comparison, generator = _worker
    tally = _Tally()
    for number in range(start, stop):
        source, case = generator.case(number)
        observation = (comparison._observe(case) or UNTOUCHED) if case is not None else None
        tally.add(number, source, case, observation)
    return tally


def _shrink_one(text: str, signature: Signature, profile: str) -> tuple[str, bool]:
    assert _worker is not None
    smallest, shrunk = shrink(_worker[0], Case.model_validate_json(text), signature, _shrink_settings(profile))
    return smallest.model_dump_json(), shrunk


# -- the whole comparison -----------------------------------------------------------------------------


def diff(
    old: Engine,
    new: Engine,
    directories: Iterable[Path] = (),
    profile: str = CI,
    examples: int | None = None,
    limit: int = DEFAULT_MAX_DIFFERENCES,
    jobs: int = 1,
    seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Compare two versions on the example cases and on `examples` generated cases (see the module docstring).

    `jobs` processes evaluate the generated cases (1: in this process). With the
    `ci` profile the result is reproducible: the same seed, the same cases, the
    same shrunk examples. `progress(n, total)` is called as each `n` more of `total` cases are done.
    """
    comparison = Comparison(old, new)
    changes = comparison.changes
    if examples is None:
        examples = THOROUGH_EXAMPLES if profile != CI else DEFAULT_EXAMPLES
    if seed is None:
        seed = 0 if profile == CI else random.SystemRandom().randrange(2**31)
    report = Report([], [RuleCoverage(i, kind, parts) for i, (kind, parts) in changes.rules.items()], changes, {}, 0, seed=seed)
    _use(comparison, seed)
    with ExitStack() as stack:
        # The workers start on the generated cases at once; meanwhile this process runs the example cases,
        # so no core waits for the other, and the same workers shrink the differences afterwards.
        pool = stack.enter_context(_pool(comparison, jobs, seed)) if jobs > 1 and examples > 0 else None
        ranges = _ranges(examples, jobs)
        futures = [pool.submit(_run_range, start, stop) for start, stop in ranges] if pool is not None else None
        found, examples_seen = _examples(comparison, report, directories, examples)
        tally = _collect(ranges, futures, examples, progress)
        tally.merge(found)
        for coverage in report.coverage:
            reached, differently, differing = tally.reached.get(coverage.id, [0, 0, 0])
            coverage.reached, coverage.fired_differently, coverage.in_differences = reached, differently, differing
        report.cases = {"voorbeelden": examples_seen, **tally.sources}
        # Kinds in a stable order: the most frequent first, then by their first case.
        ordered = sorted(tally.kinds.items(), key=lambda kv: (-kv[1][0], kv[1][1][1]))
        report.kinds = len(ordered)
        chosen, rest = ordered[:limit], ordered[limit:]
        report.other_kinds = [(signature, count) for signature, (count, _, _) in rest]
        if pool is None and jobs > 1 and len(chosen) > 1:
            pool = stack.enter_context(_pool(comparison, min(jobs, len(chosen) - 1), seed))
        shrunk = _shrink_all(chosen, profile, pool)
    for (_, (count, _, _)), (text, was_shrunk) in zip(chosen, shrunk, strict=True):
        case = Case.model_validate_json(text)
        report.differences.append(Difference(GENERATED, case, comparison.observe(case), was_shrunk, count))
    return report


def _examples(comparison: Comparison, report: Report, directories: Iterable[Path], examples: int) -> tuple[_Tally, int]:
    """The example cases, in this process: their differences go into the report, their variations into a tally."""
    versions = [comparison.old.ruleset, comparison.new.ruleset]
    # The example cases as they are: each difference is reported with its file. Those that reach a changed
    # rule are also moved to its boundaries; those variations count as generated cases.
    found = _Tally()
    examples_seen = 0
    for source, example, day in corpus(directories):
        case = example.model_copy(update={"peildatum": day or example.peildatum})
        observation = comparison._observe(case) or UNTOUCHED
        examples_seen += 1
        found.count(observation)
        if observation.differs:
            report.differences.append(Difference(source, case, observation))
        touched = [r for rs in versions for r in rs.rules if r.id in observation.reached]
        for varied in vary(case, touched):
            found.add(examples + found.sources.get("voorbeeld_verschoven", 0), "voorbeeld_verschoven", varied, comparison._observe(varied) or UNTOUCHED)
    return found, examples_seen


def _pool(comparison: Comparison, jobs: int, seed: int) -> ProcessPoolExecutor:
    old, new = comparison.old, comparison.new
    return ProcessPoolExecutor(jobs, initializer=_start, initargs=(old.program, new.program, old.max_firings, seed))


def _ranges(examples: int, jobs: int) -> list[tuple[int, int]]:
    """Generated cases 0..examples-1 in ranges: small enough that no worker is left with a long last one.

    The merged tally does not depend on the ranges (counts add up, each kind keeps its smallest case,
    and merging in order keeps every name in the order it first appeared), nor on `jobs`.
    """
    if examples <= 0:
        return []
    size = max(20, min(200, examples // (max(jobs, 1) * 16) or 1))
    return [(start, min(start + size, examples)) for start in range(0, examples, size)]


def _collect(
    ranges: list[tuple[int, int]], futures: list[Future[_Tally]] | None, examples: int, progress: Callable[[int, int], None] | None
) -> _Tally:
    """The generated cases' tallies merged in the order of their ranges (run here when there are no workers).

    With workers, this process takes the last ranges that no worker has
    started yet (workers take them from the front), so it does not sit idle
    while they finish; who runs a range does not change its tally.
    """
    here: dict[int, _Tally] = {}
    if futures is not None:
        for position in reversed(range(len(ranges))):
            if not futures[position].cancel():
                break
            here[position] = _run_range(*ranges[position])
    tally = _Tally()
    for position, (start, stop) in enumerate(ranges):
        if position in here:
            tally.merge(here[position])
        else:
            tally.merge(futures[position].result() if futures is not None else _run_range(start, stop))
        if progress:
            progress(stop - start, examples)
    return tally


def _shrink_all(
    chosen: list[tuple[Signature, tuple[int, tuple[int, int], str]]], profile: str, pool: ProcessPoolExecutor | None
) -> list[tuple[str, bool]]:
    """Shrink each chosen kind: the first ones in the workers, the last one here meanwhile (the same result either way)."""
    if pool is None or len(chosen) <= 1:
        return [_shrink_one(text, signature, profile) for signature, (_, _, text) in chosen]
    futures = [pool.submit(_shrink_one, text, signature, profile) for signature, (_, _, text) in chosen[:-1]]
    signature, (_, _, text) = chosen[-1]
    last = _shrink_one(text, signature, profile)
    return [future.result() for future in futures] + [last]


def default_jobs() -> int:
    return os.cpu_count() or 1


# -- output -------------------------------------------------------------------------------------------


def _changes_dict(report: Report) -> dict[str, Any]:
    return {
        "regels": [c.as_dict() for c in report.coverage],
        "parameters": [{"naam": n, "oud": o, "nieuw": v} for n, o, v in report.changes.parameters],
        "instrumenten": [{"id": i, "wijziging": k} for i, k in report.changes.instruments],
    }


def to_json(report: Report) -> str:
    data = {
        "verschillen": [d.as_dict() for d in report.differences],
        "soorten_verschil": report.kinds,
        "overige_soorten": [
            {"regels": list(s[0]), "instrumenten": [{"id": i, "oud": o, "nieuw": n} for i, o, n in s[1]], "aantal_zaken": count}
            for s, count in report.other_kinds
        ],
        "wijzigingen": _changes_dict(report),
        "niet_bereikt": report.unreached,
        "zaken": report.cases,
        "zaad": report.seed,
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_text(report: Report, old: str, new: str) -> str:
    total = sum(report.cases.values()) - report.cases.get("onbruikbaar", 0)
    counted = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in report.cases.items() if n)
    parts = []
    if report.differences:
        parts.append(f"{len(report.differences)} verschil(len) tussen {old} en {new} ({total} zaken: {counted}):")
        parts += [d.text(n) for n, d in enumerate(report.differences, start=1)]
        if report.other_kinds:
            more = sum(count for _, count in report.other_kinds)
            parts.append(f"en nog {len(report.other_kinds)} andere soort(en) verschil in {more} gegenereerde zaken (--max-verschillen)")
    else:
        parts.append(f"geen verschil in de besluiten tussen {old} en {new} op {total} zaken ({counted})")
    lines = ["Gewijzigd:"]
    lines += [c.text() for c in report.coverage]
    lines += [f"  parameter {n}: {json.dumps(o, ensure_ascii=False)} -> {json.dumps(v, ensure_ascii=False)}" for n, o, v in report.changes.parameters]
    lines += [f"  instrument {i} [{k}]" for i, k in report.changes.instruments]
    if len(lines) == 1:
        lines.append("  geen regels, parameters of instrumenten")
    parts.append("\n".join(lines))
    if report.unreached:
        parts.append(
            f"LET OP: {len(report.unreached)} gewijzigde regel(s) door geen enkele zaak bereikt ({', '.join(report.unreached)}): "
            "'geen verschil' zegt over die regels niets"
        )
    return "\n\n".join(parts) + "\n"


__all__ = ["Changes", "Comparison", "Difference", "Observation", "Report", "RuleChange", "corpus", "diff", "shrink", "to_json", "to_text"]
