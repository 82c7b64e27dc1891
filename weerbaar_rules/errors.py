"""Typed errors with messages a lawyer can act on.

Every error names the file and the place; the CLI turns them into one line and
an exit code (2 for bad input, 1 for anything else), never a traceback.
"""

from __future__ import annotations


class WeerbaarError(Exception):
    """Base class: everything this package raises on purpose."""

    exit_code = 1


class CaseError(WeerbaarError):
    """The case file is unreadable or does not fit the case model."""

    exit_code = 2


class RulesetError(WeerbaarError):
    """A ruleset or profile is malformed: the message names file, rule id and line."""

    exit_code = 2


class ProfileError(RulesetError):
    """A municipal profile is unknown or malformed."""


class EvaluationError(WeerbaarError):
    """The engine could not finish an evaluation (runaway chain, failing action)."""

    exit_code = 1
