"""The testing kit for ruleset maintainers, shipped inside the package.

* `cases()` — a hypothesis strategy of valid `Case` objects, derived from the
  case model and tuned to the boundaries of a ruleset;
* `invariants` — properties every ruleset must keep, to check on any case;
* `scenario_params()` / `assert_scenario()` — collect the scenario files of a
  ruleset in a municipality's own pytest suite (or use the pytest plugin
  `weerbaar_rules.testing.pytest_plugin`);
* hypothesis profiles ``ci`` (reproducible, bounded) and ``thorough``.

See docs/testkit.md.
"""

from __future__ import annotations

from . import invariants
from .profiles import CI, THOROUGH, profile_settings, register_profiles
from .scenario_tests import ScenarioFailure, assert_scenario, scenario_params
from .strategies import cases, hints

register_profiles()

__all__ = [
    "CI",
    "THOROUGH",
    "ScenarioFailure",
    "assert_scenario",
    "cases",
    "hints",
    "invariants",
    "profile_settings",
    "register_profiles",
    "scenario_params",
]
