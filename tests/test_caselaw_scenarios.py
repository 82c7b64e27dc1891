"""The case-law suite: published rulings as scenarios, found by every runner, each tied to its ECLI and documented.

Why: a rule set that advises on closing homes should reproduce what courts
decided on the same facts. The scenarios live in rulesets/nl/scenarios/rechtspraak/;
they must be picked up by `rules test`, pytest and the wheel, name their ruling
with a link, and appear in docs/rechtspraak.md, where the mapping of the court's
finding onto engine statuses is explained.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from click.testing import CliRunner

from weerbaar_rules.cli import main
from weerbaar_rules.testing.scenarios import find, load_scenario

from .conftest import ROOT, RULES

SUITE = RULES / "scenarios" / "rechtspraak"
DEPARTURES = ROOT / "docs" / "rechtspraak-afwijkingen" / "scenarios"
DOC = ROOT / "docs" / "rechtspraak.md"
ECLI = re.compile(r"ECLI:NL:[A-Z]+:\d{4}:[A-Z0-9]+")


def _ecli(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = ECLI.search(first)
    assert match, f"{path.name}: de eerste regel noemt geen ECLI"
    return match.group(0)


def test_the_loader_finds_the_subfolder_from_above_and_from_inside() -> None:
    from_scenarios = {p for p in find(RULES / "scenarios") if SUITE in p.parents}
    assert from_scenarios and from_scenarios == set(find(SUITE))


def test_rules_test_runs_the_subfolder_given_directly() -> None:
    result = CliRunner().invoke(main, ["test", str(SUITE)])
    names = {p.name.removesuffix(".yaml") for p in find(SUITE)}
    assert f"van {len(names)} scenario's geslaagd" in result.output
    assert all(name in result.output for name in names)


def test_the_wheel_ships_the_subfolder() -> None:
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    assert "*/*/*/*.yaml" in setuptools["package-data"]["weerbaar_rules.rulesets"]
    assert "weerbaar_rules.rulesets.nl.scenarios.rechtspraak" in setuptools["packages"]


def test_each_scenario_names_its_ruling_with_a_link_in_the_file_and_in_the_description() -> None:
    for path in find(SUITE) + find(DEPARTURES):
        ecli = _ecli(path)
        text = path.read_text(encoding="utf-8")
        assert f"https://uitspraken.rechtspraak.nl/details?id={ecli}" in text, path.name
        assert ecli in load_scenario(path).expected.omschrijving, path.name


def test_at_least_fifteen_rulings_with_both_outcomes_and_the_main_powers() -> None:
    scenarios = find(SUITE)
    rulings = {_ecli(p) for p in scenarios}
    assert len(rulings) >= 15, sorted(rulings)
    outcomes = {re.search(r"over de bevoegdheid \(\w+\): ([a-z ]+)\.", p.read_text(encoding="utf-8")).group(1) for p in scenarios}  # type: ignore[union-attr]
    assert outcomes == {"bevoegd", "niet bevoegd"}
    powers = {status for p in scenarios for status in load_scenario(p).expected.status}
    assert {"sluiting_13b_opiumwet", "sluiting_174a_gemeentewet", "bibob_weigering_burgemeester"} <= powers


def test_every_ruling_of_the_suite_and_every_departure_is_in_the_documentation() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for path in find(SUITE) + find(DEPARTURES):
        ecli = _ecli(path)
        assert f"[{ecli}](https://uitspraken.rechtspraak.nl/details?id={ecli})" in doc, ecli
        assert path.name.removesuffix(".yaml") in doc, path.name
