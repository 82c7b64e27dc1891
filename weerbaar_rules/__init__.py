"""weerbaar-rules: a declarative rule engine for administrative instruments against ondermijning."""

from __future__ import annotations

from .case.model import Case
from .core.errors import CaseError, EvaluationError, ProfileError, RulesetError, WeerbaarError
from .core.version import __version__
from .decision.model import Decision, InstrumentDecision
from .evaluation import Engine

__all__ = [
    "Case",
    "CaseError",
    "Decision",
    "Engine",
    "EvaluationError",
    "InstrumentDecision",
    "ProfileError",
    "RulesetError",
    "WeerbaarError",
    "__version__",
]
