"""Packaging: what the wheel must contain, and how the shipped rulesets and profiles are found.

The full check (a plain `pip install .` in a fresh venv, run from another
directory) is in `.ci/run`; these tests keep the package list in pyproject.toml
from drifting away from the source tree between CI runs.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from weerbaar_rules.core.errors import ProfileError
from weerbaar_rules.language.resources import catalogue, data_root, find_profile, national_rules

from .conftest import ROOT, RULES

SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_code_package_is_in_the_wheel() -> None:
    packages = {
        ".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "weerbaar_rules").rglob("__init__.py") if "__pycache__" not in path.parts
    }
    assert packages <= set(SETUPTOOLS["packages"]), sorted(packages - set(SETUPTOOLS["packages"]))


def test_every_ruleset_directory_is_in_the_wheel() -> None:
    directories = {path.parent for path in (ROOT / "rulesets").rglob("*.yaml")}
    expected = {".".join(("weerbaar_rules", "rulesets", *d.relative_to(ROOT / "rulesets").parts)) for d in directories}
    assert expected <= set(SETUPTOOLS["packages"]), sorted(expected - set(SETUPTOOLS["packages"]))
    assert SETUPTOOLS["package-dir"] == {"weerbaar_rules.rulesets": "rulesets"}
    assert "py.typed" in SETUPTOOLS["package-data"]["weerbaar_rules"] and (ROOT / "weerbaar_rules" / "py.typed").is_file()


def test_a_checkout_reads_its_own_rulesets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEERBAAR_REGELS", raising=False)
    assert data_root() == ROOT / "rulesets" and national_rules() == RULES
    monkeypatch.setenv("WEERBAAR_REGELS", "/ergens/regels")
    assert national_rules() == Path("/ergens/regels")


def test_profile_catalogue_is_the_files_next_to_the_rules() -> None:
    assert set(catalogue(RULES)) == {"kaalhuizen", "milderveen", "strengdam"}
    assert find_profile("Strengdam", RULES) == ROOT / "rulesets" / "gemeenten" / "strengdam.yaml"


@pytest.mark.parametrize(
    "name", ["../gemeenten/strengdam", "/etc/passwd", "strengdam.yaml", "./strengdam", "..", "gemeenten\\strengdam", "strengdam/../strengdam"]
)
def test_a_profile_name_is_never_a_path(name: str) -> None:
    with pytest.raises(ProfileError, match="geen pad"):
        find_profile(name, RULES)
