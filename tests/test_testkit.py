"""The testing kit: case strategies, scenario helpers, the pytest plugin and `rules test --coverage`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import Phase, given, settings
from pydantic import BaseModel, Field

from weerbaar_rules import Case
from weerbaar_rules.case import model
from weerbaar_rules.cli import main
from weerbaar_rules.engine.facts import months_between
from weerbaar_rules.language.ruleset import load_ruleset
from weerbaar_rules.testing import CI, ScenarioFailure, assert_scenario, cases, hints, scenario_params
from weerbaar_rules.testing.coverage import coverage
from weerbaar_rules.testing.scenarios import run_directory
from weerbaar_rules.testing.strategies import models, peildata

from .conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures"
STRESS = FIXTURES / "stress"
NIEUW = FIXTURES / "diff" / "nieuw"
SCENARIOS = NIEUW / "scenarios"
STRESS_RULES = load_ruleset(STRESS)


# -- strategies ---------------------------------------------------------------------------------


@given(cases(STRESS_RULES))
def test_generated_cases_are_valid_and_complete(case: Case) -> None:
    assert Case.model_validate_json(case.model_dump_json()) == case
    assert case.peildatum is not None  # never "today": a test run must not depend on the calendar
    ids = {i.id for i in case.informatie}
    assert len(ids) == len(case.informatie)
    for item in (*case.activiteiten, *case.vergunningen):
        assert set(item.informatie) <= ids


def _occurs(strategy: Any, predicate: Any, examples: int = 400) -> bool:
    """Does some generated value satisfy the predicate? (Generation only: no shrinking, stops at the first hit.)"""

    class Hit(Exception):
        pass

    @settings(max_examples=examples, phases=[Phase.generate], database=None)
    @given(strategy)
    def probe(value: Any) -> None:
        if predicate(value):
            raise Hit

    try:
        probe()
    except Hit:
        return True
    return False


@pytest.mark.parametrize(
    ("model_cls", "field", "enum"),
    [
        (model.Activiteit, "type", model.ActiviteitType),
        (model.Activiteit, "opiumwet_lijst", model.OpiumwetLijst),
        (model.Locatie, "type", model.LocatieType),
        (model.Informatie, "bron", model.Bron),
        (model.Informatie, "grondslag", model.Grondslag),
        (model.Vergunning, "status", model.VergunningStatus),
    ],
)
def test_every_enum_value_is_generated(model_cls: type[BaseModel], field: str, enum: type[Enum]) -> None:
    seen: set[Any] = set()

    @settings(max_examples=500)
    @given(models(model_cls, STRESS_RULES))
    def collect(value: BaseModel) -> None:
        seen.add(getattr(value, field))

    collect()
    assert {m.value for m in enum} <= seen


def test_optional_facts_are_both_unknown_and_known() -> None:
    for attribute in ("minderjarigen", "beroepsgebruik", "openbaar_toegankelijk"):
        assert _occurs(cases(STRESS_RULES), lambda c, a=attribute: getattr(c.locatie, a) is None)
        assert _occurs(cases(STRESS_RULES), lambda c, a=attribute: getattr(c.locatie, a) is not None)


def test_hints_collect_the_boundaries_of_the_rules() -> None:
    found = hints(STRESS_RULES)
    # s.b is valid 2021-07-01 .. 2023-12-31: the first day after it is a boundary; so is a date a rule tests.
    assert {dt.date(2021, 7, 1), dt.date(2024, 1, 1), dt.date(2019, 1, 1)} <= set(found.peildata)
    assert {10, 36} <= set(found.months)
    assert 5.0 in found.numbers["waarde"]
    assert "politie" in found.values["bron"]


def test_the_legal_dates_are_the_rulesets_own() -> None:
    # Besides the rules' validity: authorities (Drank- en Horecawet to Alcoholwet on 2013-01-01), bases for
    # information (WGS from 2025-03-01), citations of the catalogue (Alcoholwet from 2021-07-01), and a
    # profile's parameter versions (Milderveen from 2025-01-01). Without a ruleset, no day is favoured.
    national = set(hints(load_ruleset(ROOT / "rulesets" / "nl")).peildata)
    assert {dt.date(2013, 1, 1), dt.date(2025, 3, 1), dt.date(2021, 7, 1)} <= national
    assert dt.date(2025, 1, 1) not in national
    profiled = set(hints(load_ruleset(ROOT / "rulesets" / "nl", ROOT / "rulesets" / "gemeenten" / "milderveen.yaml")).peildata)
    assert profiled - national == {dt.date(2025, 1, 1)}
    assert hints().peildata == ()
    assert _occurs(peildata(), lambda d: d.year < 2005) and _occurs(peildata(), lambda d: d.year > 2030)


BOUNDARY_DAYS = [dt.date(2021, 6, 30), dt.date(2021, 7, 1), dt.date(2023, 12, 31), dt.date(2024, 1, 1), dt.date(2018, 12, 31)]


@pytest.mark.parametrize("day", BOUNDARY_DAYS)
def test_peildata_on_both_sides_of_a_validity_boundary_are_likely(day: dt.date) -> None:
    assert _occurs(peildata(STRESS_RULES), lambda d: d == day, examples=300)


def test_generated_cases_use_those_peildata() -> None:
    assert _occurs(cases(STRESS_RULES), lambda c: c.peildatum in BOUNDARY_DAYS, examples=100)


def test_a_date_far_from_every_boundary_is_not_favoured() -> None:
    # The other side of the tests above: likely means "near a boundary", not "any date at all".
    assert not _occurs(peildata(STRESS_RULES), lambda d: d == dt.date(2016, 5, 17), examples=300)


@pytest.mark.parametrize("months", [9, 10, 35, 36])
def test_item_dates_land_on_both_sides_of_month_thresholds(months: int) -> None:
    day = dt.date(2024, 3, 15)
    assert _occurs(models(model.Maatregel, STRESS_RULES, peildatum=day), lambda m: m.datum is not None and months_between(m.datum, day) == months)


@pytest.mark.parametrize("weight", [4.99, 5.01])
def test_numbers_land_on_both_sides_of_a_threshold(weight: float) -> None:
    assert _occurs(models(model.Activiteit, STRESS_RULES), lambda a: a.hoeveelheid is not None and a.hoeveelheid.waarde == weight, examples=400)


class _Kleur(str, Enum):
    rood = "rood"
    blauw = "blauw"


class _Deel(BaseModel):
    kleur: _Kleur
    aantal: int = Field(ge=2, le=4)


class _Nieuw(BaseModel):
    """A model with fields the kit has never seen, as a municipality's extension would have."""

    naam: str = Field(min_length=1, max_length=5)
    actief: bool | None = None
    sinds: dt.date | None = None
    delen: list[_Deel] = Field(default_factory=list, max_length=2)


