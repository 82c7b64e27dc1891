"""Assembling the decision from the runs: each instrument's status, reasons, unmet conditions and missing facts.

Reads the recorded firings and the rule walks of each run (engine/runs.py);
the recommendation follows from subsidiarity per track. The explanation graph
is one stage up (explain/), built from the same runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, Generic, NamedTuple, TypeVar

from pydantic import BaseModel

from ..case.model import Case
from ..core.version import __version__
from ..engine.compiler import DEFINITE, POSSIBLE
from ..engine.gate import GENERAL, Context, context_of
from ..engine.runs import Firing, Part, Run, rule_walk
from ..engine.walk import OpenException, Trace, Tri, open_exceptions
from ..language import conditions as cond
from ..language.ruleset import Instrument, Ruleset
from .model import (
    Decision,
    Escalation,
    FiringRecord,
    InformationUse,
    InformationVerdict,
    InstrumentDecision,
    OpenCheck,
    Receipt,
    SetAside,
)

# The first reason of an instrument no rule made available (an exclusion rule gives its own reasons instead).
NOT_AVAILABLE = "geen regel maakt dit instrument beschikbaar op deze feiten"

_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december")


def dutch_date(day: dt.date) -> str:
    """A date as a Dutch reader writes it: 1 november 2007."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def validity_words(title: str, van: dt.date | None, tot: dt.date | None, day: dt.date) -> str | None:
    """Why a rule (its Dutch title, with its geldig_van/geldig_tot) did not apply on `day`, in words; None if it did."""
    if van is not None and day < van:
        return f"de bevoegdheid gold op de peildatum ({dutch_date(day)}) nog niet (sinds {dutch_date(van)}: {title})"
    if tot is not None and day > tot:
        return f"de bevoegdheid gold op de peildatum ({dutch_date(day)}) niet meer (tot en met {dutch_date(tot)}: {title})"
    return None


