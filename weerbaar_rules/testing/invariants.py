"""Invariants every ruleset must keep, as checks a ruleset maintainer can run on any case.

Each check returns a list of problems in Dutch (empty when the invariant
holds), so a property test can report all of them at once; `assert_invariants`
runs them all and raises `InvariantViolation`. They are written against the
public decision (what a municipality would see), not against engine internals,
except `check_explanation_consistency`, which exists precisely to compare the
engine's durable_rules firings with the explanation's own reading of a rule.

Use them with the strategies::

    from hypothesis import given
    from weerbaar_rules import Engine
    from weerbaar_rules.testing import cases, invariants

    engine = Engine.from_directory("rulesets/nl")

    @given(cases(engine.ruleset))
    def test_invariants(case):
        invariants.assert_invariants(engine, case)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..case.model import Case, Maatregel
from ..decision.assemble import NOT_AVAILABLE
from ..decision.model import Decision
from ..decision.part import compact_graph, expand_graph
from ..engine.facts import case_facts
from ..engine.gate import Context, context_of, verdicts
from ..engine.runs import MAIN
from ..engine.walk import Explainer, Trace
from ..evaluation import Engine
from ..explain.explanation import explanation_of
from ..language.conditions import LISTS
from ..render import to_json, to_text
from ..render.why import explain_instrument
from ..render.reader import missing_name

ACTIVE = ("aanbevolen", "mogelijk")


class InvariantViolation(AssertionError):
    """A ruleset broke an invariant on a concrete case; the message names the case and what went wrong."""


# -- invariants on one decision ---------------------------------------------------------------


def check_legal_basis(decision: Decision) -> list[str]:
    """A municipality may only use an instrument with a legal basis, by the authority that holds the power."""
    problems = []
    for inst in decision.instrumenten:
        if inst.status not in ACTIVE:
            continue
        if not inst.grondslag:
            problems.append(f"{inst.id} is {inst.status} maar heeft geen grondslag")
        if not inst.bevoegd:
            problems.append(f"{inst.id} is {inst.status} maar heeft geen bevoegd gezag")
        for source in inst.grondslag:
            if not source.get("url"):
                problems.append(f"{inst.id}: grondslag zonder vindplaats (url): {source}")
    return problems


def check_recommended_not_excluded(decision: Decision) -> list[str]:
    """Nothing is both recommended and excluded, and the list of recommendations matches the statuses."""
    problems = []
    statuses = {inst.id: inst.status for inst in decision.instrumenten}
    for inst_id in decision.aanbevolen:
        if statuses.get(inst_id) != "aanbevolen":
            problems.append(f"{inst_id} staat in aanbevolen maar heeft status {statuses.get(inst_id)}")
    marked = sorted(i for i, s in statuses.items() if s == "aanbevolen")
    if marked != sorted(decision.aanbevolen):
        problems.append(f"status aanbevolen bij {marked}, maar aanbevolen is {sorted(decision.aanbevolen)}")
    per_track: dict[str, list[str]] = {}
    for inst in decision.instrumenten:
        if inst.status == "aanbevolen":
            per_track.setdefault(inst.spoor, []).append(inst.id)
    for track, ids in sorted(per_track.items()):
        if len(ids) > 1:
            problems.append(f"spoor {track} heeft meer dan een aanbeveling: {ids}")
    return problems


def check_exclusions_respected(engine: Engine, decision: Decision) -> list[str]:
    """An instrument a rule definitely excludes is never recommended (nor merely 'mogelijk')."""
    problems = []
    fired = {(f.regel, f.modus) for f in decision.afvuringen}
    statuses = {inst.id: inst.status for inst in decision.instrumenten}
    for rule in engine.ruleset.rules:
        if (rule.id, "zeker") not in fired or not rule.in_force(decision.peildatum):
            continue
        for conclusion in rule.then:
            excluded = conclusion.exclude
            if conclusion.kind == "exclude" and excluded is not None and statuses.get(excluded) in ACTIVE:
                problems.append(f"{excluded} is {statuses[excluded]} terwijl regel {rule.id} het zeker uitsluit")
    return problems


def check_validity(engine: Engine, decision: Decision) -> list[str]:
    """A rule never fires on a peildatum outside its validity period (in either mode)."""
    problems = []
    versions: dict[str, list[tuple[dt.date | None, dt.date | None]]] = {}
    for rule in engine.ruleset.rules:
        versions.setdefault(rule.id, []).append((rule.geldig_van, rule.geldig_tot))
    day = decision.peildatum
    for firing in decision.afvuringen:
        periods = versions.get(firing.regel)
        if periods is None:
            continue  # a compiler helper, not a rule of the ruleset
        if not any((van is None or van <= day) and (tot is None or day <= tot) for van, tot in periods):
            problems.append(f"regel {firing.regel} vuurde ({firing.modus}) op peildatum {day} buiten zijn geldigheid {periods}")
    return problems


def check_explanation_consistency(engine: Engine, case: Case, decision: Decision) -> list[str]:
    """The explanation reads every rule in force the way the engine ran it.

    For each rule in force on the peildatum, the explainer's three-valued
    reading of `when` (over the same facts and the derived facts the engine
    recorded) must be True exactly when the engine recorded a definite
    ('zeker') firing, None exactly when it recorded only a possible
    ('mogelijk') firing, and False when the rule did not fire at all. A
    mismatch means the durable_rules compilation and the explanation disagree,
    so one of them tells the user something untrue.
    """
    ruleset = engine.ruleset
    facts = engine.run(case, decision.peildatum).facts  # the main run: the one whose derived facts the decision reports
    explainer = Explainer(facts, dict(decision.afgeleide_feiten))
    modes: dict[str, set[str]] = {}
    for firing in decision.afvuringen:
        if firing.context is None:
            modes.setdefault(firing.regel, set()).add(firing.modus)
    problems = []
    for rule in ruleset.rules:
        if not rule.in_force(decision.peildatum):
            continue
        value = explainer.evaluate(rule.when, Trace())
        fired = modes.get(rule.id, set())
        engine_value = True if "zeker" in fired else None if "mogelijk" in fired else False
        if value is not engine_value:
            word = {True: "zeker", None: "alleen mogelijk", False: "niet"}
            problems.append(
                f"regel {rule.id} ({rule.source}): de uitleg zegt {word[value]}, de engine vuurde {word[engine_value]}"
            )
    return problems


# -- invariants that compare evaluations -------------------------------------------------------


def check_deterministic(engine: Engine, case: Case, decision: Decision | None = None, other: Case | None = None) -> list[str]:
    """The same case always gives byte-identical JSON, also after another case was evaluated in between."""
    first = to_json(decision if decision is not None else engine.evaluate(case))
    if other is not None:
        engine.evaluate(other)
    second = to_json(engine.evaluate(case))
    if first != second:
        diff = next((f"regel {n}: {a!r} != {b!r}" for n, (a, b) in enumerate(zip(first.splitlines(), second.splitlines())) if a != b), "")
        return [f"hetzelfde besluit gaf verschillende JSON ({diff})"]
    return []


def without_unusable_facts(engine: Engine, case: Case, context: Context = MAIN) -> Case:
    """The case without the activities, permits and antecedents whose information this context may not (yet) use.

    Information that is not yet decided (a condition of lawful use unknown)
    may not carry a recommendation either: it is stripped like unusable information.
    """
    day = case.peildatum or dt.date.today()
    judged = verdicts(case, context, engine.ruleset.information, day)
    facts = case_facts(case, day, judged)
    blocked = set(facts.unusable) | set(facts.pending)
    return case.model_copy(
        update={
            name: [item for i, item in enumerate(getattr(case, name)) if f"{name}[{i}]" not in blocked]
            for name in ("activiteiten", "vergunningen", "antecedenten")
        }
    )


def outcome(decision: Decision) -> dict[str, object]:
    """What a municipality acts on: the recommendation and every instrument's status."""
    return {"aanbevolen": sorted(decision.aanbevolen), **{i.id: i.status for i in decision.instrumenten}}


