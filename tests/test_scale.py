"""Rulesets that grow: durable_rules' fixed sizes, strata split over several rulesets, cycles named by rule.

The C engine fails at about three times the national ruleset (error 303: its
alpha-node stack of 64 overflows for some facts; error 107/108 at creation
when one alpha node links too many rules). The compiler splits a stratum over
as many durable_rules rulesets as `backend.capacity` says are needed; these
tests show the limits are real, that the split gives the same decisions, and
that what cannot be split is reported before any case runs.
"""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from weerbaar_rules import Case, Engine, EvaluationError, RulesetError
from weerbaar_rules.cli import main
from weerbaar_rules.engine import backend
from weerbaar_rules.language.ruleset import Ruleset, load_ruleset
from weerbaar_rules.lint import ERROR, check_directory
from weerbaar_rules.render import to_json
from weerbaar_rules.testing import cases

from .conftest import CASES, RULES

CITATION = "[{wet: Opiumwet, bwb_id: BWBR0001941, artikel: 13b}]"


def copies(ruleset: Ruleset, times: int) -> Ruleset:
    """The ruleset with every rule repeated `times` times under new ids (the same law, more rules)."""
    rules = list(ruleset.rules)
    for n in range(1, times):
        rules += [dataclasses.replace(rule, id=f"{rule.id}.kopie{n}") for rule in ruleset.rules]
    return dataclasses.replace(ruleset, rules=tuple(rules))


def outcome(engine: Engine, case: Case) -> tuple[object, ...]:
    decision = engine.evaluate(case)
    return tuple(decision.aanbevolen), tuple((i.id, i.status) for i in decision.instrumenten)