class Citations:
    """An instrument's legal basis as it stood on a day, with links to the text then in force; cached per ruleset."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._found: dict[tuple[str, dt.date], tuple[dict[str, Any], ...]] = {}

    def __call__(self, instrument: str, day: dt.date) -> tuple[dict[str, Any], ...]:
        key = (instrument, day)
        found = self._found.get(key)
        if found is None:
            if len(self._found) > 4096:
                self._found.clear()  # peildata vary per case: keep the cache bounded
            found = tuple(c.as_output(day) for c in self.ruleset.instrument(instrument).citations_on(day))
            self._found[key] = found
        return found


class _Steps(NamedTuple):
    """One rule's procedural steps and weighing points for one instrument, in the rule's order."""

    rule: int  # its index in the ruleset
    conclusions: tuple[tuple[str, str], ...]  # (require | weigh, text)


class _InstrumentPlan(NamedTuple):
    """What assembling one instrument reads of the ruleset, the same for every case: worked out once per ruleset."""

    inst: Instrument
    available: list[int]
    excluding: list[int]
    suitable: list[int]
    steps: tuple[_Steps, ...]  # the require and weigh rules, by rule index
    escalations: tuple[tuple[int, int, int | None, str, str], ...]  # (rule index, trede, duur_maanden, reden, rule id)
    reasons: dict[tuple[int, str], str]  # (rule index, exclude | suitable) -> the reason it gives for this instrument


class _Plan:
    """The per-ruleset part of assembling a decision: per instrument its rules, steps, escalations and reasons.

    Assembling ran these look-ups through the rules' conclusions for every
    instrument of every case; they depend only on the ruleset, which never
    changes, so they are made once and kept with it (`_plan`). Also the
    information contexts per peildatum, which depend only on the day.
    """

    def __init__(self, ruleset: Ruleset) -> None:
        concluding = ruleset.concluding
        rules = ruleset.rules
        self.instruments: dict[str, _InstrumentPlan] = {}
        for inst in ruleset.instruments:
            steps = []
            for i in sorted(set(concluding.get(("require", inst.id), []) + concluding.get(("weigh", inst.id), []))):
                found = tuple(
                    (c.kind, c.require if c.kind == "require" else c.weigh)
                    for c in rules[i].then
                    if c.kind in ("require", "weigh") and inst.id in c.targets
                )
                steps.append(_Steps(i, found))  # type: ignore[arg-type]
            escalations = tuple(
                (i, c.trede, c.duur_maanden, c.reason, rules[i].id)
                for i in concluding.get(("escalate", inst.id), [])
                for c in rules[i].then
                if c.kind == "escalate" and inst.id in c.targets
            )
            reasons = {}
            for kind in ("exclude", "suitable"):
                for i in concluding.get((kind, inst.id), []):
                    reasons[(i, kind)] = next(
                        (c.reason for c in rules[i].then if c.kind == kind and inst.id in c.targets and c.reason), rules[i].title
                    )
            self.instruments[inst.id] = _InstrumentPlan(
                inst,
                concluding.get(("available", inst.id), []),
                concluding.get(("exclude", inst.id), []),
                concluding.get(("suitable", inst.id), []),
                tuple(steps),
                escalations,  # type: ignore[arg-type]
                reasons,
            )
        self.ruleset = ruleset
        self._contexts: dict[dt.date, dict[Context, list[str]]] = {}
        self.may_except = _may_except(ruleset)

    def contexts(self, day: dt.date) -> dict[Context, list[str]]:
        """Information context -> the instruments that use information in it on `day`, in catalogue order."""
        found = self._contexts.get(day)
        if found is None:
            if len(self._contexts) > 1024:
                self._contexts.clear()  # peildata vary per case: keep the cache bounded
            found = {}
            for inst in self.ruleset.instruments:
                found.setdefault(context_of(inst, day), []).append(inst.id)
            self._contexts[day] = found
        return found


def _may_except(ruleset: Ruleset) -> tuple[bool, ...]:
    """Per rule: whether its condition, or that of a rule deriving a fact it reads (and so on down), has an exception.

    Only an exception (`unless`) gives a walk an established exception to report
    (walk.py), so below a rule without one `_behind` finds none without walking.
    """
    rules = ruleset.rules
    reads: list[set[str]] = []
    found: list[bool] = []
    for rule in rules:
        nodes = list(cond.walk(rule.when))
        reads.append({n.name for n in nodes if isinstance(n, cond.Derived)})
        found.append(any(isinstance(n, cond.Unless) for n in nodes))
    changed = True
    while changed:  # to a fixed point: a rule inherits an exception from any rule deriving what it reads
        changed = False
        for index, names in enumerate(reads):
            if not found[index] and any(found[j] for name in names for j in ruleset.deriving.get(name, [])):
                found[index] = changed = True
    return tuple(found)


def _plan(ruleset: Ruleset) -> _Plan:
    """The ruleset's assembly plan, made by the first decision and kept with the ruleset (which never changes)."""
    return ruleset.kept("_assembly_plan", _Plan)


_M = TypeVar("_M", bound=BaseModel)


class _Construct(Generic[_M]):
    """`model_construct` for a decision model whose every field the caller gives: the same instance, without the field loop.

    Pydantic's `model_construct` looks at aliases and defaults field by field,
    about 60 times per case here. When the values name exactly the model's
    fields (and the model has no aliases, post-init or extra fields), the
    result is that of setting its `__dict__` in field order, which is what
    this does; anything else goes to `model_construct` itself, so a field
    added to the model later is filled as pydantic fills it.
    """

    def __init__(self, model: type[_M]) -> None:
        self.model = model
        fields = model.__pydantic_fields__
        self.names = tuple(fields)
        self.fast = (
            all(f.alias is None and f.validation_alias is None for f in fields.values())
            and not model.__pydantic_root_model__
            and not model.__pydantic_post_init__
            and model.model_config.get("extra") != "allow"
        )

    def __call__(self, **values: Any) -> _M:
        if not self.fast or len(values) != len(self.names):
            return self.model.model_construct(**values)
        try:
            ordered = {name: values[name] for name in self.names}
        except KeyError:
            return self.model.model_construct(**values)
        made = self.model.__new__(self.model)
        object.__setattr__(made, "__dict__", ordered)
        object.__setattr__(made, "__pydantic_fields_set__", set(self.names))
        object.__setattr__(made, "__pydantic_extra__", None)
        object.__setattr__(made, "__pydantic_private__", None)
        return made