def check_lawful_information(engine: Engine, case: Case, decision: Decision | None = None) -> list[str]:
    """No recommendation rests on information that may not carry it (instrumenten.md §H).

    Precisely: for every recommended instrument, removing every activity,
    permit and antecedent that rests only on information its authority may not
    use for its purpose (no fitting source and basis, another recipient,
    another purpose, a basis not yet in force, criminal data without art. 10
    AVG, or only an anonymous tip) leaves it recommended. The information items
    themselves stay: that there *is* unusable information may lead to further
    inquiry (nader onderzoek).
    """
    decided = decision if decision is not None else engine.evaluate(case)
    day = decided.peildatum
    problems = []
    stripped_by_context: dict[Context, Decision] = {}
    for inst_id in decided.aanbevolen:
        context = context_of(engine.ruleset.instrument(inst_id), day)
        if context not in stripped_by_context:
            stripped = without_unusable_facts(engine, case.model_copy(update={"peildatum": day}), context)
            stripped_by_context[context] = decided if stripped == case else engine.evaluate(stripped)
        after = stripped_by_context[context].instruments[inst_id].status
        if after != "aanbevolen":
            problems.append(
                f"{inst_id} is aanbevolen, maar zonder de feiten die {context.label} niet mag gebruiken wordt het {after}"
            )
    return problems


