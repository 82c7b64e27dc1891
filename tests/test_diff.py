"""`rules diff`: aimed at what changed, every change found and shrunk, a change nothing reached never passes silently."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from weerbaar_rules import Case, Engine
from weerbaar_rules.cli import main
from weerbaar_rules.testing import profile_settings
from weerbaar_rules.testing.diff import GENERATED, Comparison, Difference, Report, diff, shrink, to_json, to_text
from weerbaar_rules.testing.diff import _shrink_settings as shrink_settings
from weerbaar_rules.testing.directed import Generator

from .conftest import CASES, RULES

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OUD, NIEUW, ZAKEN = FIXTURES / "oud", FIXTURES / "nieuw", FIXTURES / "zaken"

THRESHOLD = "damocles.eerdere_waarschuwing"  # reads damocles_waarschuwing_geldt_maanden (36 months)
VALIDITY = "opiumwet.13b.grond_b"  # in force since 2019-01-01
ENUM = "damocles.lokaal"  # locatie.type in [lokaal, bedrijfspand]


def edited(tmp_path: Path, name: str, edits: list[tuple[str, str, str]]) -> Path:
    """A copy of the national rules with each (file, old text, new text) replaced exactly once."""
    target = tmp_path / name
    shutil.copytree(RULES, target)
    for file, old, new in edits:
        path = target / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (file, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    return target


THRESHOLD_EDIT = ("beleid_damocles.yaml", "  damocles_waarschuwing_geldt_maanden:\n    waarde: 36", "  damocles_waarschuwing_geldt_maanden:\n    waarde: 24")
DATE_EDIT = ("opiumwet.yaml", "    geldig_van: 2019-01-01", "    geldig_van: 2020-01-01")  # grond b, the only 2019 date in the file
ENUM_EDIT = ("beleid_damocles.yaml", "{fact: locatie.type, in: [lokaal, bedrijfspand]}", "{fact: locatie.type, in: [lokaal]}")


@pytest.fixture(scope="module")
def three(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The national rules with one threshold (36 -> 24 months), one date (2019 -> 2020) and one enum condition (no bedrijfspand) changed."""
    return edited(tmp_path_factory.mktemp("diff"), "drie", [THRESHOLD_EDIT, DATE_EDIT, ENUM_EDIT])


@pytest.fixture(scope="module")
def three_report(engine: Engine, three: Path) -> Report:
    return diff(engine, Engine.from_directory(three), examples=600, limit=20)


def _shrunk_for(report: Report, rule_id: str) -> list[Difference]:
    return [d for d in report.differences if d.source == GENERATED and d.shrunk and [r.id for r in d.observation.rules if r.changed] == [rule_id]]


def test_the_three_changes_are_the_changes(three_report: Report) -> None:
    changes = three_report.changes
    assert {k: v for k, v in changes.rules.items()} == {
        THRESHOLD: ("gewijzigd", ("voorwaarde",)),
        VALIDITY: ("gewijzigd", ("geldigheid",)),
        ENUM: ("gewijzigd", ("voorwaarde",)),
    }
    assert changes.parameters == (("damocles_waarschuwing_geldt_maanden", 36, 24),)


def test_the_threshold_change_is_found_with_a_shrunk_case(three_report: Report) -> None:
    found = _shrunk_for(three_report, THRESHOLD)
    assert found
    case = found[0].case
    # The smallest case: a warning for a drug offence between 24 and 36 months before the peildatum, and a drug offence now.
    (warning,) = case.voorgeschiedenis
    assert warning.instrument == "bestuurlijke_waarschuwing"
    months = (case.peildatum.year - warning.datum.year) * 12 + case.peildatum.month - warning.datum.month
    assert 24 <= months <= 36
    assert case.locatie.type == "woning" and len(case.activiteiten) == 1 and len(case.informatie) == 1
    assert ("bestuurlijke_waarschuwing", "mogelijk", "aanbevolen") in found[0].observation.statuses


def test_the_date_change_is_found_with_a_shrunk_case(three_report: Report) -> None:
    found = _shrunk_for(three_report, VALIDITY)
    assert found
    assert all(dt.date(2019, 1, 1) <= d.case.peildatum < dt.date(2020, 1, 1) for d in found)
    case = found[0].case
    assert [a.type for a in case.activiteiten] == ["voorbereidingshandelingen"] and not case.voorgeschiedenis
    assert {r.id: (r.old, r.new) for r in found[0].observation.rules}[VALIDITY][1] == ()