_instrument_decision = _Construct(InstrumentDecision)
_firing_record = _Construct(FiringRecord)


class Standing(NamedTuple):
    """The rules about one instrument that fired (definitely, or only possibly) and the status that follows."""

    status: str
    available: list[int]
    possibly_available: list[int]
    excluded: list[int]
    possibly_excluded: list[int]
    suitable: list[int]


class Outcome(NamedTuple):
    """The conclusions of a decision: instrument -> status (with `aanbevolen`), and -> (trede, duur_maanden)."""

    statuses: dict[str, str]
    escalations: dict[str, tuple[int, int | None]]
    parts: int = 1  # runs it took: more than one when instruments may use different information (engine/gate.py)


class _Assembler:
    """Turns recorded firings into statuses, reasons and the graph."""

    def __init__(self, ruleset: Ruleset, citations: Citations, case: Case, run: Run) -> None:
        self.citations = citations
        self.ruleset = ruleset
        self.case = case
        self.run = run
        self.rules = self.ruleset.rules
        self.plan = _plan(ruleset)
        # (rule index, mode) -> firings
        self.by_rule: dict[tuple[int, str], list[Firing]] = {}
        self._below: dict[tuple[int, ...], tuple[list[str], list[str]]] = {}  # rules -> what `_behind` found below them
        self._timed: dict[str, str | None] = {}  # derived fact -> `_out_of_time` of it (asked per rule that misses it)
        for firing in run.firings:
            if firing.unit.rule_index is not None:
                self.by_rule.setdefault((firing.unit.rule_index, firing.unit.mode), []).append(firing)

    def fired(self, index: int, mode: str = DEFINITE) -> bool:
        return (index, mode) in self.by_rule

    def _walk(self, index: int) -> tuple[Tri, Trace]:
        return rule_walk(self.ruleset, self.run, index)

    def _missing_for(self, index: int) -> Trace:
        """Why a rule is only possibly true: walk it over the facts, in force on this peildatum."""
        return self._walk(index)[1]

    def _open_checks(self, indexes: list[int]) -> list[OpenCheck]:
        """Exceptions left open under these (definitely or possibly) fired rules; none if one rule has none."""
        parts = []
        for index in indexes:
            parts.append(self._walk(index))
        found: list[OpenException] = open_exceptions(parts)
        return [
            OpenCheck(
                uitzondering=c.title,
                ontbrekende_feiten=[f"parameter:{m.target}" if m.kind == "parameter" else m.target for m in c.missing if m.kind != "afgeleid"],
            )
            for c in found
        ]

    def _down(self, indexes: list[int]) -> Iterator[Trace]:
        """The walks of these rules and, below each derived fact one of them misses, of the rules that would derive it.

        Those rules did not fire at all (else the fact would hold); only rules in
        force on the peildatum are walked, each once. The graph follows the same
        rules from an instrument down to its facts.
        """
        seen: set[int] = set()
        day = self.run.facts.peildatum
        pending = list(indexes)
        while pending:
            index = pending.pop(0)
            if index in seen or not self.rules[index].in_force(day):
                continue
            seen.add(index)
            trace = self._walk(index)[1]
            yield trace
            for finding in trace.unmet:
                if finding.kind == "afgeleid":
                    pending.extend(self.ruleset.deriving.get(finding.target, []))

    def _behind(self, indexes: list[int]) -> tuple[list[str], list[str]]:
        """The established exceptions and the facts the AVG held back below these rules: one walk down for both, once."""
        key = tuple(indexes)
        found = self._below.get(key)
        if found is None:
            exceptions: list[str] = []
            blocked: list[str] = []
            look_for_blocked = bool(self.run.facts.unusable)  # else every item may carry this run's conclusions
            may_except = self.plan.may_except
            if not look_for_blocked and not any(may_except[i] for i in indexes):
                found = self._below[key] = (exceptions, blocked)  # nothing to find below: no walk down
                return found
            for trace in self._down(indexes):
                for finding in trace.unmet:
                    if finding.kind == "uitzondering" and finding.target not in exceptions:
                        exceptions.append(finding.target)
                if look_for_blocked:
                    for provenance in trace.blocked:
                        if provenance not in blocked:
                            blocked.append(provenance)
            found = self._below[key] = (exceptions, blocked)
        return found

    def _exceptions_applied(self, indexes: list[int]) -> list[str]:
        """The established exceptions that stopped these rules, also when they stopped a derived fact they need."""
        return self._behind(indexes)[0]

    def _why_not(self, indexes: list[int]) -> tuple[list[str], list[str]]:
        """Why none of these rules fired: their unmet conditions (each named with its rule) and the facts the AVG held back."""
        unmet: list[str] = []
        day = self.run.facts.peildatum
        for index in indexes:
            rule = self.rules[index]
            if not rule.in_force(day):
                van = rule.geldig_van.isoformat() if rule.geldig_van else "…"
                tot = rule.geldig_tot.isoformat() if rule.geldig_tot else "…"
                unmet.append(f"{rule.id}: geldt niet op peildatum {day.isoformat()} (geldig {van} t/m {tot})")
                continue
            inner = self._walk(index)[1]
            for u in inner.unmet:
                # A derived fact that fails only because the law did not (yet, or any more) hold on the peildatum says so in words.
                words = self._out_of_time(u.target) if u.kind == "afgeleid" else None
                line = f"{rule.id}: {words or u}"
                if line not in unmet:
                    unmet.append(line)
        return unmet, self._blocked_behind(indexes)

    def _time_reasons(self, indexes: list[int]) -> list[str]:
        """The reasons, in words and with the date, why these rules could not apply on the peildatum because of when the law held."""
        day = self.run.facts.peildatum
        found: list[str] = []
        for index in indexes:
            rule = self.rules[index]
            if not rule.in_force(day):
                # Only a rule whose condition is not false on these facts: else time is not why it does not apply.
                words = validity_words(rule.title, rule.geldig_van, rule.geldig_tot, day) if self._walk(index)[0] is not False else None
            else:
                words = None
                for u in self._walk(index)[1].unmet:
                    if u.kind == "afgeleid":
                        words = self._out_of_time(u.target)
                        if words:
                            break
            if words and words not in found:
                found.append(words)
        return found

    def _out_of_time(self, name: str) -> str | None:
        """`_time_of(name)`, worked out once per run: every rule that misses the fact asks it, for every instrument."""
        if name in self._timed:
            return self._timed[name]
        found = self._timed[name] = self._time_of(name)
        return found

    def _time_of(self, name: str, seen: frozenset[str] = frozenset()) -> str | None:
        """Why derived fact `name` does not hold if it is because of when the law held, in words; else None.

        It is so when a rule deriving it is not in force on the peildatum but its
        condition is not false on these facts (it would or might have held), or
        when a rule in force fails only on derived facts that each fail so. A fact
        that also fails on other grounds gets no such words: then time is not why.
        """
        if name in seen:
            return None
        day = self.run.facts.peildatum
        for index in self.ruleset.deriving.get(name, []):
            rule = self.rules[index]
            value, trace = self._walk(index)
            if not rule.in_force(day):
                if value is not False:
                    return validity_words(rule.title, rule.geldig_van, rule.geldig_tot, day)
                continue
            if value is False and trace.unmet and all(u.kind == "afgeleid" for u in trace.unmet):
                below = [self._time_of(u.target, seen | {name}) for u in trace.unmet]
                if all(below):
                    return below[0]
        return None

    def _blocked_behind(self, indexes: list[int]) -> list[str]:
        """The facts the AVG held back from these rules, also where they would have carried a derived fact a rule needs."""
        return list(self._behind(indexes)[1])  # the decision's own list: instruments may share their rules

    def standing(self, instrument: str) -> Standing:
        """Which rules about an instrument fired, and the status that follows: the one status rule (decisions and `rules diff`)."""
        plan = self.plan.instruments[instrument]  # this runs for every instrument of every case
        fired = self.by_rule
        avail_def = [i for i in plan.available if (i, DEFINITE) in fired]
        avail_pos = [i for i in plan.available if (i, POSSIBLE) in fired and (i, DEFINITE) not in fired]
        excl_def = [i for i in plan.excluding if (i, DEFINITE) in fired]
        excl_pos = [i for i in plan.excluding if (i, POSSIBLE) in fired and (i, DEFINITE) not in fired]
        suit_def = [i for i in plan.suitable if (i, DEFINITE) in fired]
        if excl_def:
            status = "uitgesloten"
        elif avail_def and not excl_pos:
            status = "mogelijk"
        elif avail_def or avail_pos:
            status = "onbeslist"
        else:
            status = "uitgesloten"
        return Standing(status, avail_def, avail_pos, excl_def, excl_pos, suit_def)

    def instrument(self, inst_index: int) -> InstrumentDecision:
        inst = self.ruleset.instruments[inst_index]
        plan = self.plan.instruments[inst.id]
        available = plan.available
        status, avail_def, avail_pos, excl_def, excl_pos, suit_def = self.standing(inst.id)
        reasons: list[str] = []
        unmet: list[str] = []
        missing: list[str] = []
        blocked: list[str] = []
        used: list[int] = []
        checks: list[OpenCheck] = []
        if excl_def:
            used = excl_def
            reasons = [self._reason(i, "exclude", inst.id) for i in excl_def]
            checks = self._open_checks(excl_def)
        elif status == "mogelijk":
            used = avail_def + suit_def
            reasons = [f"beschikbaar: {self.rules[i].title}" for i in avail_def]
            reasons += [f"passend: {self._reason(i, 'suitable', inst.id)}" for i in suit_def]
            checks = self._open_checks(avail_def)
            if suit_def:
                checks += [c for c in self._open_checks(suit_def) if c not in checks]
        elif status == "onbeslist":
            used = avail_def or avail_pos
            checks = self._open_checks(avail_def or avail_pos)
            deciding = excl_pos if avail_def else avail_pos
            for i in deciding:
                trace = self._missing_for(i)
                missing.extend(str(m) for m in trace.missing if m not in missing)
            if avail_def:
                reasons = [f"mogelijk uitgesloten: {self._reason(i, 'exclude', inst.id)}" for i in excl_pos]
            else:
                reasons = [f"mogelijk beschikbaar: {self.rules[i].title}" for i in avail_pos]
        else:
            unmet, blocked = self._why_not(available)
            reasons = [NOT_AVAILABLE]
            reasons += self._time_reasons(available)
            reasons += [f"uitzondering: {title}" for title in self._exceptions_applied(available)]
            if blocked:
                reasons.append(
                    f"feiten die alleen rusten op informatie die {inst.acting_on(self.run.facts.peildatum)} niet mag gebruiken "
                    f"(bron, grondslag, ontvanger, doel of datum) zijn niet gebruikt; nodig: {self.ruleset.information.nodig}"
                )
        procedure: list[str] = []
        weigh: list[str] = []
        if status in ("mogelijk", "onbeslist"):
            for i, conclusions in plan.steps:
                # An undecided power still shows its steps and weighing points: they hold once it is decided.
                if not (self.fired(i) or (status == "onbeslist" and self.fired(i, POSSIBLE))):
                    continue
                for kind, text in conclusions:
                    into = procedure if kind == "require" else weigh
                    if text not in into:
                        into.append(text)
                        used.append(i)
        escalation = self._escalation(inst.id) if status in ("mogelijk", "onbeslist") else None
        # model_construct: every value is built here from validated data, so validating again only costs time.
        return _instrument_decision(
            escalatie=escalation,
            id=inst.id,
            naam=inst.naam,
            categorie=inst.categorie,
            spoor=inst.spoor,
            status=status,  # type: ignore[arg-type]
            bevoegd=inst.authority_on(self.run.facts.peildatum),
            ingrijpendheid=inst.ingrijpendheid,
            grondslag=[dict(c) for c in self.citations(inst.id, self.run.facts.peildatum)],
            regels=sorted({self.rules[i].id for i in used}),
            redenen=reasons,
            onvervulde_voorwaarden=unmet,
            ontbrekende_feiten=missing,
            geblokkeerde_feiten=blocked,
            procedure=procedure,
            afwegingspunten=weigh,
            te_controleren=checks,
        )

    def _escalation(self, instrument: str) -> Escalation | None:
        """The highest step of the escalation ladder that a (policy) rule reached for this instrument."""
        steps = [(trede, duur, reden, regel) for i, trede, duur, reden, regel in self.plan.instruments[instrument].escalations if self.fired(i)]
        if not steps:
            return None
        trede, duur, reden, regel = max(steps, key=lambda s: (s[0], s[3]))
        return Escalation(trede=trede, duur_maanden=duur, reden=reden, regel=regel)  # type: ignore[arg-type]

    def _reason(self, index: int, kind: str, instrument: str) -> str:
        """The reason an exclusion or suitability rule gives for this instrument (its title if it gives none)."""
        return self.plan.instruments[instrument].reasons[(index, kind)]

    def is_suitable(self, instrument: str) -> bool:
        """Whether a (policy) rule definitely judged the instrument suitable in this run."""
        fired = self.by_rule
        return any((i, DEFINITE) in fired for i in self.plan.instruments[instrument].suitable)