# -- the information gate, from the outside ----------------------------------------------------

# The facts that can rest on information: the lists whose items name `informatie`.
_RESTING = tuple(name for name, (model, _) in LISTS.items() if "informatie" in model.model_fields)


def _resting_on(case: Case, info_id: str) -> dict[str, list[Any]]:
    """Every list of facts without what rests on `info_id`: a fact resting only on it is gone, others lose the reference."""
    out: dict[str, list[Any]] = {}
    for name in _RESTING:
        items = []
        for item in getattr(case, name):
            refs = list(getattr(item, "informatie", None) or ())
            if info_id not in refs:
                items.append(item)
            elif len(refs) > 1:
                items.append(item.model_copy(update={"informatie": [r for r in refs if r != info_id]}))
        out[name] = items
    return out


_UNKNOWN_INFO = {name: None for name in ("bron", "grondslag", "ontvanger", "doel", "besluit_verstrekker", "strafrechtelijk", "grondslag_art10", "datum")}


def _refinements(engine: Engine) -> list[dict[str, str]]:
    """Source and basis pairs the ruleset's policy lets fit together: the ways an unknown source and basis can turn out."""
    policy = engine.ruleset.information
    sources = sorted({s for basis in policy.grondslagen.values() for s in basis.bronnen or ()} | set(policy.onvoldoende_bronnen))
    return [
        {"bron": source, "grondslag": name}
        for name, basis in sorted(policy.grondslagen.items())
        for source in (basis.bronnen if basis.bronnen is not None else sources)
    ]


def check_information_gate(engine: Engine, case: Case, decision: Decision | None = None) -> list[str]:
    """Information established as unfit never carries an instrument; information whose fitness is unknown never excludes one.

    Checked from the outside, without the gate's own verdicts, for each information item:

    * **unfit**: with grondslag `geen` (no basis at all), every instrument has the
      status it has when the facts resting only on the item are gone from the case;
    * **unknown**: with every information field unknown, an instrument may be
      `uitgesloten` only if it stays so however the source and basis turn out
      (each pair the policy lets fit): not knowing whether information may be
      used never takes away a power that knowing could leave.
    """
    decided = decision if decision is not None else engine.evaluate(case)
    dated = case.model_copy(update={"peildatum": decided.peildatum})
    problems: list[str] = []
    for index, item in enumerate(case.informatie):

        def variant(**fields: Any) -> Case:
            items = list(dated.informatie)
            items[index] = item.model_copy(update=fields)
            return dated.model_copy(update={"informatie": items})

        unfit = variant(grondslag="geen")
        with_facts = outcome(engine.evaluate(unfit))
        gone = outcome(engine.evaluate(unfit.model_copy(update=_resting_on(unfit, item.id))))
        for inst_id, status in with_facts.items():
            if inst_id != "aanbevolen" and status != gone[inst_id]:
                problems.append(f"informatie[{index}] zonder grondslag geeft {inst_id} {status}, maar zonder de feiten die erop rusten {gone[inst_id]}")
        unknown = outcome(engine.evaluate(variant(**_UNKNOWN_INFO)))
        excluded = {i for i, status in unknown.items() if i != "aanbevolen" and status == "uitgesloten"}
        for fields in _refinements(engine):
            if not excluded:
                break
            known = outcome(engine.evaluate(variant(**{**_UNKNOWN_INFO, **fields})))
            for inst_id in sorted(i for i in excluded if known[i] != "uitgesloten"):
                excluded.discard(inst_id)
                problems.append(
                    f"informatie[{index}] met onbekende bron en grondslag sluit {inst_id} uit, maar met bron {fields['bron']} "
                    f"en grondslag {fields['grondslag']} is het {known[inst_id]}"
                )
    return problems


