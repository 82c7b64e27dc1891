"""Peak memory and throughput of a streaming batch (`rules evaluate zaken.jsonl -o uit.jsonl`).

    python benchmarks/batch_memory.py 2000 20000 100000 [--jobs 2]

For each size, writes a JSON-lines file of that many cases (the example cases
in turn, each with its own zaak_id), runs the real command line on it and
samples the resident memory of the whole process tree (main process and
workers) every 50 ms. Prints a table and writes benchmarks/batch_memory.json.
Memory must not grow with the size of the batch (issue #15: 100,000 cases in
less than 400 MB on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree(pid: int) -> list[int]:
    """The process and all its descendants (from /proc: parent of each process)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(parents.get(current, []))
    return found


def make_input(path: Path, count: int) -> None:
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "cases").glob("*.json"))]
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            case = dict(cases[number % len(cases)])
            case["zaak_id"] = f"BENCH-{number:06d}"
            out.write(json.dumps(case, ensure_ascii=False) + "\n")


def measure(count: int, jobs: int, directory: Path) -> dict[str, float]:
    source = directory / f"zaken-{count}.jsonl"
    target = directory / f"uit-{count}.jsonl"
    make_input(source, count)
    command = [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(source), "-j", str(jobs), "-o", str(target)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_tree = peak_main = 0
    while process.poll() is None:
        pids = tree(process.pid)
        peak_tree = max(peak_tree, sum(rss(pid) for pid in pids))
        peak_main = max(peak_main, rss(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    if process.returncode != 0:
        raise SystemExit(f"{count} zaken: exitcode {process.returncode}: {stderr}")
    lines = sum(1 for _ in target.open(encoding="utf-8"))
    assert lines == count, (lines, count)
    source.unlink()
    target.unlink()
    return {
        "zaken": count,
        "jobs": jobs,
        "seconden": round(seconds, 1),
        "zaken_per_seconde": round(count / seconds, 1),
        "piek_rss_boom_mb": round(peak_tree / 2**20, 1),
        "piek_rss_hoofdproces_mb": round(peak_main / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 20000, 100000])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as directory:
        for count in args.sizes:
            result = measure(count, args.jobs, Path(directory))
            results.append(result)
            print(
                f"{result['zaken']:>7} zaken  -j {result['jobs']}  {result['seconden']:>7} s  {result['zaken_per_seconde']:>6} zaken/s  "
                f"piek RSS boom {result['piek_rss_boom_mb']:>6} MB  hoofdproces {result['piek_rss_hoofdproces_mb']:>6} MB",
                flush=True,
            )
    (ROOT / "benchmarks" / "batch_memory.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
