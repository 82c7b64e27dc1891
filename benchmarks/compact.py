"""Issue 21 side by side: a decision that carries only the case, against the version before, in one run.

    git worktree add /tmp/voor <commit>          # the version before
    python benchmarks/compact.py --voor /tmp/voor --cases 300 --rounds 5 --json benchmarks/resultaten_issue21.json

Each round runs every measure for each version in a fresh process with that
version first on `sys.path` (the cases come from this checkout's seeded
generator, so both see the same). Per case, one core: `Engine.parts` (every
run), `Engine.evaluate`, the full decision with its missing facts (evaluate
and `ontbrekende_feiten`, what a library user reads), evaluate + the compact
JSON line (what a batch writes), and evaluate + the self-contained JSON line
(`volledig`; the version before has only that one). Sizes: the example
decision of `rules evaluate --format json`, and the answer to a crowded case
of about 200 kB against its input. The batch: `rules evaluate zaken.jsonl
-j 1` and `-j 2`, its start included. Min and median over the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Runs inside the child process: argv 1 the version's root, 2 a JSONL file of case dicts, 3 the crowded case.
CHILD = r"""
import gc, inspect, json, sys, time
from weerbaar_rules import Case, Engine
from weerbaar_rules.render import to_json, to_json_line
raw = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
cases = [Case.model_validate(r) for r in raw]
engine = Engine.from_directory(sys.argv[1] + "/rulesets/nl")
whole = "volledig" in inspect.signature(to_json_line).parameters
def line_whole(d):
    return to_json_line(d, volledig=True) if whole else to_json_line(d)
for case in cases[:50]:
    line_whole(engine.evaluate(case))
    to_json_line(engine.evaluate(case)); engine.evaluate(case).ontbrekende_feiten
gc.collect(); gc.freeze()  # what a long-lived process does once its engine is loaded (core/collector.py)
out = {}
def per_case(step):
    t = time.perf_counter()
    for case in cases:
        step(case)
    return (time.perf_counter() - t) / len(cases) * 1000
out["parts_ms"] = per_case(engine.parts)
out["evaluate_ms"] = per_case(engine.evaluate)
out["evaluate_missing_ms"] = per_case(lambda c: engine.evaluate(c).ontbrekende_feiten)
out["json_line_ms"] = per_case(lambda c: to_json_line(engine.evaluate(c)))
out["json_line_whole_ms"] = per_case(lambda c: line_whole(engine.evaluate(c)))
crowded = Case.model_validate(json.loads(open(sys.argv[3], encoding="utf-8").read()))
out["crowded_answer_kb"] = len(to_json(engine.evaluate(crowded)).encode("utf-8")) / 1024
print(json.dumps(out))
"""


def crowded(activities: int, items: int) -> dict[str, Any]:
    """Valid, but every activity names every information item (tests/test_serve_limits.py): the graph grows with both."""
    informatie = [{"id": f"pv-{k:03d}", "bron": "politie", "grondslag": "wpg_16"} for k in range(items)]
    activity = {
        "type": "drugshandel", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "handelshoeveelheid"}, "plek": "in_pand", "datum": "2026-10-01",
    }
    return {
        "schema_versie": "2", "zaak_id": "DRUK", "peildatum": "2026-11-01",
        "locatie": {"type": "woning", "eigendom": "huurder_woningcorporatie", "minderjarigen": False},
        "activiteiten": [{**activity, "informatie": [f"pv-{k:03d}" for k in range(items)]} for _ in range(activities)],
        "informatie": informatie,
    }


def _env(root: Path) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _in_process(root: Path, cases: Path, big: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(root), str(cases), str(big)], check=True, capture_output=True, text=True, env=_env(root), cwd=root
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def _example_kb(root: Path) -> float:
    example = root / "cases" / "drugshandel_woning_harddrugs.json"
    done = subprocess.run(
        [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(example), "--format", "json"], check=True, capture_output=True, env=_env(root), cwd=root
    )
    return len(done.stdout) / 1024


def _batch(root: Path, cases: Path, jobs: int) -> float:
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(cases), "--format", "json", "-j", str(jobs)],
        check=True, capture_output=True, env=_env(root), cwd=root,
    )
    return done.stdout.count(b"\n") / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voor", type=Path, required=True, help="checkout of the version before")
    parser.add_argument("--na", type=Path, default=HERE.parent, help="checkout of the version after (default: this one)")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--batch-cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    import random

    from bench import generate

    rng = random.Random(20261128)
    cases = HERE / "_compact_cases.jsonl"
    batch = HERE / "_compact_batch.jsonl"
    big = HERE / "_compact_crowded.json"
    cases.write_text("".join(json.dumps(generate(rng, i)) + "\n" for i in range(args.cases)), encoding="utf-8")
    batch.write_text("".join(json.dumps(generate(rng, i)) + "\n" for i in range(args.batch_cases)), encoding="utf-8")
    big.write_text(json.dumps(crowded(200, 50)), encoding="utf-8")  # the most a case may have: 200 activities, 50 references each
    versions = {"voor": args.voor.resolve(), "na": args.na.resolve()}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in versions}
    load = [os.getloadavg()[0]]
    try:
        for name, root in versions.items():
            samples[name]["example_decision_kb"] = [_example_kb(root)]  # also writes the bytecode cache
        for _ in range(args.rounds):
            for name, root in versions.items():
                for measure, value in _in_process(root, cases, big).items():
                    samples[name].setdefault(measure, []).append(value)
                for jobs in (1, 2):
                    samples[name].setdefault(f"batch_j{jobs}_per_s", []).append(_batch(root, batch, jobs))
            load.append(os.getloadavg()[0])
    finally:
        input_kb = big.stat().st_size / 1024
        for path in (cases, batch, big):
            path.unlink()
    table: dict[str, Any] = {"cases": args.cases, "batch_cases": args.batch_cases, "rounds": args.rounds, "crowded_input_kb": round(input_kb, 1)}
    table["load_average"] = [round(x, 2) for x in load]
    for name, measures in samples.items():
        table[name] = {m: {"min": round(min(v), 3), "median": round(statistics.median(v), 3)} for m, v in measures.items()}
        ratio = [b1 / b2 for b1, b2 in zip(measures["batch_j2_per_s"], measures["batch_j1_per_s"])]
        table[name]["batch_speedup_j2"] = {"min": round(min(ratio), 2), "median": round(statistics.median(ratio), 2)}
        table[name]["evaluate_missing_over_parts"] = round(statistics.median(measures["evaluate_missing_ms"]) / statistics.median(measures["parts_ms"]), 2)
    text = json.dumps(table, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
