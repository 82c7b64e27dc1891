"""weerbaar-rules: a declarative rule engine for administrative instruments against ondermijning."""

from __future__ import annotations

__version__ = "0.1.0"

from .decision import Decision, InstrumentDecision  # noqa: E402
from .errors import CaseError, EvaluationError, ProfileError, RulesetError, WeerbaarError  # noqa: E402
from .evaluation import Engine  # noqa: E402
from .model import Case  # noqa: E402

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