def _fitting(ruleset: Ruleset, statuses: dict[str, str], suitable: set[str]) -> list[tuple[str, Instrument, list[Instrument]]]:
    """Per track (in catalogue order): the least intrusive instrument that is possible and judged suitable, and the others that are."""
    tracks: dict[str, list[Instrument]] = {}
    for inst in ruleset.instruments:
        members = tracks.setdefault(inst.spoor, [])
        if statuses[inst.id] == "mogelijk" and inst.id in suitable:
            members.append(inst)
    chosen = []
    for track, members in tracks.items():
        if members:
            best = min(members, key=lambda m: m.ingrijpendheid)
            chosen.append((track, best, [m for m in members if m is not best]))
    return chosen


def _recommend(ruleset: Ruleset, instruments: list[InstrumentDecision], suitable: set[str]) -> tuple[list[str], list[str]]:
    """Subsidiarity per track: the least intrusive instrument that is available and judged suitable."""
    chosen: list[str] = []
    notes: list[str] = []
    by_id = {inst.id: inst for inst in instruments}
    for track, least, rest in _fitting(ruleset, {inst.id: inst.status for inst in instruments}, suitable):
        best = by_id[least.id]
        best.status = "aanbevolen"
        chosen.append(best.id)
        others = [m.naam for m in rest]
        note = f"{best.naam}: passend en het minst ingrijpende passende instrument in spoor '{track}'"
        if others:
            note += f" (ook passend maar ingrijpender: {', '.join(others)})"
        notes.append(note)
    return chosen, notes


