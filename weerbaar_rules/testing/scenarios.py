"""Scenario tests: a case plus its expected decision, run by `rules test` and by pytest.

A scenario is either `NAME.json` (the case) with `NAME.verwacht.yaml` next to
it, or one YAML file with the case inline under `zaak:`. The expectation names
the recommended instruments (exactly), the status of any instruments worth
checking, and optionally a profile and peildatum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..case.io import load_case, validate
from ..case.model import Case
from ..core.errors import CaseError, merge_typos, validation_message
from ..core.yamlio import load, place
from ..decision.model import Decision, Status
from ..explain.explanation import explanation_of
from ..language.resources import find_profile
from ..language.ruleset import SCENARIO_DIRS, Ruleset

SUFFIX = ".verwacht.yaml"


class Expectation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    omschrijving: str = Field(min_length=1)
    profiel: str | None = None
    peildatum: dt.date | None = None
    aanbevolen: list[str]
    status: dict[str, Status] = Field(default_factory=dict)
    ontbrekende_feiten: dict[str, list[str]] = Field(default_factory=dict)
    escalatie: dict[str, int] = Field(default_factory=dict, description="instrument -> verwachte trede van de escalatieladder")
    beslissende_feiten: list[str] = Field(
        default_factory=list, description="Paden van onbekende feiten die het besluit moet noemen als feiten die de aanbeveling kunnen veranderen."
    )
    te_controleren: dict[str, list[str]] = Field(
        default_factory=dict, description="instrument -> (delen van) de uitzonderingen die open blijven en te controleren zijn"
    )
    buiten_beschouwing: list[str] = Field(default_factory=list, description="Paden van feiten die na de peildatum liggen en niet meetellen.")
    procedure: dict[str, list[str]] = Field(default_factory=dict, description="instrument -> (delen van) procedurestappen die er moeten staan")
    afwegingspunten: dict[str, list[str]] = Field(default_factory=dict, description="instrument -> (delen van) afwegingspunten die er moeten staan")
    redenen: dict[str, list[str]] = Field(default_factory=dict, description="instrument -> (delen van) redenen die er moeten staan")
    bevoegd: dict[str, str] = Field(default_factory=dict, description="instrument -> bevoegd gezag op de peildatum")
    wet: dict[str, list[str]] = Field(default_factory=dict, description="instrument -> wetten die de grondslag op de peildatum noemt")
    zaak: dict[str, Any] | None = None


@dataclass
class Scenario:
    name: str
    case: Case
    expected: Expectation
    source: str


@dataclass
class Result:
    scenario: Scenario
    decision: Decision
    problems: list[str] = field(default_factory=list)
    ruleset: Ruleset | None = None  # the rules (with profile) the scenario ran on, for coverage and explanations

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> str:
        if self.ok:
            return f"ok    {self.scenario.name}"
        lines = [f"FOUT  {self.scenario.name} ({self.scenario.source})"]
        lines += [f"      - {p}" for p in self.problems]
        lines.append(f"      verklaring: {'; '.join(self.decision.toelichting_aanbeveling) or 'geen aanbeveling'}")
        lines += [f"      {line}" for line in explain_failure(self)]
        return "\n".join(lines)


def explain_failure(result: Result) -> list[str]:
    """The explanation path behind a failed expectation, so a maintainer sees *why* without running explain.

    For every instrument the expectation disagrees about: expected vs actual
    status, the rules about it that fired (and how), the reasons, the unmet
    conditions and the missing or blocked facts.
    """
    expected = result.scenario.expected
    decision = result.decision
    actual = decision.instruments
    involved = set(expected.aanbevolen) ^ set(decision.aanbevolen)
    involved |= {i for i, status in expected.status.items() if i in actual and actual[i].status != status}
    involved |= {i for i in (*expected.escalatie, *expected.ontbrekende_feiten) if i in actual}
    fired: dict[str, set[str]] = {}
    for firing in decision.afvuringen:
        fired.setdefault(firing.regel, set()).add(firing.modus)
    lines: list[str] = []
    for inst_id in sorted(involved & set(actual)):
        inst = actual[inst_id]
        want = expected.status.get(inst_id) or ("aanbevolen" if inst_id in expected.aanbevolen else "niet aanbevolen")
        lines.append(f"{inst_id}: verwacht {want}, kreeg {inst.status}")
        if result.ruleset is None:
            lines += [f"  regel {rule_id}: {'vuurde ' + '/'.join(sorted(fired.get(rule_id, ())))}" for rule_id in inst.regels]
        else:
            lines += _rules_about(result, inst_id)
        lines += [f"  reden: {r}" for r in inst.redenen]
        lines += [f"  niet vervuld: {u}" for u in inst.onvervulde_voorwaarden]
        lines += [f"  ontbreekt: {m}" for m in inst.ontbrekende_feiten]
        lines += [f"  geblokkeerd (geen rechtmatige grondslag): {b}" for b in inst.geblokkeerde_feiten]
    return lines


def _rules_about(result: Result, inst_id: str) -> list[str]:
    """Each rule that concludes something about the instrument: whether it fired, and if not, why not.

    Read from the run that decided the instrument (its own information and
    derived facts), with the walk the decision made of the rule.
    """
    assert result.ruleset is not None
    explanation = explanation_of(result.decision)
    day = result.decision.peildatum
    lines = []
    for index, rule in enumerate(result.ruleset.rules):
        if not any(inst_id in c.targets for c in rule.then) or not rule.in_force(day):
            continue
        kinds = "/".join(sorted({c.kind for c in rule.then if inst_id in c.targets}))
        modes, trace = explanation.rule_in_run(result.ruleset, inst_id, index)
        lines.append(f"  regel {rule.id} ({kinds}): {'vuurde ' + '/'.join(sorted(modes)) if modes else 'vuurde niet'}")
        if trace is not None:
            lines += [f"    niet vervuld: {u}" for u in trace.unmet[:3]]
            lines += [f"    onbekend: {m}" for m in trace.missing[:3]]
    return lines


def load_scenario(path: Path) -> Scenario:
    located = load(path, CaseError)
    try:
        expected = Expectation.model_validate(located.data)
    except ValidationError as exc:
        first = merge_typos(exc.errors())[0]
        line = located.line_at(tuple(first["loc"]))
        raise CaseError(f"{path}:{line or 1}: {place(tuple(first['loc']))}: {validation_message(first)}") from None
    if expected.zaak is not None:
        case = validate(expected.zaak, f"{path}: zaak")
        name = path.name.removesuffix(".yaml")
    else:
        # NAME.verwacht.yaml, or NAME.PROFIEL.verwacht.yaml for the same facts under a municipal profile.
        stem = path.name.removesuffix(SUFFIX)
        case_path = path.with_name(stem + ".json")
        if not case_path.exists() and expected.profiel and stem.endswith(f".{expected.profiel}"):
            case_path = path.with_name(stem.removesuffix(f".{expected.profiel}") + ".json")
        case = load_case(case_path)
        name = stem
    return Scenario(name=name, case=case, expected=expected, source=str(path))


def find(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise CaseError(f"{directory}: map met scenario's bestaat niet")
    # NAME.verwacht.yaml anywhere; any YAML in a scenarios/ directory (inline `zaak:`), also in a folder
    # below one (scenarios/rechtspraak/), whether `directory` is the scenarios/ folder, a folder in it or above it.
    inside = bool(SCENARIO_DIRS & set(directory.resolve().parts))
    return sorted(
        p
        for p in directory.rglob("*.yaml")
        if p.name.endswith(SUFFIX) or inside or SCENARIO_DIRS & set(p.relative_to(directory).parts[:-1])
    )


def check(scenario: Scenario, decision: Decision) -> list[str]:
    problems = []
    expected = scenario.expected
    if sorted(decision.aanbevolen) != sorted(expected.aanbevolen):
        problems.append(f"aanbevolen: verwacht {sorted(expected.aanbevolen)}, kreeg {sorted(decision.aanbevolen)}")
    instruments = decision.instruments
    for inst_id, status in sorted(expected.status.items()):
        if inst_id not in instruments:
            problems.append(f"onbekend instrument in verwachting: {inst_id}")
        elif instruments[inst_id].status != status:
            actual = instruments[inst_id]
            why = "; ".join(actual.redenen + actual.onvervulde_voorwaarden[:3] + [f"ontbreekt {m}" for m in actual.ontbrekende_feiten])
            problems.append(f"{inst_id}: verwacht {status}, kreeg {actual.status} ({why})")
    for inst_id, facts in sorted(expected.ontbrekende_feiten.items()):
        actual_missing = instruments[inst_id].ontbrekende_feiten if inst_id in instruments else []
        for fact in facts:
            if not any(fact in m for m in actual_missing):
                problems.append(f"{inst_id}: verwacht ontbrekend feit '{fact}', kreeg {actual_missing}")
    for inst_id, trede in sorted(expected.escalatie.items()):
        step = instruments[inst_id].escalatie if inst_id in instruments else None
        if step is None or step.trede != trede:
            problems.append(f"{inst_id}: verwacht escalatietrede {trede}, kreeg {step.trede if step else 'geen'}")
    deciding = {m.feit for m in decision.ontbrekende_feiten if m.kan_aanbeveling_veranderen}
    for path in expected.beslissende_feiten:
        if path not in deciding:
            problems.append(f"verwacht dat '{path}' de aanbeveling kan veranderen (ontbrekende feiten); kreeg {sorted(deciding)}")
    for inst_id, titles in sorted(expected.te_controleren.items()):
        open_checks = [c.uitzondering for c in instruments[inst_id].te_controleren] if inst_id in instruments else []
        for title in titles:
            if not any(title in c for c in open_checks):
                problems.append(f"{inst_id}: verwacht te controleren uitzondering '{title}', kreeg {open_checks}")
    set_aside = {item.feit for item in decision.buiten_beschouwing}
    for path in expected.buiten_beschouwing:
        if path not in set_aside:
            problems.append(f"verwacht dat '{path}' buiten beschouwing blijft; kreeg {sorted(set_aside)}")
    for field_name, wanted in (("procedure", expected.procedure), ("afwegingspunten", expected.afwegingspunten), ("redenen", expected.redenen)):
        for inst_id, parts in sorted(wanted.items()):
            present: list[str] = getattr(instruments[inst_id], field_name) if inst_id in instruments else []
            for part in parts:
                if not any(part in line for line in present):
                    problems.append(f"{inst_id}: verwacht in {field_name} '{part}', kreeg {present}")
    for inst_id, authority in sorted(expected.bevoegd.items()):
        actual_authority = instruments[inst_id].bevoegd if inst_id in instruments else None
        if actual_authority != authority:
            problems.append(f"{inst_id}: verwacht bevoegd {authority}, kreeg {actual_authority}")
    for inst_id, statutes in sorted(expected.wet.items()):
        cited = [str(c.get("wet")) for c in instruments[inst_id].grondslag] if inst_id in instruments else []
        if sorted(statutes) != sorted(c for c in cited if c != "None"):
            problems.append(f"{inst_id}: verwacht grondslag in {sorted(statutes)}, kreeg {cited}")
    return problems


def run_scenario(scenario: Scenario, rules: Path, engines: dict[tuple[str, str | None], Any]) -> Result:
    """Evaluate one scenario on `rules` (plus its profile from rules/../gemeenten/), reusing compiled engines."""
    from ..evaluation import Engine

    profile_name = scenario.expected.profiel
    key = (str(rules), profile_name)
    if key not in engines:
        profile = find_profile(profile_name, rules, f"{scenario.source}: profiel") if profile_name else None
        engines[key] = Engine.from_directory(rules, profile=profile)
    engine = engines[key]
    decision = engine.evaluate(scenario.case, peildatum=scenario.expected.peildatum)
    return Result(scenario, decision, check(scenario, decision), engine.ruleset)


def run_directory(directory: Path, rules: Path) -> list[Result]:
    engines: dict[tuple[str, str | None], Any] = {}
    return [run_scenario(load_scenario(path), rules, engines) for path in find(directory)]
