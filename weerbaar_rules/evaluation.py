"""Evaluating a case: run the strata on durable_rules, record every firing, assemble the decision."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__, backend
from . import conditions as cond
from .compiler import DEFINITE, DERIVED_TYPE, POSSIBLE, Program, Unit, compile_ruleset, flag_key, implied_modes
from .decision import Decision, Escalation, FiringRecord, InformationVerdict, InstrumentDecision, MissingFact, Receipt
from .digraph import DiGraph
from .explain import Explainer, Trace
from .facts import PROVENANCE, TYPE, CaseFacts, case_facts
from .model import Case
from .ruleset import Ruleset, load_ruleset

DEFAULT_MAX_FIRINGS = 20_000


@functools.cache
def _derived_facts(name: str, mode: str) -> tuple[dict[str, Any], ...]:
    """The engine facts that stand for a fact derived in `mode` (one per implied mode).

    Built once per name and mode; the same dicts serve every case (they are never mutated).
    """
    return tuple({TYPE: DERIVED_TYPE, "naam": name, "modus": m, PROVENANCE: f"afgeleid:{name}:{m}"} for m in implied_modes(mode))


class Firing(NamedTuple):
    """One rule firing: which rule, in which mode, on which facts (provenance keys, in pattern order)."""

    unit: Unit
    facts: tuple[str, ...]


@dataclass
class Run:
    """The raw result of running the strata for one case."""

    facts: CaseFacts
    firings: list[Firing]
    derived: dict[str, str]  # name -> zeker | mogelijk


class Engine:
    """A compiled ruleset (optionally with a municipal profile) that evaluates cases.

    Build it once and reuse it: compiling registers rulesets in the C engine,
    which are never freed. Evaluations are isolated per case and serialised by
    a lock, so one engine may be shared between threads.
    """

    def __init__(self, ruleset: Ruleset, max_firings: int = DEFAULT_MAX_FIRINGS) -> None:
        self.ruleset = ruleset
        self.program: Program = compile_ruleset(ruleset)
        self.max_firings = max_firings
        self.citations = {inst.id: tuple(c.as_output() for c in inst.grondslag) for inst in ruleset.instruments}
        # Per stratum: the derived facts whose absence it tests, with the case-fact fields that say so.
        self._absence_flags = [
            tuple((name, flag_key(name, DEFINITE), flag_key(name, POSSIBLE)) for name in sorted(s.negated_flags))
            for s in self.program.strata
        ]

    @classmethod
    def from_directory(cls, directory: str | Path | None = None, profile: str | Path | None = None, **kwargs: Any) -> "Engine":
        """Load and compile a ruleset directory, optionally with a municipal profile (a YAML file) on top.

        Without `directory`: the national rules that ship with the package (or
        `WEERBAAR_REGELS`). Raises `RulesetError`/`ProfileError` naming file,
        rule and line; compile once and reuse the engine for many cases.
        """
        from .resources import national_rules

        return cls(load_ruleset(directory if directory is not None else national_rules(), profile), **kwargs)

    # -- running -------------------------------------------------------------

    def run(self, case: Case, peildatum: dt.date | None = None) -> Run:
        """Only the inference: every rule firing and derived fact for `case`, without assembling a decision.

        For tools that need the raw firings (coverage, diff); `evaluate` is the
        normal entry point. The peildatum argument overrides the case's own.
        """
        day = peildatum or case.peildatum or dt.date.today()
        facts = case_facts(case, day, self.ruleset.information)
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

    def evaluate(self, case: Case, peildatum: dt.date | None = None) -> Decision:
        """The decision for one case: every instrument's status with its reasons, and the explained graph.

        The law in force on `peildatum` (else the case's peildatum, else today)
        is applied. Deterministic, and isolated from every other evaluation;
        raises `EvaluationError` only when the rules run away.
        """
        run = self.run(case, peildatum)
        return _Assembler(self, case, run).decision()


class _Assembler:
    """Turns recorded firings into statuses, reasons and the graph."""

    def __init__(self, engine: Engine, case: Case, run: Run) -> None:
        self.engine = engine
        self.ruleset = engine.ruleset
        self.case = case
        self.run = run
        day = run.facts.peildatum
        rules = engine.ruleset.rules
        derivers: dict[str, list[cond.Condition]] = {
            name: [rules[i].when for i in indexes if rules[i].in_force(day)] for name, indexes in engine.ruleset.deriving.items()
        }
        self.explainer = Explainer(run.facts, run.derived, derivers)
        self.rules = self.ruleset.rules
        # (rule index, mode) -> firings
        self.by_rule: dict[tuple[int, str], list[Firing]] = {}
        for firing in run.firings:
            if firing.unit.rule_index is not None:
                self.by_rule.setdefault((firing.unit.rule_index, firing.unit.mode), []).append(firing)

    def fired(self, index: int, mode: str = DEFINITE) -> bool:
        return (index, mode) in self.by_rule

    def concluding(self, kind: str, instrument: str) -> list[int]:
        return self.ruleset.concluding.get((kind, instrument), [])

    def _missing_for(self, index: int) -> Trace:
        """Why a rule is only possibly true: walk it over the facts, in force on this peildatum."""
        trace = Trace()
        self.explainer.evaluate(self.rules[index].when, trace)
        return trace

    def _why_not(self, indexes: list[int]) -> tuple[list[str], list[str]]:
        """Why none of these rules fired: their unmet conditions (each named with its rule) and the facts the AVG held back."""
        unmet: list[str] = []
        blocked: list[str] = []
        day = self.run.facts.peildatum
        for index in indexes:
            rule = self.rules[index]
            if not rule.in_force(day):
                van = rule.geldig_van.isoformat() if rule.geldig_van else "…"
                tot = rule.geldig_tot.isoformat() if rule.geldig_tot else "…"
                unmet.append(f"{rule.id}: geldt niet op peildatum {day.isoformat()} (geldig {van} t/m {tot})")
                continue
            inner = Trace()
            self.explainer.evaluate(rule.when, inner)
            unmet.extend(f"{rule.id}: {u}" for u in inner.unmet if f"{rule.id}: {u}" not in unmet)
            blocked.extend(b for b in inner.blocked if b not in blocked)
        return unmet, blocked

    def instrument(self, inst_index: int) -> InstrumentDecision:
        inst = self.ruleset.instruments[inst_index]
        available = self.concluding("available", inst.id)
        excluding = self.concluding("exclude", inst.id)
        suitable = self.concluding("suitable", inst.id)
        avail_def = [i for i in available if self.fired(i)]
        avail_pos = [i for i in available if self.fired(i, POSSIBLE) and not self.fired(i)]
        excl_def = [i for i in excluding if self.fired(i)]
        excl_pos = [i for i in excluding if self.fired(i, POSSIBLE) and not self.fired(i)]
        suit_def = [i for i in suitable if self.fired(i)]
        reasons: list[str] = []
        unmet: list[str] = []
        missing: list[str] = []
        blocked: list[str] = []
        used: list[int] = []
        if excl_def:
            status = "uitgesloten"
            used = excl_def
            reasons = [self._reason(i, "exclude", inst.id) for i in excl_def]
        elif avail_def and not excl_pos:
            status = "mogelijk"
            used = avail_def + suit_def
            reasons = [f"beschikbaar: {self.rules[i].title}" for i in avail_def]
            reasons += [f"passend: {self._reason(i, 'suitable', inst.id)}" for i in suit_def]
        elif avail_def or avail_pos:
            status = "onbeslist"
            used = avail_def or avail_pos
            deciding = excl_pos if avail_def else avail_pos
            for i in deciding:
                trace = self._missing_for(i)
                missing.extend(str(m) for m in trace.missing if m not in missing)
            if avail_def:
                reasons = [f"mogelijk uitgesloten: {self._reason(i, 'exclude', inst.id)}" for i in excl_pos]
            else:
                reasons = [f"mogelijk beschikbaar: {self.rules[i].title}" for i in avail_pos]
        else:
            status = "uitgesloten"
            unmet, blocked = self._why_not(available)
            reasons = ["geen regel maakt dit instrument beschikbaar op deze feiten"]
            if blocked:
                reasons.append(
                    "feiten die alleen op informatie zonder rechtmatige grondslag berusten zijn niet gebruikt; "
                    f"nodig: {self.ruleset.information.nodig}"
                )
        procedure: list[str] = []
        weigh: list[str] = []
        if status in ("mogelijk", "onbeslist"):
            for i in sorted(set(self.concluding("require", inst.id) + self.concluding("weigh", inst.id))):
                if not self.fired(i):
                    continue
                for c in self.rules[i].then:
                    if c.kind == "require" and inst.id in c.targets and c.require not in procedure:
                        procedure.append(c.require)  # type: ignore[arg-type]
                        used.append(i)
                    if c.kind == "weigh" and inst.id in c.targets and c.weigh not in weigh:
                        weigh.append(c.weigh)  # type: ignore[arg-type]
                        used.append(i)
        escalation = self._escalation(inst.id) if status in ("mogelijk", "onbeslist") else None
        # model_construct: every value is built here from validated data, so validating again only costs time.
        return InstrumentDecision.model_construct(
            escalatie=escalation,
            id=inst.id,
            naam=inst.naam,
            categorie=inst.categorie,
            spoor=inst.spoor,
            status=status,  # type: ignore[arg-type]
            bevoegd=inst.bevoegd,
            ingrijpendheid=inst.ingrijpendheid,
            grondslag=[dict(c) for c in self.engine.citations[inst.id]],
            regels=sorted({self.rules[i].id for i in used}),
            redenen=reasons,
            onvervulde_voorwaarden=unmet,
            ontbrekende_feiten=missing,
            geblokkeerde_feiten=blocked,
            procedure=procedure,
            afwegingspunten=weigh,
        )

    def _escalation(self, instrument: str) -> Escalation | None:
        """The highest step of the escalation ladder that a (policy) rule reached for this instrument."""
        steps = [
            (c.trede, c.duur_maanden, c.reason, self.rules[i].id)
            for i in self.concluding("escalate", instrument)
            if self.fired(i)
            for c in self.rules[i].then
            if c.kind == "escalate" and instrument in c.targets
        ]
        if not steps:
            return None
        trede, duur, reden, regel = max(steps, key=lambda s: (s[0], s[3]))
        return Escalation(trede=trede, duur_maanden=duur, reden=reden, regel=regel)  # type: ignore[arg-type]

    def _reason(self, index: int, kind: str, instrument: str) -> str:
        for c in self.rules[index].then:
            if c.kind == kind and instrument in c.targets and c.reason:
                return c.reason
        return self.rules[index].title

    def recommend(self, instruments: list[InstrumentDecision]) -> tuple[list[str], list[str]]:
        """Subsidiarity per track: the least intrusive instrument that is available and judged suitable."""
        suitable_ids = {inst.id for inst in instruments if any(self.fired(i) for i in self.concluding("suitable", inst.id))}
        chosen: list[str] = []
        notes: list[str] = []
        tracks: dict[str, list[InstrumentDecision]] = {}
        for inst in instruments:
            tracks.setdefault(inst.spoor, []).append(inst)
        for track, members in tracks.items():
            fitting = [m for m in members if m.status == "mogelijk" and m.id in suitable_ids]
            if not fitting:
                continue
            best = min(fitting, key=lambda m: m.ingrijpendheid)
            best.status = "aanbevolen"
            chosen.append(best.id)
            others = [m.naam for m in fitting if m is not best]
            note = f"{best.naam}: passend en het minst ingrijpende passende instrument in spoor '{track}'"
            if others:
                note += f" (ook passend maar ingrijpender: {', '.join(others)})"
            notes.append(note)
        return chosen, notes

    def information(self) -> list[InformationVerdict]:
        policy = self.ruleset.information
        lawful = set(policy.rechtmatige_grondslagen)
        weak = set(policy.onvoldoende_bronnen)
        verdicts = []
        for item in self.case.informatie:
            if item.grondslag not in lawful:
                usable, why = False, f"grondslag '{item.grondslag}' is geen rechtmatige grondslag voor gebruik door de gemeente"
            elif item.bron in weak:
                usable, why = False, f"bron '{item.bron}' kan op zichzelf geen besluit dragen"
            else:
                usable, why = True, f"bruikbaar op grond van {item.grondslag}"
            verdicts.append(InformationVerdict(id=item.id, bron=item.bron, grondslag=item.grondslag, bruikbaar=usable, toelichting=why))
        return verdicts

    def decision(self) -> Decision:
        instruments = [self.instrument(i) for i in range(len(self.ruleset.instruments))]
        chosen, notes = self.recommend(instruments)
        profile = self.ruleset.profile
        receipt = Receipt(
            ruleset=self.ruleset.name,
            ruleset_versie=self.ruleset.version,
            ruleset_hash=self.ruleset.hash,
            profiel=profile.naam if profile else None,
            profiel_versie=profile.versie if profile else None,
            profiel_hash=profile.hash if profile else None,
            profiel_wijzigingen=[vars(c) for c in profile.changes] if profile else [],
            engine_versie=__version__,
        )
        firings = sorted(
            (
                FiringRecord.model_construct(
                    regel=self.rules[f.unit.rule_index].id if f.unit.rule_index is not None else f.unit.name,
                    modus=f.unit.mode,
                    laag=f.unit.stratum,
                    feiten=sorted(f.facts),
                )
                for f in self.run.firings
            ),
            key=lambda r: (r.laag, r.regel, r.modus, r.feiten),
        )
        decision = Decision(
            zaak_id=self.case.zaak_id,
            peildatum=self.run.facts.peildatum,
            gemeente=self.case.gemeente,
            ontvangstbewijs=receipt,
            aanbevolen=chosen,
            toelichting_aanbeveling=notes,
            instrumenten=instruments,
            afgeleide_feiten={k: v for k, v in sorted(self.run.derived.items()) if not k.startswith("__")},
            informatie=self.information(),
            afvuringen=firings,
        )
        ruleset, case, run = self.ruleset, self.case, self.run

        def explain(done: Decision) -> tuple[DiGraph, list[MissingFact]]:
            from .graph import build_graph
            from .missing import analyse

            graph = build_graph(ruleset, case, run, done)
            return graph, [MissingFact(**row) for row in analyse(graph)]

        decision._explainer = explain
        return decision
