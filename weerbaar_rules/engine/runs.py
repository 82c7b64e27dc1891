"""What one run of the engine leaves behind: the firings, the derived facts, the walks that explain them.

Below both the decision (decision/assemble.py, which assembles the decision
from the runs) and the explanation (explain/graph.py, which draws them), so that
neither has to import the other to speak of a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..language import conditions as cond
from .compiler import Unit
from .facts import CaseFacts
from .gate import GENERAL, Context, Verdict
from .walk import Explainer, Trace, Tri

if TYPE_CHECKING:
    from ..language.ruleset import Ruleset

# The context `Engine.run` uses unless told otherwise, and the run whose derived facts the decision reports.
MAIN = Context("burgemeester", GENERAL)


class Firing(NamedTuple):
    """One rule firing: which rule, in which mode, on which facts (provenance keys, in pattern order)."""

    unit: Unit
    facts: tuple[str, ...]


@dataclass
class Run:
    """The raw result of running the strata for one case, with the information one context may use."""

    facts: CaseFacts
    firings: list[Firing]
    derived: dict[str, str]  # name -> zeker | mogelijk
    context: str = MAIN.label  # who the run decides for (gate.Context.label); "" when several share it
    # Rule index -> its condition walked over these facts (walk.py): made once while the decision is
    # assembled, and read again by the graph, so the "why not" of a rule is worked out in one place.
    walks: dict[int, tuple[Tri, Trace]] = field(default_factory=dict)
    explainer: Explainer | None = field(default=None, repr=False, compare=False)  # built by the first `walk`
    # Rule index -> the same walk without following derived facts (`local_walk`), for the graph, which
    # draws the unknown facts behind a derived fact at the rules that derive it.
    local_walks: dict[int, Trace] = field(default_factory=dict)
    local: Explainer | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Part:
    """One run of the engine and the instruments it decides: those whose context sees the same usable information."""

    run: Run
    instruments: frozenset[str]
    contexts: tuple[Context, ...]
    main: bool
    # The gate's verdicts on the information, per context of this part: judged once, read again by the decision.
    verdicts: dict[Context, dict[str, Verdict]] = field(default_factory=dict, compare=False)


def rule_walk(ruleset: Ruleset, run: Run, index: int) -> tuple[Tri, Trace]:
    """One rule's condition walked over a run's facts: its value and what the walk found (read-only), made once.

    The decision's reasons, open and applied exceptions and why-not, the
    graph's why-not and the scenario report all read this one walk. The walk
    follows an undecided derived fact to the rules (in force) that derive it.
    """
    found = run.walks.get(index)
    if found is None:
        if run.explainer is None:
            day = run.facts.peildatum
            rules = ruleset.rules
            derivers: dict[str, list[cond.Condition]] = {
                name: [rules[i].when for i in indexes if rules[i].in_force(day)] for name, indexes in ruleset.deriving.items()
            }
            run.explainer = Explainer(run.facts, run.derived, derivers)
        trace = Trace()
        found = run.walks[index] = (run.explainer.evaluate(ruleset.rules[index].when, trace), trace)
    return found


def local_explainer(run: Run) -> Explainer:
    """The walker over a run's facts that stops at a derived fact (its value as the run derived it)."""
    if run.local is None:
        run.local = Explainer(run.facts, run.derived)
    return run.local


def local_walk(ruleset: Ruleset, run: Run, index: int) -> Trace:
    """One rule walked without following derived facts: an undecided one is named, not opened; made once per run.

    What a possibly fired rule waits for itself; the graph links the
    derived facts it waits for to the rules that derive them, and those to
    their own unknown facts.
    """
    found = run.local_walks.get(index)
    if found is None:
        found = run.local_walks[index] = Trace()
        local_explainer(run).evaluate(ruleset.rules[index].when, found)
    return found


__all__ = ["MAIN", "Firing", "Part", "Run", "local_explainer", "local_walk", "rule_walk"]