def _information(ruleset: Ruleset, case: Case, day: dt.date, parts: list[Part]) -> list[InformationVerdict]:
    """Per information item: for which instruments it may carry a decision, for which not yet, where not, and why.

    The verdicts are those the runs were made with (`Part.verdicts`, engine/gate.py), not judged a second time.
    """
    contexts = _plan(ruleset).contexts(day)
    judged_in = {context: found for part in parts for context, found in part.verdicts.items()}
    out = []
    for index, item in enumerate(case.informatie):
        uses: list[InformationUse] = []
        for context in sorted(contexts):
            judged = judged_in[context][item.id]
            uses.append(
                InformationUse(
                    bevoegd=context.bevoegd,
                    doel=context.doel,
                    bruikbaar=judged.usable,
                    reden=judged.reason,
                    instrumenten=sorted(contexts[context]),
                    ontbrekende_feiten=[f"informatie[{index}].{name}" for name in judged.missing],
                )
            )
        usable = [u for u in uses if u.bruikbaar is True]
        groups: dict[bool | None, dict[str, list[str]]] = {None: {}, False: {}}
        for use in uses:
            if use.bruikbaar is not True:
                groups[use.bruikbaar].setdefault(use.reden, []).append(_context_words(use))
        undecided, barred = groups[None], groups[False]
        phrases: list[str] = []
        if usable and (undecided or barred):
            phrases.append(f"bruikbaar voor {', '.join(_context_words(u) for u in usable)} ({usable[0].reden})")
        elif usable:
            phrases.append(usable[0].reden)
        for words, group in (("nog niet vast voor", undecided), ("niet voor", barred)):
            if not group:
                continue
            if usable or (undecided and barred):
                phrases.append(f"{words} " + "; ".join(f"{', '.join(who)}: {reason}" for reason, who in group.items()))
            else:
                phrases.append("; ".join(group))
        state: bool | None = True if usable else (None if undecided else False)
        out.append(
            InformationVerdict(id=item.id, bron=item.bron, grondslag=item.grondslag, bruikbaar=state, toelichting="; ".join(phrases), gebruik=uses)
        )
    return out


