"""The engine a caller holds: a compiled ruleset that evaluates cases into explained decisions.

It joins the stages: the inference runs the case (engine/), the decision is
assembled from the runs (decision/), and the explanation is built from the
same runs on first use (explain/). Public as `weerbaar_rules.Engine`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..case.model import Case
from ..core import collector
from ..decision.assemble import Citations, Outcome, decide, outcome
from ..decision.model import Decision
from ..engine.compiler import Program
from ..engine.inference import DEFAULT_MAX_FIRINGS, Inference
from ..engine.runs import Part, Run
from ..explain.explanation import Explanation
from ..decision.ruleset_part import part_of
from ..language.ruleset import Ruleset, load_ruleset


class Engine(Inference):
    """A compiled ruleset (optionally with a municipal profile) that evaluates cases.

    Build it once and reuse it: compiling registers rulesets in the C engine,
    which are never freed. Evaluations are isolated per case and serialised by
    a lock, so one engine may be shared between threads.
    """

    def __init__(self, ruleset: Ruleset, max_firings: int = DEFAULT_MAX_FIRINGS, program: Program | None = None) -> None:
        super().__init__(ruleset, max_firings, program)
        self.citations = Citations(ruleset)

    @classmethod
    def from_directory(cls, directory: str | Path | None = None, profile: str | Path | None = None, **kwargs: Any) -> Engine:
        """Load and compile a ruleset directory, optionally with a municipal profile (a YAML file) on top.

        Without `directory`: the national rules that ship with the package (or
        `WEERBAAR_REGELS`). Raises `RulesetError`/`ProfileError` naming file,
        rule and line; compile once and reuse the engine for many cases.
        """
        from ..language.resources import national_rules
        from . import cache

        rules = Path(directory) if directory is not None else national_rules()
        profile_file = Path(profile) if profile is not None else None
        entry = cache.key(rules, profile_file)
        program = cache.load(entry) if entry is not None else None
        if program is not None:
            return cls(program.ruleset, program=program, **kwargs)
        engine = cls(load_ruleset(directory if directory is not None else rules, profile), **kwargs)
        if entry is not None and cache.key(rules, profile_file) == entry:  # unchanged while it was read
            cache.store(entry, engine.program)
        return engine

    def evaluate(self, case: Case, peildatum: dt.date | None = None) -> Decision:
        """The decision for one case: every instrument's status with its reasons, and the explained graph.

        The law in force on `peildatum` (else the case's peildatum, else today)
        is applied. Deterministic, and isolated from every other evaluation;
        raises `EvaluationError` only when the rules run away.
        """
        parts = self.parts(case, peildatum)
        decision = decide(self.ruleset, self.citations, case, parts)
        runs = [(part.run, part) for part in parts]
        decision._explanation = Explanation.of_runs(self.ruleset, case, runs, decision)
        decision._part = part_of(self.ruleset)
        return decision

    def outcome(self, case: Case, peildatum: dt.date | None = None, parts: list[Part] | None = None) -> tuple[Run, Outcome]:
        """What the decision concludes, without reasons or explanation: a fraction of `evaluate`'s time (`rules diff`).

        `parts`: the runs `self.parts(case, peildatum)` gave already, for a caller that looked at them first
        (`rules diff` skips the statuses of a case its change cannot touch).
        """
        return outcome(self.ruleset, self.citations, case, parts if parts is not None else self.parts(case, peildatum))


_SHARED: dict[tuple[str, str | None], Engine] = {}


def shared_engine(rules: Path, profile: Path | None, on_warning: Callable[[str], None] | None = None) -> Engine:
    """One compiled engine per ruleset and profile in this process (the CLI, a batch worker, a server worker).

    Compiling registers rulesets in durable_rules' C engine, which never frees
    them: a process that evaluates many cases must not compile again.
    `on_warning` hears the ruleset's warnings once, when it is compiled.
    """
    key = (str(rules), str(profile) if profile else None)
    engine = _SHARED.get(key)
    if engine is None:
        with collector.long_lived():  # the engine lives as long as the process (see core/collector.py)
            engine = _SHARED[key] = Engine.from_directory(rules, profile=profile)
        if on_warning is not None:
            for warning in engine.ruleset.warnings:
                on_warning(warning)
    return engine


__all__ = ["Engine", "shared_engine"]
