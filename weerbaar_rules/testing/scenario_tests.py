"""Scenario files in a municipality's own pytest suite.

    # tests/test_scenarios.py of a municipality
    import pytest
    from weerbaar_rules.testing import assert_scenario, scenario_params

    @pytest.mark.parametrize("scenario", scenario_params("rulesets/nl/scenarios"))
    def test_scenario(scenario):
        assert_scenario(scenario)

Each scenario becomes one test named after its file. A failure shows the
expected and the actual decision and the explanation path: which rules about
the instrument fired (and how), the reasons, the unmet conditions and the
missing or blocked facts. Compiled engines are shared by all scenarios of a
test session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..language.resources import national_rules
from ..language.ruleset import SCENARIO_DIRS
from .scenarios import Result, find, load_scenario, run_scenario

_ENGINES: dict[tuple[str, str | None], Any] = {}


class ScenarioFailure(AssertionError):
    """A scenario's decision differs from its expectation; the message explains the difference."""


def rules_for(path: Path) -> Path:
    """The ruleset a scenario belongs to: the directory holding its scenarios/ folder, else the default rules."""
    for parent in path.resolve().parents:
        if parent.name in SCENARIO_DIRS and any(parent.parent.glob("*.yaml")):
            return parent.parent
    return national_rules()


def scenario_params(directory: str | Path, rules: str | Path | None = None) -> list[Any]:
    """One `pytest.param` per scenario file in `directory`, with the scenario name as test id.

    Pass `rules` when the scenarios are not in a `scenarios/` folder next to the
    ruleset (e.g. `cases/`); the value of each param is what `assert_scenario`
    expects.
    """
    import pytest

    params = []
    for path in find(Path(directory)):
        name = path.name.removesuffix(".yaml").removesuffix(".verwacht")
        value = (path, Path(rules)) if rules is not None else path
        params.append(pytest.param(value, id=name))
    return params


def run(path: str | Path, rules: str | Path | None = None) -> Result:
    """Evaluate one scenario file (engines are compiled once per process)."""
    path = Path(path)
    return run_scenario(load_scenario(path), Path(rules) if rules is not None else rules_for(path), _ENGINES)


def assert_scenario(scenario: str | Path | tuple[Path, Path], rules: str | Path | None = None) -> Result:
    """Raise `ScenarioFailure` (an AssertionError) with the explanation when the decision is not the expected one."""
    __tracebackhide__ = True
    if isinstance(scenario, tuple):
        scenario, rules = scenario
    result = run(scenario, rules)
    if not result.ok:
        raise ScenarioFailure("\n" + result.report())
    return result


__all__ = ["ScenarioFailure", "assert_scenario", "rules_for", "run", "scenario_params"]
