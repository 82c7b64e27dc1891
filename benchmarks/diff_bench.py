"""Benchmark: `rules diff` over many generated cases, and whether it finds a known change every time.

Run:  python benchmarks/diff_bench.py [--cases 10000] [--jobs 2] [--seeds 0 1 2] [--json results.json]
      python benchmarks/diff_bench.py --versus /path/to/other/checkout [...]

With `--versus`, the other checkout's own diff_bench.py runs each seed just
before this one (same interpreter), so both see the same load; its runs are
recorded under "vergelijk".

The national ruleset against a copy with one policy threshold changed
(damocles_waarschuwing_geldt_maanden 36 -> 24 months: a warning 24-35 months
ago no longer counts). For each seed it reports the wall time, the CPU time of
this process and its workers (on a shared machine the CPU time divided by the
cores is what the wall time would be on idle cores), the cases by source, the
kinds of difference, and whether the changed rule was reached and a shrunk
difference attributed to it was found.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weerbaar_rules import Engine
from weerbaar_rules.testing.diff import GENERATED, diff

CHANGED_RULE = "damocles.eerdere_waarschuwing"


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def changed_copy(target: Path) -> Path:
    shutil.copytree(ROOT / "rulesets" / "nl", target)
    path = target / "beleid_damocles.yaml"
    text = path.read_text(encoding="utf-8")
    old = "  damocles_waarschuwing_geldt_maanden:\n    waarde: 36"
    assert text.count(old) == 1
    path.write_text(text.replace(old, "  damocles_waarschuwing_geldt_maanden:\n    waarde: 24"), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--versus", type=Path, default=None, metavar="CHECKOUT", help="another checkout, run seed by seed alongside")
    args = parser.parse_args()
    other: list[dict[str, Any]] = []
    old = Engine.from_directory(ROOT / "rulesets" / "nl")
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        new = Engine.from_directory(changed_copy(Path(tmp) / "nieuw"))
        for seed in args.seeds:
            if args.versus:
                out = Path(tmp) / f"vergelijk-{seed}.json"
                script = args.versus / "benchmarks" / "diff_bench.py"
                command = [sys.executable, str(script), "--cases", str(args.cases), "--jobs", str(args.jobs), "--seeds", str(seed), "--json", str(out)]
                subprocess.run(command, check=True, cwd=args.versus, stdout=subprocess.DEVNULL)
                other += json.loads(out.read_text(encoding="utf-8"))["runs"]
                print("vergelijk", json.dumps(other[-1]), flush=True)
            load = os.getloadavg()[0]
            cpu, wall = cpu_seconds(), time.perf_counter()
            report = diff(old, new, [ROOT / "cases", ROOT / "rulesets" / "nl" / "scenarios"], examples=args.cases, jobs=args.jobs, seed=seed)
            wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
            coverage = next(c for c in report.coverage if c.id == CHANGED_RULE)
            found = [d for d in report.differences if d.source == GENERATED and any(r.id == CHANGED_RULE for r in d.observation.rules)]
            runs.append(
                {
                    "seed": seed,
                    "wall_s": round(wall, 2),
                    "cpu_s": round(cpu, 2),
                    "cases": report.cases,
                    "kinds": report.kinds,
                    "reached": coverage.reached,
                    "fired_differently": coverage.fired_differently,
                    "with_other_decision": coverage.in_differences,
                    "found": bool(found) and all(d.shrunk for d in found),
                    "load": [round(load, 2), round(os.getloadavg()[0], 2)],
                }
            )
            print(json.dumps(runs[-1]), flush=True)
    result: dict[str, Any] = {"cases": args.cases, "jobs": args.jobs, "runs": runs}
    if args.versus:
        result.update(vergelijk=other, vergelijk_met=str(args.versus))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