def test_the_enum_change_is_found_with_a_shrunk_case(three_report: Report) -> None:
    found = _shrunk_for(three_report, ENUM)
    assert found
    assert all(d.case.locatie.type == "bedrijfspand" for d in found)  # the value the change took out
    assert all(len(d.case.activiteiten) <= 1 and not d.case.vergunningen for d in found)


def test_every_change_is_reported_as_reached(three_report: Report) -> None:
    assert not three_report.unreached and not three_report.safe
    for coverage in three_report.coverage:
        assert coverage.reached and coverage.fired_differently and coverage.in_differences, coverage


def test_shrunk_cases_are_minimal(engine: Engine, three: Path, three_report: Report) -> None:
    """Leaving out any item or known fact of a shrunk case loses its difference (or makes it an invalid case)."""
    from weerbaar_rules.testing.diff import _atoms, _without

    comparison = Comparison(engine, Engine.from_directory(three))
    for difference in _shrunk_for(three_report, THRESHOLD)[:1] + _shrunk_for(three_report, ENUM)[:1]:
        data = difference.case.model_dump(mode="json")
        for atom in _atoms(data):
            try:
                smaller = Case.model_validate(_without(data, {atom}))
            except ValueError:
                continue
            assert comparison.observe(smaller).signature != difference.observation.signature, atom


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_threshold_change_is_found_whatever_the_seed(engine: Engine, tmp_path: Path, seed: int) -> None:
    directory = edited(tmp_path, "drempel", [THRESHOLD_EDIT])
    report = diff(engine, Engine.from_directory(directory), examples=300, seed=seed)
    assert _shrunk_for(report, THRESHOLD)


def test_the_shortcut_gives_the_same_observations(engine: Engine, three: Path) -> None:
    """Cases on which no changed rule can fire are run once; that must never change what is observed."""
    new = Engine.from_directory(three)
    quick, full = Comparison(engine, new), Comparison(engine, new, shortcut=False)
    assert quick.shortcut
    generator = Generator([engine.ruleset, new.ruleset], quick.changes.rule_ids())
    seen = 0
    for number in [*range(150), *range(2000, 2350)]:
        _, case = generator.case(number)
        if case is not None:
            assert quick.observe(case) == full.observe(case), number
            seen += 1
    assert seen > 450


def test_the_check_before_the_engine_runs_gives_the_same_observations(engine: Engine, tmp_path: Path) -> None:
    """A change to rules that test only case facts is judged before the engine runs; never with another answer."""
    new = Engine.from_directory(edited(tmp_path, "drempel", [THRESHOLD_EDIT]))
    quick, full = Comparison(engine, new), Comparison(engine, new, shortcut=False)
    assert quick._facts_only and not full._facts_only
    quick._seen = None  # every case on its own: the remembered observations are the next test's
    generator = Generator([engine.ruleset, new.ruleset], quick.changes.rule_ids())
    before_the_engine = compared = 0
    for number in [*range(150), *range(3000, 3350)]:
        _, case = generator.case(number)
        if case is None:
            continue
        if quick._untouched(case, engine.plan(case)):
            before_the_engine += 1
            parts = engine.parts(case)
            assert len(parts) == 1 and quick._unaffected(parts[0].run), number
        assert quick.observe(case) == full.observe(case), number
        compared += 1
    assert compared > 450 and before_the_engine > 300


def test_remembered_observations_are_the_observations(engine: Engine, tmp_path: Path) -> None:
    """Observations are remembered without the zaak_id: a repeated case, under another id, is observed the same."""
    new = Engine.from_directory(edited(tmp_path, "drempel", [THRESHOLD_EDIT]))
    remembering, fresh = Comparison(engine, new), Comparison(engine, new)
    fresh._seen = None
    generator = Generator([engine.ruleset, new.ruleset], remembering.changes.rule_ids())
    cases = [case for case in (generator.case(n)[1] for n in range(120)) if case is not None]
    for case in [*cases, *(c.model_copy(update={"zaak_id": f"ander-{c.zaak_id}"}) for c in cases)]:
        assert remembering.observe(case) == fresh.observe(case), case.zaak_id
    assert remembering._seen is not None and len(remembering._seen) <= len(cases)