@given(models(_Nieuw))
def test_any_model_is_generated_from_its_fields(value: _Nieuw) -> None:
    assert 1 <= len(value.naam) <= 5
    assert all(2 <= d.aantal <= 4 for d in value.delen)


def test_a_field_type_the_kit_does_not_know_is_an_error() -> None:
    class _Vreemd(BaseModel):
        waarde: complex

    with pytest.raises(TypeError, match="waarde"):
        models(_Vreemd)


# -- scenario helpers -------------------------------------------------------------------------


def test_scenario_params_name_each_scenario() -> None:
    params = scenario_params(SCENARIOS)
    assert [p.id for p in params] == ["harddrugs_sluiten", "opzettelijk_fout"]


@pytest.mark.parametrize("scenario", scenario_params(ROOT / "rulesets" / "nl" / "scenarios"))
def test_national_scenarios(scenario: Path) -> None:
    assert_scenario(scenario)


def test_a_passing_scenario_returns_its_result() -> None:
    result = assert_scenario(SCENARIOS / "harddrugs_sluiten.yaml")
    assert result.ok and result.decision.aanbevolen == ["sluiting_13b_opiumwet"]


def test_a_failing_scenario_shows_expected_actual_and_the_explanation() -> None:
    with pytest.raises(ScenarioFailure) as failure:
        assert_scenario(SCENARIOS / "opzettelijk_fout.yaml")
    message = str(failure.value)
    assert "aanbevolen: verwacht ['bestuurlijke_waarschuwing'], kreeg ['sluiting_13b_opiumwet']" in message
    assert "bestuurlijke_waarschuwing: verwacht aanbevolen, kreeg mogelijk" in message
    assert "regel damocles.harddrugs (suitable): vuurde mogelijk/zeker" in message
    assert "regel damocles.softdrugs (suitable): vuurde niet" in message
    assert "niet vervuld: niet: een item in activiteiten waarvoor geldt: opiumwet_lijst is I" in message