# -- aggravation ------------------------------------------------------------------------------


def _more(value: float | None) -> float | int | None:
    return None if value is None else value * 2 + 1


def aggravations(engine: Engine, case: Case) -> Iterator[tuple[str, Case]]:
    """Variants of the case that are strictly worse for the person concerned, each with a Dutch label.

    * more drugs: the measured quantity of one drug activity goes up (gram, stuks,
      ml, planten), or a gebruikershoeveelheid becomes a handelshoeveelheid;
    * one drug activity moves from lijst II (softdrugs) to lijst I (harddrugs);
    * a recent prior warning (one month before the peildatum, at this address)
      is added to the voorgeschiedenis.

    Which activities are drug activities and which instrument is the warning is
    the ruleset's `verzwaring`; a ruleset without it has no such variants.
    """
    aggravation = engine.ruleset.aggravation
    for index, act in enumerate(case.activiteiten):
        if act.type not in aggravation.drugsactiviteiten:
            continue
        quantity = act.hoeveelheid
        if quantity is None:
            more = act
        elif quantity.waarde is not None:
            more = act.model_copy(update={"hoeveelheid": quantity.model_copy(update={"waarde": _more(quantity.waarde)})})
        else:
            more = act.model_copy(update={"hoeveelheid": quantity.model_copy(update={"eenheid": "handelshoeveelheid"})})
        if more != act:
            yield f"meer drugs in activiteiten[{index}]", _replace_activity(case, index, more)
        if act.opiumwet_lijst == "II":
            yield f"activiteiten[{index}] lijst II -> I", _replace_activity(case, index, act.model_copy(update={"opiumwet_lijst": "I"}))
    if aggravation.waarschuwing is not None:
        day = case.peildatum or dt.date.today()
        month_before = day - dt.timedelta(days=31)
        reason = case.activiteiten[0].type if case.activiteiten else None
        warning = Maatregel.model_validate({"instrument": aggravation.waarschuwing, "datum": month_before, "reden": reason, "zelfde_locatie": True})
        yield "eerdere waarschuwing", case.model_copy(update={"voorgeschiedenis": [*case.voorgeschiedenis, warning]})


def _replace_activity(case: Case, index: int, act: object) -> Case:
    acts = list(case.activiteiten)
    acts[index] = act  # type: ignore[call-overload]
    return case.model_copy(update={"activiteiten": acts})


def intrusiveness(decision: Decision) -> dict[str, int]:
    """Per spoor, the highest ingrijpendheid among the recommended instruments (a spoor without one is absent)."""
    levels: dict[str, int] = {}
    for inst in decision.instrumenten:
        if inst.status == "aanbevolen":
            levels[inst.spoor] = max(levels.get(inst.spoor, -1), inst.ingrijpendheid)
    return levels


def check_aggravation_monotone(engine: Engine, case: Case, decision: Decision | None = None) -> list[str]:
    """Adding an aggravating fact never lowers the intrusiveness of the recommendation.

    Precisely: for every spoor in which the original case has a recommendation,
    the aggravated case has a recommendation in the same spoor whose
    ingrijpendheid is at least as high, or a recommendation in another spoor
    that is more intrusive than it (a soft measure such as a stopgesprek may
    give way to a closure), or an undecided instrument more intrusive than it
    (the aggravated case waits for a fact that decides it). A spoor that loses
    its recommendation without such
    a replacement counts as going down: the municipality would be advised to do
    less. A spoor that gains one is fine.
    """
    base = intrusiveness(decision if decision is not None else engine.evaluate(case))
    problems = []
    for label, worse in aggravations(engine, case):
        decided = engine.evaluate(worse)
        after = intrusiveness(decided)
        # An undecided, more intrusive instrument waits for a fact: that is not advising less.
        waiting = [i.ingrijpendheid for i in decided.instrumenten if i.status == "onbeslist"]
        highest = max([*after.values(), *waiting], default=-1)
        for track, level in sorted(base.items()):
            if after.get(track, -1) < level and highest <= level:
                now = "geen aanbeveling" if track not in after else f"ingrijpendheid {after[track]}"
                problems.append(f"{label}: spoor {track} gaat van ingrijpendheid {level} naar {now}")
    return problems