def test_outcome_has_the_statuses_of_the_full_decision(engine: Engine, three: Path) -> None:
    generator = Generator([engine.ruleset], [THRESHOLD, ENUM])
    cases = [Case.model_validate(json.loads(p.read_text())) for p in sorted(CASES.glob("*.json"))]
    cases += [c for c in (generator.case(n)[1] for n in range(0, 400, 3)) if c is not None]
    for case in cases:
        _, outcome = engine.outcome(case)
        decision = engine.evaluate(case)
        assert outcome.statuses == {i.id: i.status for i in decision.instrumenten}
        assert outcome.escalations == {i.id: (i.escalatie.trede, i.escalatie.duur_maanden) for i in decision.instrumenten if i.escalatie}


def test_a_change_that_no_case_reaches_is_never_a_silent_no_difference(engine: Engine, tmp_path: Path) -> None:
    # A new rule that can never fire, not even possibly (a required fact cannot have two values): nothing reaches it.
    rule = """
  - id: test.onbereikbaar
    title: Kan nooit gelden
    grondslag: [{wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b}]
    when: {all: [{fact: zaak_id, equals: een}, {fact: zaak_id, equals: twee}]}
    then: [{derive: onbereikbaar}]
"""
    directory = edited(tmp_path, "onbereikbaar", [])
    with (directory / "opiumwet.yaml").open("a", encoding="utf-8") as stream:
        stream.write(rule)
    report = diff(engine, Engine.from_directory(directory), examples=200)
    assert report.differences == [] and report.unreached == ["test.onbereikbaar"] and not report.safe
    text = to_text(report, "oud", "nieuw")
    assert "geen verschil" in text and "NIET BEREIKT" in text and "LET OP" in text
    data = json.loads(to_json(report))
    assert data["verschillen"] == [] and data["niet_bereikt"] == ["test.onbereikbaar"]
    assert data["wijzigingen"]["regels"] == [
        {
            "id": "test.onbereikbaar",
            "wijziging": "nieuw",
            "onderdelen": [],
            "bereikt": False,
            "zaken_bereikt": 0,
            "zaken_anders_gevuurd": 0,
            "zaken_met_verschil": 0,
        }
    ]
    result = CliRunner().invoke(main, ["diff", str(RULES), str(directory), "--aantal", "50", "--zaken", str(ZAKEN)])
    assert result.exit_code == 1 and "NIET BEREIKT" in result.output


# -- the small fixture: grond b (voorbereidingshandelingen) added in 2019 ---------------------------------------


@pytest.fixture(scope="module")
def engines() -> tuple[Engine, Engine]:
    return Engine.from_directory(OUD), Engine.from_directory(NIEUW)


def test_generated_differences_are_shrunk_to_one_activity(engines: tuple[Engine, Engine]) -> None:
    report = diff(*engines, examples=300)
    generated = [d for d in report.differences if d.source == GENERATED]
    assert generated and all(d.shrunk for d in generated)
    for difference in generated:
        case = difference.case
        assert [a.type for a in case.activiteiten] == ["voorbereidingshandelingen"]
        assert not case.vergunningen and not case.voorgeschiedenis and len(case.informatie) == 1
        assert case.peildatum >= dt.date(2019, 1, 1)  # grond b holds since 2019
        assert {r.id: r.changed for r in difference.observation.rules}["opiumwet.13b.grond_b"] == "nieuw"
    definite = [d for d in generated if d.observation.recommended[1] == ("sluiting_13b_opiumwet",)]
    assert len(definite) == 1
    act = definite[0].case.activiteiten[0]
    # Only the one fact grond b needs besides the activity is known: everything else was shrunk to unknown.
    assert act.model_dump(exclude_defaults=True, exclude={"type", "informatie"}) == {"wetenschap_betrokkene": True}


def test_shrink_keeps_only_the_facts_a_difference_needs(engines: tuple[Engine, Engine]) -> None:
    comparison = Comparison(*engines)
    big = Case.model_validate(
        {
            "zaak_id": "groot",
            "peildatum": "2020-05-05",
            "gemeente": "ergens",
            "locatie": {"type": "lokaal", "openbaar_toegankelijk": True, "minderjarigen": False, "adres": "Straat 1"},
            "activiteiten": [
                {"type": "witwassen", "hoeveelheid": {"eenheid": "gram", "waarde": 3}, "informatie": ["a", "b"]},
                {"type": "voorbereidingshandelingen", "plek": "in_pand", "datum": "2020-01-01", "informatie": ["b"]},
            ],
            "vergunningen": [{"soort": "subsidie", "status": "verleend"}],
            "voorgeschiedenis": [{"instrument": "stopgesprek", "datum": "2019-01-01"}],
            "informatie": [{"id": "a", "bron": "om", "grondslag": "wgs"}, {"id": "b", "bron": "politie", "grondslag": "wpg_16"}],
            "openbare_orde": {"verstoring": "licht"},
        }
    )
    observation = comparison.observe(big)
    assert ("sluiting_13b_opiumwet", "uitgesloten", "onbeslist") in observation.statuses
    smallest, shrunk = shrink(comparison, big, observation.signature, shrink_settings("ci"))
    assert shrunk
    assert smallest.model_dump(mode="json", exclude_defaults=True) == {
        "zaak_id": "groot",
        "peildatum": "2020-05-05",
        "activiteiten": [{"type": "voorbereidingshandelingen", "informatie": ["b"]}],
        # Unknown information leaves the closure undecided in the new version as well: the source and basis go too.
        "informatie": [{"id": "b"}],
    }


