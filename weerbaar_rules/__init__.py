"""weerbaar-rules: a declarative rule engine for administrative instruments against ondermijning."""

from __future__ import annotations

__version__ = "0.1.0"

from .decision import Decision, InstrumentDecision
from .errors import CaseError, EvaluationError, ProfileError, RulesetError, WeerbaarError
from .evaluation import Engine
from .model import Case

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
