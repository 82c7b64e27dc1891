"""Every example case in cases/ gives its expected decision."""

from __future__ import annotations

from pathlib import Path

import pytest

from weerbaar_rules import Engine
from weerbaar_rules.testing.scenarios import check, find, load_scenario

from .conftest import CASES, PROFILES, RULES

SCENARIOS = find(CASES)
_engines: dict[str | None, Engine] = {}


def _engine(profile: str | None) -> Engine:
    if profile not in _engines:
        _engines[profile] = Engine.from_directory(RULES, profile=PROFILES / f"{profile}.yaml" if profile else None)
    return _engines[profile]


def test_there_are_enough_cases() -> None:
    assert len(SCENARIOS) >= 8


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).name.removesuffix(".verwacht.yaml"))
def test_case_gives_expected_decision(path: Path) -> None:
    scenario = load_scenario(path)
    decision = _engine(scenario.expected.profiel).evaluate(scenario.case, peildatum=scenario.expected.peildatum)
    problems = check(scenario, decision)
    assert not problems, "\n".join(problems)