def check_views_agree(decision: Decision) -> list[str]:
    """The views of one decision say the same thing about each instrument.

    What the JSON says, what the picture draws, what the text lists and what
    `rules explain` answers are different readings of one explanation; where
    they could disagree they are compared here:

    * the information the AVG held back from an excluded instrument
      (`geblokkeerde_feiten`) is exactly what the graph links to the rules
      that did not make it available, also behind derived facts;
    * an instrument through which a missing fact can change the
      recommendation (`verandert_via`) is drawn in the picture, and one the
      picture calls "zonder invloed" is never named as such;
    * the text names, per missing fact, the same instruments as `verandert_via`;
    * `rules explain` mentions held-back information exactly when the JSON does,
      and says of an undecided instrument that its missing facts can change the
      advice exactly when `verandert_via` names it.
    """
    problems: list[str] = []
    explanation = explanation_of(decision)
    graph = explanation.graph
    names = {inst.id: inst.naam for inst in decision.instrumenten}
    for inst in decision.instrumenten:
        if inst.status != "uitgesloten" or inst.redenen[:1] != [NOT_AVAILABLE]:
            continue  # an exclusion rule is the story there, not the rules that did not fire
        rules = explanation.instrument(inst.id).why_not
        drawn = {
            target.split(":", 1)[1]
            for rule in rules
            if graph.nodes[rule].get("soort") == "regel"
            for _, target, data in graph.out_edges(rule, data=True)
            if data.get("soort") == "blocked-by" and data.get("reden") == "avg"
        }
        if set(inst.geblokkeerde_feiten) != drawn:
            problems.append(f"{inst.id}: geblokkeerde_feiten {sorted(inst.geblokkeerde_feiten)}, de graaf {sorted(drawn)}")
        said = "AVG" in explain_instrument(decision, inst.id).split("Per regel:", 1)[0]
        if said != bool(inst.geblokkeerde_feiten):
            problems.append(f"{inst.id}: rules explain {'noemt' if said else 'noemt geen'} AVG-blokkade, geblokkeerde_feiten {inst.geblokkeerde_feiten}")
    influential = {i for fact in decision.ontbrekende_feiten for i in fact.verandert_via}
    if decision.aanbevolen:  # with nothing recommended the picture shows every open instrument
        shown = {node.split(":", 1)[1] for node in explanation.shown(focus=True)}
        for inst in decision.instrumenten:
            if inst.status == "onbeslist" and (inst.id in influential) != (inst.id in shown):
                where = "getekend" if inst.id in shown else "'zonder invloed' in de graaf"
                problems.append(f"{inst.id}: {where}, maar verandert_via {'noemt het' if inst.id in influential else 'noemt het niet'}")
    for inst in decision.instrumenten:
        if inst.status != "onbeslist":
            continue
        line = next((ln for ln in explain_instrument(decision, inst.id).splitlines() if ln.startswith("Invloed op de aanbeveling: ")), None)
        if line is not None and (inst.id in influential) == line.startswith("Invloed op de aanbeveling: geen"):
            problems.append(f"{inst.id}: rules explain zegt '{line}', verandert_via {'noemt het' if inst.id in influential else 'noemt het niet'}")
    text = to_text(decision)
    for fact in decision.ontbrekende_feiten:
        if not fact.kan_aanbeveling_veranderen:
            continue
        line = next((ln for ln in text.splitlines() if ln.startswith(f"    - {missing_name(decision, fact)} (kan het advies veranderen via: ")), None)
        if line is None:
            problems.append(f"{fact.feit}: niet in de tekst onder de feiten die de aanbeveling kunnen veranderen")
            continue
        via_part = line.split("(kan het advies veranderen via: ", 1)[1].split("; beslist ook, zonder invloed op het advies, over: ", 1)[0]
        expected = ", ".join(names[i] for i in fact.verandert_via)
        if not (via_part == expected or via_part == expected + ")"):
            problems.append(f"{fact.feit}: de tekst noemt '{via_part}', verandert_via {fact.verandert_via}")
    return problems


