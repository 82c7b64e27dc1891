"""Case file version 2: persons, honest unknowns, the schema as a file, and reading version 1 files."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from weerbaar_rules import Case, CaseError
from weerbaar_rules.case.io import validate
from weerbaar_rules.case.migrate import CaseFormatWarning
from weerbaar_rules.cli import main
from weerbaar_rules.decision.schema import CASE_FILE, DECISION_FILE, DIRECTORY, case_schema, decision_schema, render

from .conftest import CASES


def test_the_shipped_schemas_are_what_the_models_generate() -> None:
    assert (DIRECTORY / CASE_FILE).read_text(encoding="utf-8") == render(case_schema()), "python -m weerbaar_rules.decision.schema"
    assert (DIRECTORY / DECISION_FILE).read_text(encoding="utf-8") == render(decision_schema()), "python -m weerbaar_rules.decision.schema"


def test_the_schema_names_its_dialect_and_id_and_speaks_dutch() -> None:
    schema = case_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/zaak-2.schema.json")
    descriptions = [d.get("description", "") for d in schema["$defs"].values()] + [schema["description"]]
    english = [d for d in descriptions if any(word in f" {d} " for word in (" the ", " of a ", " which ", " is an "))]
    assert not english, english
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and json.loads(result.output)["$id"] == schema["$id"]


def test_every_example_case_is_version_2() -> None:
    for path in sorted(CASES.glob("*.json")):
        assert json.loads(path.read_text(encoding="utf-8")).get("schema_versie") == "2", path.name


def test_a_version_1_file_loads_converted_with_a_notice() -> None:
    v1 = {
        "zaak_id": "oud",
        "locatie": {"type": "woning"},
        "activiteiten": [{"type": "drugsopslag", "opiumwet_lijst": "II", "gewicht_gram": 300, "aantal_planten": 20, "informatie": ["p"]}],
        "informatie": [{"id": "p", "bron": "politie", "grondslag": "wpg_16"}],
    }
    with pytest.warns(CaseFormatWarning, match="rules migrate"):
        case = Case.model_validate(v1)
    assert [a.hoeveelheid.model_dump() for a in case.activiteiten if a.hoeveelheid] == [
        {"eenheid": "gram", "waarde": 300.0},
        {"eenheid": "planten", "waarde": 20.0},
    ]


def test_rules_migrate_writes_version_2(tmp_path: Path) -> None:
    source = tmp_path / "oud.json"
    source.write_text(json.dumps({"zaak_id": "x", "locatie": {"type": "woning"}, "activiteiten": [{"type": "drugshandel", "hoeveelheid": "handelshoeveelheid", "informatie": ["p"]}], "informatie": [{"id": "p", "bron": "politie", "grondslag": "wpg_16"}]}))
    target = tmp_path / "nieuw.json"
    result = CliRunner().invoke(main, ["migrate", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["schema_versie"] == "2" and data["activiteiten"][0]["hoeveelheid"] == {"eenheid": "handelshoeveelheid"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Case.model_validate(data)  # no notice any more


def test_every_fact_a_dossier_can_lack_is_optional() -> None:
    """An information item without source or basis, a measure without date, a building of unknown kind."""
    case = Case.model_validate(
        {
            "schema_versie": "2",
            "zaak_id": "onbekend",
            "locatie": {},
            "voorgeschiedenis": [{"instrument": "bestuurlijke_waarschuwing"}],
            "informatie": [{"id": "x"}],
            "openbare_orde": {"verstoord": True},
        }
    )
    assert case.locatie.type is None and case.voorgeschiedenis[0].datum is None and case.informatie[0].bron is None


def test_references_to_persons_must_resolve_and_never_echo_a_name() -> None:
    data = {
        "schema_versie": "2",
        "zaak_id": "p",
        "betrokkenen": [{"id": "a", "naam": "Jan Jansen", "rollen": ["aanvrager"]}],
        "antecedenten": [{"betrokkene": "Jan Jansen", "informatie": ["x"]}],
        "informatie": [{"id": "x"}],
    }
    with pytest.raises(CaseError) as error:
        validate(data, "zaak.json")
    assert "antecedenten[0].betrokkene: onbekende betrokkene" in str(error.value)
    assert "Jan" not in str(error.value)


# -- the information gate -----------------------------------------------------------------------------

import functools

from hypothesis import given, settings

from weerbaar_rules import Engine
from weerbaar_rules.testing import cases
from weerbaar_rules.testing.invariants import check_lawful_information

from .conftest import PROFILES, RULES

PROFILE_NAMES = sorted(p.stem for p in PROFILES.glob("*.yaml"))


@functools.cache
def _engine(profile: str | None) -> Engine:
    return Engine.from_directory(RULES, profile=PROFILES / f"{profile}.yaml" if profile else None)


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_no_example_recommendation_rests_on_information_that_may_not_carry_it(path: Path) -> None:
    case = Case.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assert check_lawful_information(_engine(None), case) == []


@pytest.mark.parametrize("profile", [None, *PROFILE_NAMES])
def test_no_generated_recommendation_rests_on_information_that_may_not_carry_it(profile: str | None) -> None:
    engine = _engine(profile)

    @settings(max_examples=25)
    @given(cases(engine.ruleset))
    def holds(case: Case) -> None:
        problems = check_lawful_information(engine, case)
        assert not problems, f"{case.model_dump_json(exclude_none=True)}\n" + "\n".join(problems)

    holds()


def test_the_decision_says_per_item_for_whom_it_may_be_used() -> None:
    decision = _engine(None).evaluate(Case.model_validate(json.loads((CASES / "politiegegevens_voor_college.json").read_text())))
    (item,) = decision.informatie
    usable = {(u.bevoegd, u.doel): u.bruikbaar for u in item.gebruik}
    assert usable[("burgemeester", "algemeen")] and not usable[("college", "algemeen")]
    college = next(u for u in item.gebruik if u.bevoegd == "college" and u.doel == "algemeen")
    assert "vraagt een eigen grondslag" in college.reden and "last_onder_bestuursdwang_college" in college.instrumenten