def unlimited(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the compiler put each stratum in one ruleset, whatever its size (as before the split existed)."""
    for name in ("STACK_BUDGET", "RULE_ENDS_BUDGET", "LINKS_BUDGET", "TESTS_BUDGET", "RULES_BUDGET"):
        monkeypatch.setattr(backend, name, 10**6)


@pytest.fixture(scope="module")
def national(engine: Engine) -> Ruleset:
    return engine.ruleset


@pytest.fixture(scope="module")
def five_times(national: Ruleset) -> Engine:
    return Engine(copies(national, 5))


def test_the_national_rules_fit_with_few_splits(engine: Engine) -> None:
    levels = [s.index for s in engine.program.strata]
    assert levels == sorted(levels) and max(levels.count(level) for level in set(levels)) <= 2  # at most one split per level
    assert all(not backend.capacity(s.definition).exceeded() for s in engine.program.strata)


def _fresh_height(node: backend._Alpha, seen: dict[int, int]) -> int:
    """The stack bound of a finished network counted from scratch: what each node pushes, from its children alone."""
    if id(node) not in seen:
        children = [*node.tests.values(), *node.links]
        present: dict[str | None, list[backend._Alpha]] = {}
        absent: dict[str | None, int] = {}
        for child in node.tests.values():
            present.setdefault(child.prop, []).append(child)
        for child in node.links:
            if child.op == "nex":
                absent[child.prop] = absent.get(child.prop, 0) + 1
        pushed = sum(1 for child in node.links if child.op == "forward")
        pushed += sum(max(backend._met(present.get(prop, [])), absent.get(prop, 0)) for prop in present.keys() | absent.keys())
        deepest = max((_fresh_height(child, seen) for child in children), default=0)
        seen[id(node)] = max(pushed, pushed - 1 + deepest) if pushed else 0
    return seen[id(node)]


@pytest.mark.parametrize("times", [1, 3])
def test_the_alpha_network_grown_rule_by_rule_counts_as_one_built_at_once(national: Ruleset, times: int) -> None:
    """The compiler reads the capacity after every block it adds; the running count must be the count of the whole, in any order."""
    rules = [rule for stratum in Engine(copies(national, times)).program.strata for rule in stratum.definition.values()]
    networks = []
    for order in (rules, rules[::-1], random.Random(times).sample(rules, len(rules))):
        network = backend.AlphaNetwork()
        for rule in order:
            network.add_rule(rule)
        networks.append(network)
    assert networks[0].capacity == networks[1].capacity == networks[2].capacity
    assert networks[0].capacity.stack == _fresh_height(networks[0].root, {}) > backend.STACK_LIMIT * (times > 1)


def test_five_times_the_national_rules_is_split_and_every_stratum_fits(five_times: Engine) -> None:
    strata = five_times.program.strata
    assert len(strata) > len({s.index for s in strata})
    assert all(not backend.capacity(s.definition).exceeded() for s in strata)
    assert sum(len(s.definition) for s in strata) == len(five_times.program.units)


@settings(max_examples=60)
@given(case=cases(load_ruleset(RULES)))
def test_five_times_the_national_rules_decide_every_case_like_the_national_rules(
    case: Case, five_times: Engine, engine: Engine
) -> None:
    # Copies of a rule conclude the same: every generated case evaluates, with the statuses of the original rules.
    assert outcome(five_times, case) == outcome(engine, case)


def test_the_example_cases_under_five_times_the_rules(five_times: Engine, engine: Engine) -> None:
    for path in sorted(CASES.glob("*.json")):
        case = Case.model_validate(json.loads(path.read_text()))
        assert outcome(five_times, case) == outcome(engine, case), path.name


def test_without_the_split_the_engine_overflows_as_the_model_predicts(national: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit is real: three times the rules in one ruleset per stratum fail in the C engine, as the model says.

    The model gives the sizes the C engine has no room for: the links of one alpha node
    (error 107, when the ruleset is created) and the stack of alpha nodes (error 303, while a
    case runs). Since facts on undecided information match the possible patterns through a
    field of their own, twice the rules no longer overflow the stack on the example cases (the
    stack is a bound); three times exceed the links, and every failure is of a kind the model
    predicted.
    """
    unlimited(monkeypatch)
    tripled = Engine(copies(national, 3))
    assert len(tripled.program.strata) == 3
    sizes = [backend.capacity(s.definition) for s in tripled.program.strata]
    predicted = {"107"} if max(c.links for c in sizes) > 128 else set()  # NEXT_LIST_LENGTH in rete.c
    if max(c.stack for c in sizes) > backend.STACK_LIMIT:
        predicted.add("303")
    assert predicted
    failures = 0
    for path in sorted(CASES.glob("*.json")):
        try:
            tripled.run(Case.model_validate(json.loads(path.read_text())))
        except EvaluationError as exc:
            assert any(f"error code: {code}" in str(exc) for code in predicted), str(exc)
            failures += 1
    assert failures > 0


def test_twice_the_rules_split_gives_the_decisions_of_the_unsplit_rulesets(national: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where one ruleset per stratum still works (twice the rules: most cases), the split one decides byte for byte the same."""
    doubled = copies(national, 2)
    split = Engine(doubled)
    assert len(split.program.strata) > 3
    unlimited(monkeypatch)
    whole = Engine(doubled)
    assert len(whole.program.strata) == 3
    compared = 0
    paths = sorted(CASES.glob("*.json"))
    for path in paths:
        case = Case.model_validate(json.loads(path.read_text()))
        try:
            expected = to_json(whole.evaluate(case))
        except EvaluationError:
            continue  # error 303 in the unsplit ruleset: nothing to compare with
        assert to_json(split.evaluate(case)) == expected, path.name
        compared += 1
    assert compared > len(paths) // 2


def test_many_small_parts_give_byte_identical_decisions(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Split the national rules far more than needed: derived facts must flow from part to part within a stratum."""
    monkeypatch.setattr(backend, "STACK_BUDGET", 8)
    small = Engine(engine.ruleset)
    assert len(small.program.strata) > 10
    for path in sorted(CASES.glob("*.json")):
        case = Case.model_validate(json.loads(path.read_text()))
        assert to_json(small.evaluate(case)) == to_json(engine.evaluate(case)), path.name


def _ruleset_with(tmp_path: Path, name: str, text: str) -> Path:
    directory = tmp_path / "regels"
    directory.mkdir()
    for path in RULES.glob("*.yaml"):
        (directory / path.name).write_bytes(path.read_bytes())
    (directory / name).write_text(text, encoding="utf-8")
    return directory


def _many_rules(count: int, when: str, derive: str) -> str:
    lines = ["rules:"]
    for i in range(count):
        lines += [
            f"  - id: test.veel{i}",
            f"    title: regel {i}",
            f"    grondslag: {CITATION}",
            f"    when: {when}",
            f"    then: [{{derive: {derive.format(i=i)}}}]",
        ]
    return "\n".join(lines) + "\n"


def test_three_hundred_rules_with_one_pattern_evaluate(tmp_path: Path) -> None:
    """300 rules ending at the same alpha node: durable_rules error 108 in one ruleset, fine when split."""
    directory = _ruleset_with(tmp_path, "veel.yaml", _many_rules(300, "{fact: locatie.type, equals: woning}", "veel{i}"))
    engine = Engine.from_directory(directory)
    assert max(backend.capacity(s.definition).rule_ends for s in engine.program.strata) <= backend.RULE_ENDS_BUDGET
    result = CliRunner().invoke(main, ["evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--regels", str(directory)])
    assert result.exit_code == 0, result.output
    assert not [f for f in check_directory(directory) if f.level == ERROR]


def test_a_cycle_too_large_for_one_ruleset_is_reported_before_any_case(tmp_path: Path) -> None:
    # 300 rules that derive what they use form one cycle: they must share a ruleset, and cannot.
    text = _many_rules(300, "{all: [{derived: kring}, {fact: locatie.type, equals: woning}]}", "kring")
    text += f"""  - id: test.begin
    title: begin
    grondslag: {CITATION}
    when: {{fact: locatie.type, equals: woning}}
    then: [{{derive: kring}}]
"""
    directory = _ruleset_with(tmp_path, "kring.yaml", text)
    with pytest.raises(RulesetError, match="te groot"):
        Engine.from_directory(directory)
    errors = [f for f in check_directory(directory) if f.level == ERROR]
    assert len(errors) == 1 and "fout 108" in errors[0].message and "test.veel" in errors[0].message
    assert errors[0].where.endswith("kring.yaml:2")
    result = CliRunner().invoke(main, ["evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--regels", str(directory)])
    assert result.exit_code == 2 and result.output.startswith("fout: ") and result.output.count("\n") == 1


def test_a_negation_cycle_names_its_rules_and_files(tmp_path: Path) -> None:
    text = f"""rules:
  - id: test.a
    title: a als niet b
    grondslag: {CITATION}
    when: {{all: [{{not: {{derived: b}}}}, {{derived: c}}]}}
    then: [{{derive: a}}]
  - id: test.b
    title: b als c
    grondslag: {CITATION}
    when: {{derived: c}}
    then: [{{derive: b}}]
  - id: test.c
    title: c als a of een woning
    grondslag: {CITATION}
    when: {{any: [{{derived: a}}, {{fact: locatie.type, equals: woning}}]}}
    then: [{{derive: c}}]
"""
    directory = _ruleset_with(tmp_path, "kring.yaml", text)
    with pytest.raises(RulesetError) as raised:
        Engine.from_directory(directory)
    message = str(raised.value)
    where = directory / "kring.yaml"
    assert message.startswith(f"{where}:2: ")
    assert f"regel test.a ({where}:2) leidt 'a' af uit niet 'b'" in message
    assert f"regel test.c ({where}:12) leidt 'c' af uit 'a'" in message
    assert f"regel test.b ({where}:7) leidt 'b' af uit 'c'" in message
    errors = [f for f in check_directory(directory) if f.level == ERROR]
    assert [f.where for f in errors] == [f"{where}:2"]


def test_a_ruleset_durable_rules_refuses_is_not_built_again(national: Ruleset, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each refused create_ruleset leaks what the C code built (16 MB at 5x): the refusal is remembered."""
    unlimited(monkeypatch)
    engine = Engine(copies(national, 5))  # unsplit: one alpha node links more than 128 $or's (error 107)
    calls: list[str] = []
    create = backend._dre.create_ruleset

    def counting(name: str, text: str) -> int:
        calls.append(name)
        return create(name, text)

    monkeypatch.setattr(backend._dre, "create_ruleset", counting)
    case = Case.model_validate(json.loads((CASES / "drugshandel_woning_harddrugs.json").read_text()))
    for _ in range(3):
        with pytest.raises(EvaluationError, match="107"):
            engine.run(case)
    assert len(calls) == 1
