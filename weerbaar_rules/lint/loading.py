"""Capacity: what `rules evaluate` would still refuse once the files read well (a profile, references, strata durable_rules cannot hold)."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import WeerbaarError
from ..engine import backend
from ..engine.compiler import compile_ruleset
from ..language.ruleset import Reading, Rule, build_ruleset, split_where
from .findings import ERROR, Finding


def load_findings(reading: Reading, profile: str | Path | None, known: set[str]) -> tuple[list[Finding], list[Rule]]:
    """Build and compile the ruleset the way `rules evaluate` does, so check fails on whatever evaluate fails on.

    Built from the same reading the other lints analysed (no file is read
    twice). Every compiled stratum is handed to durable_rules now: it creates
    (and can refuse) a ruleset only when asked, which would otherwise be at
    the first case. `known`: messages already reported, not repeated.
    """
    try:
        ruleset = build_ruleset(reading, profile)
        for stratum in compile_ruleset(ruleset).strata:
            backend.prepare(stratum.name, stratum.definition)
    except WeerbaarError as exc:
        where, message = split_where(str(exc))
        finding = Finding(ERROR, where or str(profile or reading.directory), message, "laden")
        return ([] if finding.message in known else [finding]), []
    return [], list(ruleset.rules)
