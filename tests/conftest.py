"""Shared fixtures: the national ruleset is compiled once per test session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from weerbaar_rules import Engine
from weerbaar_rules.testing import CI

# Reproducible and bounded by default; `pytest --hypothesis-profile thorough` overrides this
# (the hypothesis plugin loads a chosen profile after this conftest is imported).
settings.load_profile(CI)

# The ruleset cache (evaluation/cache.py) of this session lives in a directory of its own, inherited by the
# CLI processes the tests start, so the tests neither read nor fill the developer's ~/.cache.
if "WEERBAAR_CACHE" not in os.environ:
    _CACHE = tempfile.mkdtemp(prefix="weerbaar-cache-")
    os.environ["WEERBAAR_CACHE"] = _CACHE
    atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets" / "nl"
PROFILES = ROOT / "rulesets" / "gemeenten"
CASES = ROOT / "cases"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.from_directory(RULES)


def drug_case_data(default_id: str = "T", **changes: Any) -> dict[str, Any]:
    """Hard-drug dealing from a rented corporation home on police information; parts replaced by `changes`."""
    data: dict[str, Any] = {
        "schema_versie": "2",
        "zaak_id": default_id,
        "peildatum": "2026-11-01",
        "locatie": {"type": "woning", "eigendom": "huurder_woningcorporatie", "minderjarigen": False},
        "activiteiten": [
            {"type": "drugshandel", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "handelshoeveelheid"}, "plek": "in_pand", "datum": "2026-10-01", "informatie": ["pol1"]}
        ],
        "informatie": [{"id": "pol1", "bron": "politie", "grondslag": "wpg_16"}],
    }
    data.update(changes)
    return data
