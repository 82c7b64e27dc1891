"""Shared fixtures: the national ruleset is compiled once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from weerbaar_rules import Engine

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets" / "nl"
PROFILES = ROOT / "rulesets" / "gemeenten"
CASES = ROOT / "cases"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_directory(RULES)