def test_corpus_cases_are_reported_with_their_file(engines: tuple[Engine, Engine]) -> None:
    report = diff(*engines, directories=[ZAKEN], examples=0)
    found = [d for d in report.differences if d.source != GENERATED]
    assert [(Path(d.source).name, d.shrunk) for d in found] == [("voorbereiding_2020.json", False)]  # 2018: no grond b yet
    assert found[0].observation.recommended == ((), ("sluiting_13b_opiumwet",))


def test_a_ruleset_compared_with_itself_has_no_differences(engines: tuple[Engine, Engine]) -> None:
    report = diff(engines[0], Engine.from_directory(OUD), directories=[ZAKEN], examples=100)
    assert report.differences == [] and report.coverage == [] and report.safe


def test_the_result_does_not_depend_on_the_number_of_processes(engines: tuple[Engine, Engine]) -> None:
    one = to_json(diff(*engines, directories=[ZAKEN], examples=400, jobs=1))
    two = to_json(diff(*engines, directories=[ZAKEN], examples=400, jobs=2))
    assert one == two


def test_cli_json_lists_the_differences_and_exits_1() -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(NIEUW), "--zaken", str(ZAKEN), "--aantal", "150", "--format", "json", "-j", "1"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    first = data["verschillen"][0]
    assert first["bron"].endswith("voorbereiding_2020.json") and first["verkleind"] is False
    assert any(d["verkleind"] and d["zaak"]["activiteiten"][0]["type"] == "voorbereidingshandelingen" for d in data["verschillen"])
    assert {"id": "opiumwet.13b.grond_b", "oud": [], "nieuw": ["mogelijk", "zeker"], "wijziging": "nieuw"} in first["regels"]
    reached = {r["id"]: r["bereikt"] for r in data["wijzigingen"]["regels"]}
    assert reached == {"opiumwet.13b.bevoegdheid": True, "opiumwet.13b.grond_b": True, "damocles.voorbereiding": True}
    assert data["niet_bereikt"] == [] and data["zaken"]["voorbeelden"] >= 2


def test_cli_same_ruleset_prints_an_empty_list_and_exits_0() -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(OUD), "--zaken", str(ZAKEN), "--aantal", "50", "--format", "json", "-j", "1"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["verschillen"] == [] and data["niet_bereikt"] == [] and data["wijzigingen"]["regels"] == []


def test_cli_text_and_the_thorough_profile() -> None:
    args = ["diff", str(OUD), str(OUD), "--zaken", str(ZAKEN), "--aantal", "20", "-j", "1", "--hypothesis-profiel", "thorough"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and result.output.startswith("geen verschil")
    assert profile_settings("thorough").max_examples > profile_settings("ci").max_examples
    assert profile_settings("thorough").derandomize is False


def test_the_hypothesis_option_no_longer_collides_with_profiel() -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(OUD), "--profile", "ci"])
    assert result.exit_code == 2  # not an option any more: --profiel is the municipal profile, --hypothesis-profiel the testing one


def test_cli_bad_ruleset_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["diff", str(OUD), str(tmp_path / "weg")])
    assert result.exit_code == 2 and result.output.startswith("fout: ")


def test_a_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from weerbaar_rules.cli.progress import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet = io.StringIO()
    monkeypatch.setattr(sys, "stderr", quiet)
    with progress(None, "zaken vergelijken") as advance:
        advance(50, 100)  # a pipe or a log file gets no bar
    assert quiet.getvalue() == ""
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress(None, "zaken vergelijken") as advance:
        advance(50, 100)
        advance(50, 100)
    assert "zaken vergelijken" in terminal.getvalue() and "/100" in terminal.getvalue()
