"""weerbaar-rules: a declarative rule engine for administrative instruments against ondermijning."""

from __future__ import annotations

from .decision import Decision, InstrumentDecision
from .errors import CaseError, EvaluationError, ProfileError, RulesetError, WeerbaarError
from .evaluation import Engine
from .model import Case
from .version import __version__

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
