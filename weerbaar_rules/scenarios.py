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

from .caseio import load_case, validate
from .decision import Decision, Status
from .errors import CaseError
from .model import Case
from .yamlio import load

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

    @property
    def ok(self) -> bool:
        return not self.problems

    def report(self) -> str:
        if self.ok:
            return f"ok    {self.scenario.name}"
        lines = [f"FOUT  {self.scenario.name} ({self.scenario.source})"]
        lines += [f"      - {p}" for p in self.problems]
        lines.append(f"      verklaring: {'; '.join(self.decision.toelichting_aanbeveling) or 'geen aanbeveling'}")
        return "\n".join(lines)


def load_scenario(path: Path) -> Scenario:
    located = load(path, CaseError)
    try:
        expected = Expectation.model_validate(located.data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise CaseError(f"{path}: {'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
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
    return sorted(p for p in directory.rglob("*.yaml") if p.name.endswith(SUFFIX) or "scenario" in p.parts)


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
    return problems


def run_directory(directory: Path, rules: Path) -> list[Result]:
    from .evaluation import Engine

    engines: dict[str | None, Engine] = {}
    results = []
    for path in find(directory):
        scenario = load_scenario(path)
        profile_name = scenario.expected.profiel
        if profile_name not in engines:
            profile = rules.parent / "gemeenten" / f"{profile_name}.yaml" if profile_name else None
            if profile is not None and not profile.is_file():
                raise CaseError(f"{path}: onbekend profiel '{profile_name}'")
            engines[profile_name] = Engine.from_directory(rules, profile=profile)
        decision = engines[profile_name].evaluate(scenario.case, peildatum=scenario.expected.peildatum)
        results.append(Result(scenario, decision, check(scenario, decision)))
    return results
