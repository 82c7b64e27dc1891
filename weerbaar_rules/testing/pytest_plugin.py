"""A pytest plugin that collects scenario files as tests, for suites that prefer no test code at all.

Enable it explicitly, so it never changes a test run by surprise::

    # conftest.py (top level)
    pytest_plugins = ["weerbaar_rules.testing.pytest_plugin"]

or ``pytest -p weerbaar_rules.testing.pytest_plugin``. Then every
``NAME.verwacht.yaml`` and every YAML file in a ``scenarios/`` directory that
pytest walks (``pytest rulesets/nl/scenarios``, or via ``testpaths``) is one
test. ``--weerbaar-regels DIR`` names the ruleset when it is not the directory
holding ``scenarios/``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..language.ruleset import SCENARIO_DIRS
from .scenario_tests import ScenarioFailure, assert_scenario
from .scenarios import SUFFIX


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("weerbaar", "weerbaar-rules scenario's")
    group.addoption(
        "--weerbaar-regels",
        dest="weerbaar_regels",
        default=None,
        help="Map met de regels voor de scenario's (standaard: de map waarin scenarios/ staat).",
    )


def is_scenario(path: Path, root: Path) -> bool:
    """NAME.verwacht.yaml, or a YAML file in a scenarios/ directory below the pytest root."""
    if path.suffix != ".yaml":
        return False
    try:
        folders = path.parent.relative_to(root).parts
    except ValueError:
        folders = path.parent.parts
    return path.name.endswith(SUFFIX) or bool(SCENARIO_DIRS & set(folders))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if is_scenario(file_path, parent.config.rootpath):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


class ScenarioFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        name = self.path.name.removesuffix(".yaml").removesuffix(".verwacht")
        yield ScenarioItem.from_parent(self, name=name)


class ScenarioItem(pytest.Item):
    def runtest(self) -> None:
        assert_scenario(self.path, self.config.getoption("weerbaar_regels"))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ScenarioFailure):
            return str(excinfo.value).strip()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"scenario {self.name}"
