"""The views of a decision (JSON, picture, text, `rules explain`) say the same thing about each instrument.

Issue 13 found two places where they did not: the picture called 175 and 174a
"zonder invloed" while the text listed them beside a fact that "can change the
recommendation", and `geblokkeerde_feiten` of 13b was empty in the JSON while
`rules explain` named the blocked information.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.core.errors import CaseError
from weerbaar_rules.decision.model import Decision
from weerbaar_rules.render import to_text
from weerbaar_rules.render.dot import to_dot
from weerbaar_rules.testing.invariants import check_views_agree

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rulesets" / "nl"
PROFILES = sorted((ROOT / "rulesets" / "gemeenten").glob("*.yaml"))


def _example_cases() -> list[Path]:
    found = []
    for path in sorted((ROOT / "cases").glob("*.json")):
        try:
            load_case(path)
        except CaseError:
            continue  # the bad-input examples
        found.append(path)
    return found


@pytest.fixture(scope="module")
def engines() -> dict[str, Engine]:
    out = {"nl": Engine.from_directory(RULES)}
    for profile in PROFILES:
        out[profile.stem] = Engine.from_directory(RULES, profile=profile)
    return out


@pytest.mark.parametrize("name", ["nl", *(p.stem for p in PROFILES)])
def test_every_view_agrees_on_every_example_case(engines: dict[str, Engine], name: str) -> None:
    engine = engines[name]
    paths = _example_cases()
    assert len(paths) > 50
    for path in paths:
        problems = check_views_agree(engine.evaluate(load_case(path)))
        assert not problems, f"{path.name}: {problems}"


def _decision(engines: dict[str, Engine], case: str) -> Decision:
    return engines["nl"].evaluate(load_case(ROOT / "cases" / case))


def test_a_fact_names_the_instruments_through_which_it_changes_the_advice(engines: dict[str, Engine]) -> None:
    decision = _decision(engines, "drugshandel_woning_harddrugs.json")
    facts = {f.feit: f for f in decision.ontbrekende_feiten}
    severity = facts["openbare_orde.verstoring"]
    assert severity.instrumenten == ["noodbevel_175", "noodverordening_176", "sluiting_174a_gemeentewet"]
    assert severity.verandert_via == ["noodverordening_176"]
    # The picture puts 175 and 174a in its "zonder invloed" box; no fact names them as a way to change the advice.
    box = next(line for line in to_dot(decision).splitlines() if "zonder invloed" in line)
    assert "zonder invloed op de aanbeveling (2):\\n· Noodbevel (art. 175 Gemw)\\n· Sluiting van een woning" in box
    assert not {"noodbevel_175", "sluiting_174a_gemeentewet"} & {i for f in decision.ontbrekende_feiten for i in f.verandert_via}
    line = next(ln for ln in to_text(decision).splitlines() if ln.startswith("    - ernst van de verstoring"))
    assert line == (
        "    - ernst van de verstoring van de openbare orde (kan het advies veranderen via: Noodverordening (art. 176 Gemw); beslist ook,"
        " zonder invloed op het advies, over: Noodbevel (art. 175 Gemw), Sluiting van een woning, niet-openbaar lokaal of erf (art. 174a Gemw, Wet Victoria))"
    )


def test_information_held_back_behind_a_derived_fact_is_in_the_json(engines: dict[str, Engine]) -> None:
    # 13b's availability rule needs 'bevoegdheid 13b', whose grounds rest only on information without a basis (a covenant; the WGS not yet in force).
    decision = _decision(engines, "riec_convenant_2020.json")
    closure = decision.instruments["sluiting_13b_opiumwet"]
    assert closure.status == "uitgesloten"
    assert closure.geblokkeerde_feiten == ["activiteiten[0]"]
    # And for an instrument decided in a second run (the raad's onteigening), the graph follows the same rules.
    other = _decision(engines, "voorbereiding_alleen_voertuig.json")
    assert other.instruments["onteigening_omgevingswet"].geblokkeerde_feiten == ["activiteiten[0]"]
    assert not check_views_agree(other)


def test_the_check_finds_views_that_disagree(engines: dict[str, Engine]) -> None:
    decision = _decision(engines, "riec_convenant_2020.json")
    decision.instruments["sluiting_13b_opiumwet"].geblokkeerde_feiten = []
    problems = check_views_agree(decision)
    assert any(p.startswith("sluiting_13b_opiumwet: geblokkeerde_feiten [], de graaf ['activiteiten[0]']") for p in problems)
    assert any(p.startswith("sluiting_13b_opiumwet: rules explain noemt AVG-blokkade") for p in problems)

    decision = _decision(engines, "drugshandel_woning_harddrugs.json")
    severity = next(f for f in decision.ontbrekende_feiten if f.feit == "openbare_orde.verstoring")
    severity.verandert_via = ["noodbevel_175", "noodverordening_176"]
    problems = check_views_agree(decision)
    assert "noodbevel_175: 'zonder invloed' in de graaf, maar verandert_via noemt het" in problems


def test_rules_explain_says_whether_an_undecided_instrument_can_change_the_advice(engines: dict[str, Engine]) -> None:
    from weerbaar_rules.render.why import explain_instrument

    decision = _decision(engines, "drugshandel_woning_harddrugs.json")
    assert (
        "Invloed op de aanbeveling: geen — ook als deze feiten bekend worden, wordt het niet de aanbeveling (in het spoor van het pand is"
        " Sluiting op grond van art. 13b Opiumwet (Wet Damocles) aanbevolen, dat niet ingrijpender is)."
    ) in explain_instrument(decision, "noodbevel_175")
    assert (
        "Invloed op de aanbeveling: als deze feiten bekend worden, kan Noodverordening (art. 176 Gemw) de aanbeveling in het spoor van het gebied worden."
    ) in explain_instrument(decision, "noodverordening_176")
    # rules explain reads the one verdict (verandert_via); the picture decides on its own and must agree with it.
    for fact in decision.ontbrekende_feiten:
        fact.verandert_via = [i for i in fact.verandert_via if i != "noodverordening_176"]
    assert "Invloed op de aanbeveling: geen" in explain_instrument(decision, "noodverordening_176")
    assert "noodverordening_176: getekend, maar verandert_via noemt het niet" in check_views_agree(decision)
