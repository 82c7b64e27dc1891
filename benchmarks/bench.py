"""Benchmark: throughput, memory and cold start of weerbaar-rules.

Run:  python benchmarks/bench.py [--cases 10000] [--json results.json]
      python benchmarks/bench.py --cold-only --cold-runs 21 --compare /path/to/other/.venv/bin/rules [--without-ruleset-cache]

Measures, on the national ruleset:
  * sequential evaluations per second on one core, full decisions with firing
    provenance (Engine.evaluate), and inference alone (Engine.run);
  * resident memory before, halfway and after the batch (flat = no leak) and the peak;
  * the cold start of `rules evaluate` on one case (a new process each time, min and median, wall and CPU),
    with the ruleset cache in a private temporary directory (and with `--without-ruleset-cache` also without it),
    optionally side by side with another installation (`--compare`, e.g. an older checkout's venv),
    the runs interleaved so both see the same load; with the bytecode cache, as after `pip install .`
    (each installation first runs once with bytecode writing allowed, also when PYTHONDONTWRITEBYTECODE
    is set: that writes its gitignored __pycache__ folders);
  * the batch mode (`rules evaluate cases.jsonl`) over all cores.
Cases are generated with a seeded random generator so every run measures the same work.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from weerbaar_rules import Case, Engine
from weerbaar_rules.case.model import (
    MEASURED,
    ActiviteitType,
    Bron,
    Eenheid,
    Eigendom,
    Grondslag,
    LbbAdvies,
    LocatieType,
    OpiumwetLijst,
    Plek,
    VergunningSoort,
    VergunningStatus,
)


def generate(rng: random.Random, index: int) -> dict[str, Any]:
    """A plausible case with 1-4 activities, information items, permits and history."""
    infos = [
        {"id": f"i{n}", "bron": rng.choice(list(Bron)).value, "grondslag": rng.choice(list(Grondslag)).value}
        for n in range(rng.randint(1, 3))
    ]
    ids = [i["id"] for i in infos]
    activities = []
    for _ in range(rng.randint(0, 4)):
        act: dict[str, Any] = {"type": rng.choice(list(ActiviteitType)).value, "informatie": [rng.choice(ids)]}
        if rng.random() < 0.7:
            act["opiumwet_lijst"] = rng.choice(list(OpiumwetLijst)).value
        if rng.random() < 0.6:
            unit = rng.choice(list(Eenheid))
            act["hoeveelheid"] = {"eenheid": unit.value} if unit not in MEASURED else {"eenheid": unit.value, "waarde": rng.choice([0.5, 3, 30, 600])}
        if rng.random() < 0.6:
            act["plek"] = rng.choice(list(Plek)).value
        if rng.random() < 0.5:
            act["datum"] = f"20{rng.randint(17, 26)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        if rng.random() < 0.3:
            act["wetenschap_betrokkene"] = rng.random() < 0.5
        activities.append(act)
    permits = []
    for _ in range(rng.randint(0, 2)):
        permit: dict[str, Any] = {"soort": rng.choice(list(VergunningSoort)).value, "status": rng.choice(list(VergunningStatus)).value}
        if rng.random() < 0.4:
            permit["bibob"] = {"lbb_advies": rng.choice(list(LbbAdvies)).value}
        permits.append(permit)
    history = [
        {"instrument": rng.choice(["bestuurlijke_waarschuwing", "sluiting_13b_opiumwet"]), "datum": f"20{rng.randint(18, 26)}-0{rng.randint(1, 9)}-15"}
        for _ in range(rng.randint(0, 2))
    ]
    locatie: dict[str, Any] = {"type": rng.choice(list(LocatieType)).value}
    if rng.random() < 0.6:
        locatie["minderjarigen"] = rng.random() < 0.4
    if rng.random() < 0.6:
        locatie["eigendom"] = rng.choice(list(Eigendom)).value
    return {
        "schema_versie": "2",
        "zaak_id": f"bench-{index}",
        "peildatum": f"20{rng.randint(18, 26)}-{rng.randint(1, 12):02d}-15",
        "locatie": locatie,
        "activiteiten": activities,
        "vergunningen": permits,
        "voorgeschiedenis": history,
        "informatie": infos,
        "openbare_orde": {"verstoring": rng.choice(["geen", "licht", "ernstig"])} if rng.random() < 0.5 else {},
    }


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


EXAMPLE = ROOT / "cases" / "drugshandel_woning_harddrugs.json"


def rules_command() -> list[str]:
    rules_bin = Path(sys.executable).with_name("rules")
    return [str(rules_bin)] if rules_bin.exists() else [sys.executable, "-m", "weerbaar_rules.cli"]


def cold_start(args: argparse.Namespace) -> dict[str, Any]:
    """Seconds for `rules evaluate` on one case in a new process, min and median; interleaved with `--compare`.

    The ruleset cache (weerbaar_rules/evaluation/cache.py) lives in a temporary directory of its own, so
    the user's cache is neither read nor filled; the first run fills it, as a user's first start does.
    With `--without-ruleset-cache` the current installation is also timed with the cache switched off
    (`WEERBAAR_CACHE=0`: the start before anything was cached). Besides the wall time, the CPU time of
    each process (user + system) is recorded: on a shared machine it is what the wall time would be on
    an idle core.
    """
    commands: dict[str, tuple[list[str], str | None]] = {"nu": (rules_command(), None)}
    if args.without_ruleset_cache:
        commands["nu_zonder_regelsetcache"] = (rules_command(), "0")
    if args.compare:
        commands["vergelijk"] = ([str(args.compare)], None)
    with tempfile.TemporaryDirectory() as private:
        env = dict(os.environ)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["WEERBAAR_CACHE"] = private

        def start(command: list[str], cache: str | None) -> None:
            subprocess.run([*command, "evaluate", str(EXAMPLE)], check=True, capture_output=True, cwd=ROOT, env={**env, "WEERBAAR_CACHE": cache or private})

        for command, cache in commands.values():  # writes the bytecode cache, as `pip install .` does, and fills the ruleset cache
            start(command, cache)
        timings: dict[str, list[float]] = {name: [] for name in commands}
        cpu: dict[str, list[float]] = {name: [] for name in commands}
        load_before = os.getloadavg()[0]
        for _ in range(args.cold_runs):
            for name, (command, cache) in commands.items():
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t0 = time.perf_counter()
                start(command, cache)
                timings[name].append(time.perf_counter() - t0)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    summary: dict[str, Any] = {
        name: {
            "median": round(statistics.median(times), 3),
            "min": round(min(times), 3),
            "cpu_median": round(statistics.median(cpu[name]), 3),
            "cpu_min": round(min(cpu[name]), 3),
        }
        for name, times in timings.items()
    }
    summary.update(runs=args.cold_runs, load=[round(load_before, 2), round(os.getloadavg()[0], 2)])
    if args.compare:
        summary["vergelijk_met"] = str(args.compare)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--cold-only", action="store_true", help="measure only the cold start")
    parser.add_argument("--compare", type=Path, default=None, metavar="RULES", help="another installation's `rules`, timed alongside")
    parser.add_argument("--without-ruleset-cache", action="store_true", help="also time this installation with WEERBAAR_CACHE=0")
    args = parser.parse_args()
    if args.cold_only:
        results = {"cold_start_s": cold_start(args)}
        text = json.dumps(results, indent=2)
        print(text)
        if args.json:
            args.json.write_text(text + "\n", encoding="utf-8")
        return

    rng = random.Random(20261125)
    raw = [generate(rng, i) for i in range(args.cases)]
    cases = [Case.model_validate(r) for r in raw]
    engine = Engine.from_directory(ROOT / "rulesets" / "nl")
    for case in cases[:200]:
        engine.evaluate(case)  # warm-up

    results: dict[str, Any] = {"cases": args.cases, "rules": len(engine.ruleset.rules), "instruments": len(engine.ruleset.instruments)}
    start_rss = rss_kb()
    firings = 0
    t0 = time.perf_counter()
    half_rss = 0
    for n, case in enumerate(cases):
        decision = engine.evaluate(case)
        firings += len(decision.afvuringen)
        if n == len(cases) // 2:
            half_rss = rss_kb()
    elapsed = time.perf_counter() - t0
    end_rss = rss_kb()
    results["evaluate_per_s"] = round(args.cases / elapsed, 1)
    results["firings_per_case"] = round(firings / args.cases, 1)
    results["rss_kb"] = {"start": start_rss, "half": half_rss, "end": end_rss, "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}

    t0 = time.perf_counter()
    for case in cases:
        engine.run(case)
    results["run_per_s"] = round(args.cases / (time.perf_counter() - t0), 1)

    results["cold_start_s"] = cold_start(args)
    command = rules_command()

    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "zaken.jsonl"
        batch.write_text("".join(json.dumps(r) + "\n" for r in raw), encoding="utf-8")
        t0 = time.perf_counter()
        out = subprocess.run(command + ["evaluate", str(batch), "--format", "json"], check=True, capture_output=True, cwd=ROOT)
        took = time.perf_counter() - t0
        assert out.stdout.count(b"\n") == args.cases
    results["batch_all_cores"] = {"cores": os.cpu_count(), "per_s": round(args.cases / took, 1), "seconds": round(took, 2)}

    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
