"""The ground floor: typed errors, safe text, safe YAML, a light directed graph, the version.

Nothing here knows about cases, law or the engine; every other stage may use it.

* `errors` — `WeerbaarError` and its kinds (`CaseError`, `RulesetError`, `ProfileError`, `EvaluationError`);
* `safetext` — text from a case or ruleset made safe to print (no control characters, no personal data echoed);
* `yamlio` — YAML loaded safely, with line tables for messages that name file:line:column;
* `digraph` — the small directed graph the explanation is built in;
* `collector` — the garbage collector paused and then frozen around what lives as long as the process (an engine);
* `version` — `__version__`.
"""

from __future__ import annotations

from .errors import CaseError, EvaluationError, ProfileError, RulesetError, WeerbaarError
from .version import __version__

__all__ = ["CaseError", "EvaluationError", "ProfileError", "RulesetError", "WeerbaarError", "__version__"]
