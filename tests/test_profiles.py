"""Municipal profiles: the same facts, different policy, every change visible in the decision."""

from __future__ import annotations

import json

import pytest

from weerbaar_rules import Case, Engine, ProfileError

from .conftest import CASES, PROFILES, RULES


def load(name: str) -> Case:
    return Case.model_validate(json.loads((CASES / f"{name}.json").read_text()))


@pytest.fixture(scope="module")
def engines() -> dict[str, Engine]:
    return {p.stem: Engine.from_directory(RULES, profile=p) for p in sorted(PROFILES.glob("*.yaml"))}


def test_there_are_at_least_three_contrasting_profiles(engines: dict[str, Engine]) -> None:
    assert len(engines) >= 3
    case = load("softdrugs_woning_eerste_keer")
    recommendations = {name: tuple(engine.evaluate(case).aanbevolen) for name, engine in engines.items()}
    assert len(set(recommendations.values())) >= 2, recommendations


def test_profile_rule_is_applied_and_attributed(engines: dict[str, Engine]) -> None:
    decision = engines["strengdam"].evaluate(load("harddrugs_woning_waarschuwing_eerst"))
    closure = decision.instruments["sluiting_13b_opiumwet"]
    assert "strengdam.jeugd_bij_sluiting" in closure.regels
    assert any("jeugdteam" in step for step in closure.procedure)
    added = [c for c in decision.ontvangstbewijs.profiel_wijzigingen if c["soort"] == "regel_erbij"]
    assert [c["onderwerp"] for c in added] == ["strengdam.jeugd_bij_sluiting"]


def test_profile_parameter_changes_the_escalation_duration(engines: dict[str, Engine]) -> None:
    case = load("harddrugs_woning_waarschuwing_eerst")
    national = Engine.from_directory(RULES).evaluate(case).instruments["sluiting_13b_opiumwet"].escalatie
    strict = engines["strengdam"].evaluate(case).instruments["sluiting_13b_opiumwet"].escalatie
    assert national is not None and strict is not None
    assert (national.trede, national.duur_maanden) == (2, 3)
    assert (strict.trede, strict.duur_maanden) == (2, 6)


def test_profile_cannot_invent_parameters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("profiel: {naam: x, gemeente: X, versie: '1'}\nparameters: {bestaat_niet: 3}\n")
    with pytest.raises(ProfileError, match="bestaat_niet"):
        Engine.from_directory(RULES, profile=bad)


def test_profile_cannot_switch_off_unknown_rules(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("profiel: {naam: x, gemeente: X, versie: '1'}\nuitgeschakeld: [{regel: niet.bestaand, reden: test}]\n")
    with pytest.raises(ProfileError, match="niet.bestaand"):
        Engine.from_directory(RULES, profile=bad)


def test_profile_parameter_type_is_checked(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text("profiel: {naam: x, gemeente: X, versie: '1'}\nparameters: {damocles_duur_tweede_sluiting_maanden: lang}\n")
    with pytest.raises(ProfileError, match="damocles_duur_tweede_sluiting_maanden"):
        Engine.from_directory(RULES, profile=bad)


def test_profile_changes_show_in_the_graph(engines: dict[str, Engine]) -> None:
    decision = engines["strengdam"].evaluate(load("harddrugs_woning_waarschuwing_eerst"))
    graph = decision.graph
    node = "profiel:strengdam"
    assert graph.nodes[node]["soort"] == "profiel"
    targets = {target: data["wijziging"] for _, target, data in graph.out_edges(node, data=True)}
    assert targets["regel:strengdam.jeugd_bij_sluiting"] == "regel_erbij"
    # The closure duration comes from a parameter the profile changed.
    assert targets["regel:damocles.trede_eerste_sluiting_woning"] == "parameter"
    national = Engine.from_directory(RULES).evaluate(load("harddrugs_woning_waarschuwing_eerst"))
    assert not any(d.get("soort") == "profiel" for _, d in national.graph.nodes(data=True))


def test_switched_off_rule_shows_in_the_graph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    profile = tmp_path / "uit.yaml"
    profile.write_text(
        "profiel: {naam: uit, gemeente: Uitdorp, versie: '1'}\n"
        "uitgeschakeld: [{regel: damocles.woning_eerste_keer, reden: one-strike}]\n"
    )
    decision = Engine.from_directory(RULES, profile=profile).evaluate(load("softdrugs_woning_eerste_keer"))
    edge = decision.graph.edges["profiel:uit", "regel:damocles.woning_eerste_keer"]
    assert edge["soort"] == "excludes" and edge["reden"] == "one-strike"
    assert "bestuurlijke_waarschuwing" not in decision.aanbevolen
