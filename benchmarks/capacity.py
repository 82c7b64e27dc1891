"""Benchmark: how large a ruleset durable_rules evaluates cleanly, with and without splitting strata.

Run:  python benchmarks/capacity.py [--times 1 2 3 5 10] [--cases 1000] [--json results.json]

The national ruleset is copied k times (every rule again under a new id, so the
same law in k times as many rules). For each k it reports the compiled units,
how the strata were split over durable_rules rulesets, the worst stack bound of
`backend.capacity`, the compile time, and over the same generated cases (those
of benchmarks/bench.py) how many fail and how many give other statuses than the
national rules. With --unsplit the compiler keeps every stratum in one ruleset,
as before the split existed, to show where durable_rules breaks.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench import generate

from weerbaar_rules import Case, Engine
from weerbaar_rules.core.errors import WeerbaarError
from weerbaar_rules.engine import backend
from weerbaar_rules.language.ruleset import Ruleset, load_ruleset


def copies(ruleset: Ruleset, times: int) -> Ruleset:
    rules = list(ruleset.rules)
    for n in range(1, times):
        rules += [dataclasses.replace(rule, id=f"{rule.id}.kopie{n}") for rule in ruleset.rules]
    return dataclasses.replace(ruleset, rules=tuple(rules))


def measure(national: Ruleset, reference: Engine, cases: list[Case], times: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        engine = Engine(copies(national, times))
    except WeerbaarError as exc:
        return {"times": times, "compile_error": str(exc)}
    compiled = time.perf_counter() - t0
    strata = engine.program.strata
    result: dict[str, Any] = {
        "times": times,
        "rules": len(engine.ruleset.rules),
        "units": len(engine.program.units),
        "rulesets_per_stratum": [sum(1 for s in strata if s.index == level) for level in sorted({s.index for s in strata})],
        "worst_stack_bound": max(backend.capacity(s.definition).stack for s in strata),
        "compile_s": round(compiled, 3),
    }
    errors: dict[str, int] = {}
    other = 0
    spent = 0.0
    for case in cases:
        t0 = time.perf_counter()
        try:
            _, outcome = engine.outcome(case)
        except WeerbaarError as exc:
            key = str(exc)[:120]
            errors[key] = errors.get(key, 0) + 1
            continue
        finally:
            spent += time.perf_counter() - t0
        other += outcome != reference.outcome(case)[1]
    result["cases"] = len(cases)
    result["failed"] = sum(errors.values())
    result["errors"] = errors
    result["other_statuses"] = other  # statuses or escalation other than under the national rules (copies conclude the same)
    result["ms_per_case"] = round(spent / len(cases) * 1000, 2)  # Engine.outcome: inference and statuses
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--times", type=int, nargs="+", default=[1, 2, 3, 5, 10])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--unsplit", action="store_true", help="one durable_rules ruleset per stratum, whatever its size")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if args.unsplit:
        for name in ("STACK_BUDGET", "RULE_ENDS_BUDGET", "LINKS_BUDGET", "TESTS_BUDGET", "RULES_BUDGET"):
            setattr(backend, name, 10**6)
    rng = random.Random(20261125)
    cases = [Case.model_validate(generate(rng, i)) for i in range(args.cases)]
    national = load_ruleset(ROOT / "rulesets" / "nl")
    reference = Engine(national)
    results = [measure(national, reference, cases, times) for times in args.times]
    text = json.dumps({"unsplit": args.unsplit, "results": results}, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