def check_graph_part(decision: Decision) -> list[str]:
    """The case's part of the graph (what the decision's JSON carries) and the ruleset part give back the whole graph.

    Every view of a decision read back is rebuilt from these two (decision/part.py): where they
    did not give the graph the decision was made with, a stored advice would read differently later.
    Also through JSON, as a case system stores it.
    """
    part = decision._part
    if part is None:
        return []
    whole = decision.whole_graph()
    compact = json.loads(json.dumps(compact_graph(whole, part, decision.peildatum), ensure_ascii=False))
    back = expand_graph(compact, part, decision.peildatum)
    if back == whole:
        return []
    before = {n["id"]: n for n in whole["nodes"]}
    after = {n["id"]: n for n in back["nodes"]}
    nodes = sorted(n for n in before.keys() | after.keys() if before.get(n) != after.get(n))
    links = len({json.dumps(e, sort_keys=True) for e in whole["links"]} ^ {json.dumps(e, sort_keys=True) for e in back["links"]})
    return [f"regelsetdeel + zaakdeel geven een andere graaf: knopen {nodes[:5]}, {links} verbinding(en) anders"]


# -- all together -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Invariant:
    name: str
    check: Callable[[Engine, Case, Decision], list[str]]


INVARIANTS: tuple[Invariant, ...] = (
    Invariant("grondslag_en_bevoegdheid", lambda e, c, d: check_legal_basis(d)),
    Invariant("niet_aanbevolen_en_uitgesloten", lambda e, c, d: check_recommended_not_excluded(d) + check_exclusions_respected(e, d)),
    Invariant("rechtmatige_informatie", lambda e, c, d: check_lawful_information(e, c, d)),
    Invariant("verzwaring_verlaagt_niet", lambda e, c, d: check_aggravation_monotone(e, c, d)),
    Invariant("deterministisch", lambda e, c, d: check_deterministic(e, c, d)),
    Invariant("geldigheid", lambda e, c, d: check_validity(e, d)),
    Invariant("uitleg_gelijk_aan_engine", lambda e, c, d: check_explanation_consistency(e, c, d)),
    Invariant("weergaven_eens", lambda e, c, d: check_views_agree(d)),
    Invariant("graaf_uit_delen", lambda e, c, d: check_graph_part(d)),
)


def violations(engine: Engine, case: Case, skip: tuple[str, ...] = ()) -> list[str]:
    """Every broken invariant on this case, as 'name: problem' lines."""
    decision = engine.evaluate(case)
    unknown = set(skip) - {inv.name for inv in INVARIANTS}
    if unknown:
        raise ValueError(f"onbekende invariant(en): {', '.join(sorted(unknown))}")
    return [f"{inv.name}: {problem}" for inv in INVARIANTS if inv.name not in skip for problem in inv.check(engine, case, decision)]


def assert_invariants(engine: Engine, case: Case, skip: tuple[str, ...] = ()) -> None:
    """Raise `InvariantViolation` naming the case and every broken invariant."""
    problems = violations(engine, case, skip)
    if problems:
        raise InvariantViolation(
            f"zaak {case.model_dump_json(exclude_defaults=True)}\n" + "\n".join(f"  - {p}" for p in problems)
        )


__all__ = [
    "INVARIANTS",
    "Invariant",
    "InvariantViolation",
    "aggravations",
    "assert_invariants",
    "check_aggravation_monotone",
    "check_deterministic",
    "check_exclusions_respected",
    "check_explanation_consistency",
    "check_information_gate",
    "check_lawful_information",
    "check_legal_basis",
    "check_recommended_not_excluded",
    "check_validity",
    "check_views_agree",
    "intrusiveness",
    "outcome",
    "violations",
    "without_unusable_facts",
]
