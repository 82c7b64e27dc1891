"""What one run of the engine leaves behind: the firings, the derived facts, the walks that explain them.

Below both the decision (evaluation.py, which makes runs and assembles the
decision from them) and the explanation (graph.py, which draws them), so that
neither has to import the other to speak of a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from .compiler import Unit
from .explain import Trace, Tri
from .facts import CaseFacts
from .gate import GENERAL, Context

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
    # Rule index -> its condition walked over these facts (explain.py): made once while the decision is
    # assembled, and read again by the graph, so the "why not" of a rule is worked out in one place.
    walks: dict[int, tuple[Tri, Trace]] = field(default_factory=dict)


@dataclass(frozen=True)
class Part:
    """One run of the engine and the instruments it decides: those whose context sees the same usable information."""

    run: Run
    instruments: frozenset[str]
    contexts: tuple[Context, ...]
    main: bool


__all__ = ["MAIN", "Firing", "Part", "Run"]
