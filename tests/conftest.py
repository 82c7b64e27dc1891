"""Shared fixtures: the national ruleset is compiled once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from weerbaar_rules import Engine
from weerbaar_rules.testing import CI

# Reproducible and bounded by default; `pytest --hypothesis-profile thorough` overrides this
# (the hypothesis plugin loads a chosen profile after this conftest is imported).
settings.load_profile(CI)

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets" / "nl"
PROFILES = ROOT / "rulesets" / "gemeenten"
CASES = ROOT / "cases"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_directory(RULES)
