"""Load on `rules serve`: requests per second and latency for a typical case, at 1 and 2 workers.

Run:  python benchmarks/serve_load.py [--requests 400] [--json benchmarks/serve_resultaten.json]

For each worker count the script starts a real server on loopback, warms it up
and then sends a bounded number of requests of one typical case (the example
`cases/drugshandel_woning_harddrugs.json`, POST /api/beoordeling, the full
decision JSON with graph, ~150 KB) from 1, 2, 4 and 8 client threads, each on
its own keep-alive connection. Latency is measured in the client, from sending
the request to having read the whole answer. The CPU time the server's
processes spent per request (HTTP process and workers, from /proc) is
reported too: unlike wall-clock figures it hardly depends on what else the
machine is doing. For comparison it measures the
same case without HTTP: in one process (evaluate + JSON, as one worker does)
and as a batch over all cores (`rules evaluate zaken.jsonl --format json`).
The client runs on the same machine as the server and takes CPU from it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serve_support import Server, rules_command
from weerbaar_rules import Case, Engine
from weerbaar_rules.render import to_json

CASE = ROOT / "cases" / "drugshandel_woning_harddrugs.json"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (Linux /proc), 0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(server: Server) -> tuple[float, float]:
    """CPU seconds of the HTTP process and of its worker processes."""
    front = server.process.pid
    try:
        children = [int(p) for p in Path(f"/proc/{front}/task/{front}/children").read_text().split()]
    except OSError:
        children = []
    return cpu_seconds(front), sum(cpu_seconds(child) for child in children)


def load(server: Server, body: bytes, clients: int, requests: int) -> dict[str, Any]:
    """`requests` requests spread over `clients` threads; every answer must be 200 and the same."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    expected_length: list[int] = []

    def client(count: int) -> None:
        conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
        mine: list[float] = []
        for _ in range(count):
            started = time.perf_counter()
            conn.request("POST", "/api/beoordeling", body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200 or (expected_length and len(data) != expected_length[0]):
                with lock:
                    failures.append(f"{response.status} {len(data)}")
        conn.close()
        with lock:
            latencies.extend(mine)

    first = server.post("/api/beoordeling", body)
    expected_length.append(len(first.body))
    threads = [threading.Thread(target=client, args=(n,)) for n in share]
    cpu_before = server_cpu(server)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    cpu_after = server_cpu(server)
    assert not failures, failures[:5]
    return {
        "clients": clients,
        "requests": requests,
        "per_s": round(requests / wall, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "cpu_ms_per_request": {
            "http": round((cpu_after[0] - cpu_before[0]) / requests * 1000, 2),
            "workers": round((cpu_after[1] - cpu_before[1]) / requests * 1000, 2),
        },
    }


def in_process(seconds: float) -> dict[str, Any]:
    """What one worker does per request, without HTTP: evaluate and render JSON, in a loop."""
    engine = Engine.from_directory(ROOT / "rulesets" / "nl")
    case = Case.model_validate_json(CASE.read_bytes())
    for _ in range(50):
        to_json(engine.evaluate(case))
    timings: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        to_json(engine.evaluate(case))
        timings.append(time.perf_counter() - started)
    return {
        "per_s": round(len(timings) / sum(timings), 1),
        "p50_ms": round(statistics.median(timings) * 1000, 2),
        "p99_ms": round(percentile(timings, 0.99) * 1000, 2),
    }


def batch(count: int) -> dict[str, Any]:
    """The CLI's batch over all cores on the same case repeated (start-up included, as a user sees it)."""
    line = json.dumps(json.loads(CASE.read_text(encoding="utf-8"))) + "\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "zaken.jsonl"
        path.write_text(line * count, encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [*rules_command(), "evaluate", str(path), "--format", "json"], check=True, capture_output=True, cwd=ROOT
        )
        took = time.perf_counter() - started
    assert done.stdout.count(b"\n") == count
    return {"cores": os.cpu_count(), "cases": count, "per_s": round(count / took, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per measurement")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    body = CASE.read_bytes()
    results: dict[str, Any] = {"case": CASE.name, "cpus": os.cpu_count(), "load_average_before": os.getloadavg()[0]}
    results["in_process_one_core"] = in_process(5.0)
    results["batch_all_cores"] = batch(1500)
    results["server"] = []
    for workers in args.workers:
        server = Server("--workers", str(workers))
        try:
            for _ in range(30):
                server.post("/api/beoordeling", body)  # warm-up
            for clients in args.clients:
                row = {"workers": workers, **load(server, body, clients, args.requests)}
                print(json.dumps(row), file=sys.stderr)
                results["server"].append(row)
        finally:
            server.stop()
    results["load_average_after"] = os.getloadavg()[0]
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