def test_the_pytest_plugin_collects_scenario_files(tmp_path: Path) -> None:
    rules = tmp_path / "regels"
    (rules / "scenarios").mkdir(parents=True)
    (rules / "regels.yaml").write_text((NIEUW / "regels.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    for path in SCENARIOS.glob("*.yaml"):
        (rules / "scenarios" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "weerbaar_rules.testing.pytest_plugin", "-p", "no:cacheprovider", "-q", str(rules / "scenarios")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "1 failed, 1 passed" in run.stdout
    assert "opzettelijk_fout" in run.stdout and "regel damocles.harddrugs (suitable): vuurde mogelijk/zeker" in run.stdout


# -- coverage -----------------------------------------------------------------------------------


def test_coverage_lists_rules_never_fired_and_never_blocked() -> None:
    results = run_directory(SCENARIOS, NIEUW)
    cov = coverage(results, [load_ruleset(NIEUW)])
    never_fired = {r.id for r in cov.never_fired}
    never_blocked = {r.id for r in cov.never_blocked}
    assert never_fired == {"opiumwet.13b.grond_b", "damocles.voorbereiding", "damocles.softdrugs"}
    assert {"opiumwet.13b.pand", "damocles.harddrugs"} <= never_blocked
    assert not never_fired & never_blocked


def test_rules_test_coverage_option() -> None:
    result = CliRunner().invoke(main, ["test", str(SCENARIOS), "--regels", str(NIEUW), "--coverage"])
    assert result.exit_code == 1  # the deliberately wrong scenario fails
    assert "1 van 2 scenario's geslaagd" in result.output
    assert "nooit afgevuurd (geen scenario waarin de regel zeker vuurt): 3" in result.output
    assert "opiumwet.13b.grond_b (geldig 2019-01-01 t/m …)" in result.output
    assert "nooit tegengehouden" in result.output


def test_rules_test_by_default_also_runs_the_scenarios_next_to_the_rules(tmp_path: Path) -> None:
    import os

    here = Path.cwd()
    os.chdir(tmp_path)  # no cases/ here: only the scenarios next to the rules run
    try:
        result = CliRunner().invoke(main, ["test", "--regels", str(NIEUW)])
    finally:
        os.chdir(here)
    assert "harddrugs_sluiten" in result.output and "opzettelijk_fout" in result.output


def test_hypothesis_uses_the_ci_profile_by_default(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("hypothesis_profile", None):
        pytest.skip("een ander profiel is gekozen")
    assert settings.default.derandomize is True
    assert settings.default.database is None
    assert settings.get_profile(CI).max_examples == settings.default.max_examples



def test_a_failing_scenario_explains_an_instrument_by_the_run_that_decided_it(tmp_path: Path) -> None:
    # The raad's onteigening is decided on the information the raad may use: police data under art. 16
    # Wpg go to the burgemeester only. The availability rule fired in the burgemeester's run, not in the
    # raad's; the explanation used to say "vuurde zeker" next to an excluded instrument.
    case = json.loads((ROOT / "cases" / "stromanverhuur_beheerovername.json").read_text(encoding="utf-8"))
    scenario = tmp_path / "onteigening_raad.yaml"
    scenario.write_text(
        yaml.safe_dump({"omschrijving": "opzettelijk fout", "aanbevolen": [], "status": {"onteigening_omgevingswet": "mogelijk"}, "zaak": case}, allow_unicode=True),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioFailure) as failure:
        assert_scenario(scenario, ROOT / "rulesets" / "nl")
    message = str(failure.value)
    assert "regel onteigening.omgevingswet (available/require/weigh): vuurde niet\n" in message
    assert "niet vervuld: afgeleid feit 'bevoegdheid_13b' geldt niet" in message
