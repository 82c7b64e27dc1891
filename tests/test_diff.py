"""`rules diff`: a real change (art. 13b grond b, voorbereidingshandelingen, since 2019) is found and shrunk."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from weerbaar_rules import Case, Engine
from weerbaar_rules.cli import main
from weerbaar_rules.diff import Comparison, Difference, diff, generated_differences, minimize
from weerbaar_rules.testing import profile_settings

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OUD, NIEUW, ZAKEN = FIXTURES / "oud", FIXTURES / "nieuw", FIXTURES / "zaken"


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    return Engine.from_directory(OUD), Engine.from_directory(NIEUW)


@pytest.fixture(scope="module")
def generated(engines: tuple[Engine, Engine]) -> list[Difference]:
    return generated_differences(Comparison(*engines))


def test_generated_differences_are_shrunk_to_one_activity(generated: list[Difference]) -> None:
    assert generated
    for difference in generated:
        case = difference.case
        assert difference.shrunk
        assert [a.type for a in case.activiteiten] == ["voorbereidingshandelingen"]
        assert not case.vergunningen and not case.voorgeschiedenis and len(case.informatie) == 1
        assert case.peildatum >= dt.date(2019, 1, 1)  # grond b holds since 2019
        assert {r.id: r.changed for r in difference.rules}["opiumwet.13b.grond_b"] == "nieuw"


def test_the_definite_difference_recommends_closure(generated: list[Difference]) -> None:
    definite = [d for d in generated if d.recommended[1] == ("sluiting_13b_opiumwet",)]
    assert len(definite) == 1
    act = definite[0].case.activiteiten[0]
    assert act.wetenschap_betrokkene is True  # the one fact grond b needs besides the activity
    assert ("sluiting_13b_opiumwet", "uitgesloten", "aanbevolen") in definite[0].statuses
    # Only that fact is known: everything else was shrunk to unknown.
    assert act.model_dump(exclude_defaults=True, exclude={"type", "informatie"}) == {"wetenschap_betrokkene": True}


def test_minimize_keeps_only_the_facts_a_difference_needs(engines: tuple[Engine, Engine]) -> None:
    comparison = Comparison(*engines)
    big = Case.model_validate(
        {
            "zaak_id": "groot",
            "peildatum": "2020-05-05",
            "gemeente": "ergens",
            "locatie": {"type": "lokaal", "openbaar_toegankelijk": True, "minderjarigen": False, "adres": "Straat 1"},
            "activiteiten": [
                {"type": "witwassen", "gewicht_gram": 3, "informatie": ["a", "b"]},
                {"type": "voorbereidingshandelingen", "plek": "in_pand", "datum": "2020-01-01", "informatie": ["b"]},
            ],
            "vergunningen": [{"soort": "subsidie", "status": "verleend"}],
            "voorgeschiedenis": [{"instrument": "stopgesprek", "datum": "2019-01-01"}],
            "informatie": [{"id": "a", "bron": "om", "grondslag": "wgs"}, {"id": "b", "bron": "politie", "grondslag": "wpg_16"}],
            "openbare_orde": {"verstoring": "licht"},
        }
    )
    difference = comparison.compare(big, "x")
    assert difference is not None and ("sluiting_13b_opiumwet", "uitgesloten", "onbeslist") in difference.statuses

    def keeps(case: Case) -> bool:
        found = comparison.compare(case, "x")
        return found is not None and found.signature == difference.signature

    smallest = minimize(big, keeps)
    assert smallest.model_dump(mode="json", exclude_defaults=True) == {
        "zaak_id": "groot",
        "peildatum": "2020-05-05",
        "locatie": {"type": "lokaal"},
        "activiteiten": [{"type": "voorbereidingshandelingen", "informatie": ["b"]}],
        "informatie": [{"id": "b", "bron": "politie", "grondslag": "wpg_16"}],
    }


def test_corpus_cases_are_reported_with_their_file(engines: tuple[Engine, Engine]) -> None:
    found = diff(*engines, directories=[ZAKEN], examples=0)
    assert [(Path(d.source).name, d.shrunk) for d in found] == [("voorbereiding_2020.json", False)]  # 2018: no grond b yet
    assert found[0].recommended == ((), ("sluiting_13b_opiumwet",))


def test_a_ruleset_compared_with_itself_has_no_differences(engines: tuple[Engine, Engine]) -> None:
    assert diff(engines[0], Engine.from_directory(OUD), directories=[ZAKEN], examples=100) == []


def test_cli_json_lists_the_differences_and_exits_1() -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(NIEUW), "--zaken", str(ZAKEN), "--aantal", "150", "--format", "json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert set(data) == {"verschillen"}
    first = data["verschillen"][0]
    assert first["bron"].endswith("voorbereiding_2020.json") and first["verkleind"] is False
    assert any(d["verkleind"] and d["zaak"]["activiteiten"][0]["type"] == "voorbereidingshandelingen" for d in data["verschillen"])
    assert {"id": "opiumwet.13b.grond_b", "oud": [], "nieuw": ["mogelijk", "zeker"], "wijziging": "nieuw"} in first["regels"]


def test_cli_same_ruleset_prints_an_empty_list_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(OUD), "--zaken", str(ZAKEN), "--aantal", "50", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == {"verschillen": []}


def test_cli_text_and_the_thorough_profile() -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(OUD), "--zaken", str(ZAKEN), "--aantal", "20", "--profile", "thorough"])
    assert result.exit_code == 0 and result.output.startswith("geen verschillen")
    assert profile_settings("thorough").max_examples > profile_settings("ci").max_examples
    assert profile_settings("thorough").derandomize is False


def test_cli_bad_ruleset_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(tmp_path / "weg")])
    assert result.exit_code == 2 and result.output.startswith("fout: ")