def _context_words(use: InformationUse) -> str:
    return use.bevoegd if use.doel == GENERAL else f"{use.bevoegd} ({use.doel})"


def decide(ruleset: Ruleset, citations: Citations, case: Case, parts: list[Part]) -> Decision:
    """The decision from one or more runs: each instrument from the run of its context, the recommendation over all."""
    assemblers = [(_Assembler(ruleset, citations, case, part.run), part) for part in parts]
    main = assemblers[0][0]
    owner = {inst_id: assembler for assembler, part in assemblers for inst_id in part.instruments}
    instruments = [owner[inst.id].instrument(index) for index, inst in enumerate(ruleset.instruments)]
    suitable = {inst.id for inst in ruleset.instruments if owner[inst.id].is_suitable(inst.id)}
    chosen, notes = _recommend(ruleset, instruments, suitable)
    profile = ruleset.profile
    receipt = Receipt(
        ruleset=ruleset.name,
        ruleset_versie=ruleset.version,
        ruleset_hash=ruleset.hash,
        profiel=profile.naam if profile else None,
        profiel_versie=profile.versie if profile else None,
        profiel_hash=profile.hash if profile else None,
        profiel_wijzigingen=[vars(c) for c in profile.changes] if profile else [],
        engine_versie=__version__,
    )
    records: dict[tuple[Any, ...], FiringRecord] = {}
    for assembler, part in assemblers:
        for f in assembler.run.firings:
            record = _firing_record(
                regel=ruleset.rules[f.unit.rule_index].id if f.unit.rule_index is not None else f.unit.name,
                modus=f.unit.mode,
                laag=f.unit.stratum,
                feiten=sorted(f.facts),
                context=None if part.main else part.run.context,
            )
            records.setdefault((record.laag, record.regel, record.modus, tuple(record.feiten), record.context or ""), record)
    firings = [records[key] for key in sorted(records)]
    day = main.run.facts.peildatum
    decision = Decision(
        zaak_id=case.zaak_id,
        peildatum=day,
        gemeente=case.gemeente,
        ontvangstbewijs=receipt,
        aanbevolen=chosen,
        toelichting_aanbeveling=notes,
        instrumenten=instruments,
        afgeleide_feiten={k: v for k, v in sorted(main.run.derived.items()) if not k.startswith("__")},
        informatie=_information(ruleset, case, day, parts),
        buiten_beschouwing=[SetAside(feit=f, reden=r) for f, r in main.run.facts.set_aside],
        afvuringen=firings,
    )
    return decision


