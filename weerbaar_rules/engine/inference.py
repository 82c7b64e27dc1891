"""Running a ruleset's compiled strata over one case on durable_rules: the firings and derived facts, per information context.

The first stage that knows the engine: below it are the case and the rule
language, above it the decision assembled from its runs (decision/) and the
explanation (explain/).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any

from ..case.model import Case
from ..language.ruleset import Ruleset
from . import backend
from .compiler import DEFINITE, DERIVED_TYPE, POSSIBLE, Program, compile_ruleset, flag_key, implied_modes
from .facts import PROVENANCE, TYPE, case_facts
from .gate import Context, Verdict, context_of, provision_floors, verdicts
from .runs import MAIN, Firing, Part, Run

DEFAULT_MAX_FIRINGS = 20_000

_Key = tuple[tuple[str, Any], ...]  # per information id, what a run depends on of its verdict (gate.Verdict.key)


@functools.cache
def _derived_facts(name: str, mode: str) -> tuple[dict[str, Any], ...]:
    """The engine facts that stand for a fact derived in `mode` (one per implied mode).

    Built once per name and mode; the same dicts serve every case (they are never mutated).
    """
    return tuple({TYPE: DERIVED_TYPE, "naam": name, "modus": m, PROVENANCE: f"afgeleid:{name}:{m}"} for m in implied_modes(mode))


@dataclass(frozen=True)
class Plan:
    """The runs a case takes (`Inference.plan`): per group its usable information, contexts and instruments."""

    day: dt.date
    groups: list[tuple[dict[str, Verdict], list[Context], list[str]]]
    judged: dict[Context, dict[str, Verdict]]  # the gate's verdicts per context


class Inference:
    """A ruleset compiled to durable_rules strata, run over one case at a time.

    Only the inference: which rules fire and which facts they derive. The
    decision and its explanation are assembled from these runs one stage up
    (decision/, explain/); `evaluation.Engine` puts the stages together.
    """

    def __init__(self, ruleset: Ruleset, max_firings: int = DEFAULT_MAX_FIRINGS, program: Program | None = None) -> None:
        """Compile `ruleset`, unless `program` is its compilation already (read from the cache, evaluation/cache.py)."""
        if program is not None and program.ruleset is not ruleset:
            raise ValueError("program is not the compilation of this ruleset")
        self.ruleset = ruleset
        self.program: Program = program if program is not None else compile_ruleset(ruleset)
        self.max_firings = max_firings
        self._context_cache: dict[dt.date, tuple[list[Context], list[tuple[str, int]]]] = {}
        # Per stratum: the derived facts whose absence it tests, with the case-fact fields that say so.
        self._absence_flags = [
            tuple((name, flag_key(name, DEFINITE), flag_key(name, POSSIBLE)) for name in sorted(s.negated_flags))
            for s in self.program.strata
        ]

    def run(self, case: Case, peildatum: dt.date | None = None, usable_info: Mapping[str, Verdict] | None = None) -> Run:
        """Only the inference: every rule firing and derived fact for `case`, without assembling a decision.

        For tools that need the raw firings (coverage, diff); `evaluate` is the
        normal entry point. The peildatum argument overrides the case's own;
        `usable_info` gives the gate's verdict on each information item (default:
        for the burgemeester, general purpose; see `parts`).
        """
        day = peildatum or case.peildatum or dt.date.today()
        if usable_info is None:
            usable_info = verdicts(case, MAIN, self.ruleset.information, day)
        facts = case_facts(case, day, usable_info)
        zaak_provenance = facts.zaak[PROVENANCE]
        units = self.program.units
        firings: list[Firing] = []
        derived: dict[str, str] = {}
        asserted: dict[str, dict[str, Any]] = {}  # provenance -> derived fact, in the order first derived
        counted: dict[str, set[str]] = {}  # count unit -> the distinct items it matched so far

        def on_match(match: backend.Match) -> list[dict[str, Any]]:
            unit = units[match.rule]
            matched = match.facts
            if unit.at_least > 1:
                # Distinct items, not matches: durable_rules matches an item once per $or branch it meets.
                items = counted.setdefault(unit.name, set())
                before = len(items)
                items.update(p for p in matched if p != zaak_provenance)
                if len(items) < unit.at_least or before >= unit.at_least:
                    return []
                matched = tuple(sorted(items))
            firings.append(Firing(unit, matched))
            if not unit.derives:
                return []
            new: list[dict[str, Any]] = []
            for name in unit.derives:
                # A definitely derived fact is also possibly derived; a possible one never downgrades a definite one.
                if unit.mode == DEFINITE:
                    derived[name] = DEFINITE
                else:
                    derived.setdefault(name, POSSIBLE)
                for fact in _derived_facts(name, unit.mode):
                    if fact[PROVENANCE] not in asserted:
                        asserted[fact[PROVENANCE]] = fact
                        new.append(fact)
            return new

        for stratum, flags in zip(self.program.strata, self._absence_flags):
            zaak = facts.zaak
            if flags:
                zaak = dict(zaak)
                for name, definite_key, possible_key in flags:
                    state = derived.get(name)
                    zaak[definite_key] = state != DEFINITE
                    zaak[possible_key] = state is None
            batch = [zaak]
            batch.extend(f for f in facts.items if f[TYPE] in stratum.fact_types)
            batch.extend(f for f in asserted.values() if f["naam"] in stratum.derived_used)
            backend.run(stratum.name, stratum.definition, batch, on_match, self.max_firings)
        return Run(facts=facts, firings=firings, derived=derived)

    def plan(self, case: Case, peildatum: dt.date | None = None) -> Plan:
        """Which runs `parts` makes: the instruments grouped by the information they may use, the main group first.

        The gate's work without the engine's: a caller that only needs to know
        whether a case takes one run, and with which usable information
        (`rules diff`), asks this first and hands it to `parts`.
        """
        day = peildatum or case.peildatum or dt.date.today()
        policy = self.ruleset.information
        floors = provision_floors(case, policy, day)
        contexts, owners = self._contexts(day)
        # The gate judges each context once (a few contexts, many instruments); contexts whose verdicts run
        # the same form one group, created in the order their first instrument appears.
        judged = [verdicts(case, context, policy, day, floors) for context in contexts]
        keys = [tuple(sorted((i, v.key) for i, v in usable.items())) for usable in judged]
        groups: dict[_Key, tuple[dict[str, Verdict], list[Context], list[str]]] = {}
        for position, context in enumerate(contexts):
            groups.setdefault(keys[position], (judged[position], [], []))[1].append(context)
        for inst_id, position in owners:
            groups[keys[position]][2].append(inst_id)
        ordered = sorted(groups.values(), key=lambda g: (MAIN not in g[1], -len(g[2]), sorted(g[1])))
        return Plan(day, ordered, dict(zip(contexts, judged)))

    def _contexts(self, day: dt.date) -> tuple[list[Context], list[tuple[str, int]]]:
        """The distinct contexts of the instruments on this day, in the order the instruments first use them, and
        each instrument with the position of its context there: the same for every case of that day."""
        found = self._context_cache.get(day)
        if found is None:
            if len(self._context_cache) >= 4096:  # a server sees many days; keep the table small
                self._context_cache.clear()
            contexts: list[Context] = []
            owners: list[tuple[str, int]] = []
            for inst in self.ruleset.instruments:
                context = context_of(inst, day)
                if context not in contexts:
                    contexts.append(context)
                owners.append((inst.id, contexts.index(context)))
            found = self._context_cache[day] = (contexts, owners)
        return found

    def parts(self, case: Case, peildatum: dt.date | None = None, plan: Plan | None = None) -> list[Part]:
        """One run per distinct set of usable information among the instruments' contexts, the main one first.

        Information law depends on who uses the information and for what
        (gate.py): police data provided to the burgemeester do not carry a
        college power, Bibob information serves only Bibob decisions. Most
        cases need one run; a case with such information needs one per group of
        instruments that may use the same information. `plan`: `self.plan(case, peildatum)`, if the caller has it.
        """
        if plan is None:
            plan = self.plan(case, peildatum)
        parts = []
        for position, (usable, contexts, members) in enumerate(plan.groups):
            run = self.run(case, plan.day, usable)
            run.context = " / ".join(c.label for c in sorted(contexts)) if position else MAIN.label
            judged_here = {c: plan.judged[c] for c in sorted(contexts)}
            parts.append(Part(run, frozenset(members), tuple(sorted(contexts)), position == 0, judged_here))
        return parts


__all__ = ["DEFAULT_MAX_FIRINGS", "Inference"]
