"""The rule language: conditions, loading a ruleset and a municipal profile, and where the shipped rules live.

* `conditions` — the condition syntax of a rule (`when:`), parsed and checked against the case model;
* `ruleset` — `load_ruleset` (file:line errors) / `read_ruleset` (every problem as a diagnostic, for the lint);
* `resources` — the national rules and the profile catalogue that ship with the package.
"""

from __future__ import annotations

from .resources import find_profile, national_rules
from .ruleset import Rule, Ruleset, load_ruleset, read_ruleset

__all__ = ["Rule", "Ruleset", "find_profile", "load_ruleset", "national_rules", "read_ruleset"]