def outcome(ruleset: Ruleset, citations: Citations, case: Case, parts: list[Part]) -> tuple[Run, Outcome]:
    """What the decision concludes, without reasons or explanation: a fraction of `evaluate`'s time (`rules diff`)."""
    assemblers = [(_Assembler(ruleset, citations, case, part.run), part) for part in parts]
    owner = {inst_id: assembler for assembler, part in assemblers for inst_id in part.instruments}
    statuses = {inst.id: owner[inst.id].standing(inst.id).status for inst in ruleset.instruments}
    suitable = {inst.id for inst in ruleset.instruments if owner[inst.id].is_suitable(inst.id)}
    for _, least, _ in _fitting(ruleset, statuses, suitable):
        statuses[least.id] = "aanbevolen"
    steps = {i: owner[i]._escalation(i) for i, status in statuses.items() if status in ("aanbevolen", "mogelijk", "onbeslist")}
    main = parts[0].run
    if len(parts) > 1:  # the firings of every run, so a caller that looks for a rule sees it wherever it fired
        main = Run(facts=main.facts, firings=[f for part in parts for f in part.run.firings], derived=main.derived, context=main.context)
    return main, Outcome(statuses, {i: (e.trede, e.duur_maanden) for i, e in steps.items() if e is not None}, len(parts))
