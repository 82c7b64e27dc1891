"""Where the time of one decision goes, stage by stage, and how much of it is the garbage collector.

Run:  python benchmarks/stages.py [--cases 400] [--rules rulesets/nl] [--gc-off]

Per case, best of three passes (`--passes`) over the same seeded cases (bench.py's generator):
`Engine.run` (inference only), `Engine.parts` (every run a case needs),
`Engine.evaluate` (the decision), the explanation (the full graph, the first
`decision.explanation`), the missing facts alone (`decision.ontbrekende_feiten`,
read from the graph's skeleton), evaluate and missing facts together (what a
library user who reads only the missing facts pays), and the batch JSON line
once the graph is built. Decisions are kept in chunks of 50 between the stages that need
them, so a full garbage collection does not scan hundreds of retained
decisions: such a collection costs about a millisecond per retained decision
and, in a benchmark that keeps them all, lands in whichever stage it happens
to fall. The line `gc` says how many collections of each generation ran and
their milliseconds (over every pass, untimed preparation included); `--gc-off`
measures the work alone, `--freeze` what `gc.freeze()` after loading would save,
`--cpu` the process's CPU time rather than the clock (on a machine others use
too, the clock also counts the time another process had the core).
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHUNK = 50


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=400)
    parser.add_argument("--passes", type=int, default=3, help="passes per stage; the best counts (more on a busy machine)")
    parser.add_argument("--rules", type=Path, default=HERE.parent / "rulesets" / "nl")
    parser.add_argument("--gc-off", action="store_true", help="measure without the garbage collector")
    parser.add_argument(
        "--cpu", action="store_true", help="this process's CPU time (time.process_time) instead of the clock: on a shared machine, the work alone"
    )
    parser.add_argument(
        "--freeze", action="store_true", help="gc.freeze() after the warm-up: what a worker could do once its engine is loaded"
    )
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from bench import generate

    from weerbaar_rules import Case, Engine
    from weerbaar_rules.render import to_json_line

    engine = Engine.from_directory(args.rules)
    rng = random.Random(20261128)
    cases = [Case.model_validate(generate(rng, i)) for i in range(args.cases)]
    for case in cases[:CHUNK]:
        to_json_line(engine.evaluate(case))  # warm-up: compiled conditions, caches, bytecode

    collections = {generation: [0, 0.0] for generation in (0, 1, 2)}
    started = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            count = collections[info["generation"]]
            count[0] += 1
            count[1] += time.perf_counter() - started[0]

    gc.callbacks.append(on_gc)
    if args.freeze:
        gc.collect()
        gc.freeze()  # the engine, the ruleset and the cases: never scanned again by a full collection
    if args.gc_off:
        gc.disable()

    clock = time.process_time if args.cpu else time.perf_counter

    def best(work: Callable[[list[Any]], float]) -> float:
        """Milliseconds per case, best of `--passes` passes; `work` times one chunk and returns its seconds."""
        passes = []
        for _ in range(args.passes):
            passes.append(sum(work(cases[i : i + CHUNK]) for i in range(0, len(cases), CHUNK)))
        return round(min(passes) / len(cases) * 1000, 3)

    def timed(step: Callable[[Any], Any]) -> Callable[[list[Any]], float]:
        def work(chunk: list[Any]) -> float:
            began = clock()
            for item in chunk:
                step(item)
            return clock() - began

        return work

    def after_evaluate(step: Callable[[Any], Any]) -> Callable[[list[Any]], float]:
        """Time `step` on the decisions of a chunk, made (untimed) just before."""

        def work(chunk: list[Any]) -> float:
            decisions = [engine.evaluate(case) for case in chunk]
            began = clock()
            for decision in decisions:
                step(decision)
            return clock() - began

        return work

    def explained_then(step: Callable[[Any], Any]) -> Callable[[list[Any]], float]:
        def work(chunk: list[Any]) -> float:
            decisions = [engine.evaluate(case) for case in chunk]
            for decision in decisions:
                _ = decision.explanation
            began = clock()
            for decision in decisions:
                step(decision)
            return clock() - began

        return work

    stages = {
        "run": timed(engine.run),
        "parts": timed(engine.parts),
        "evaluate": timed(engine.evaluate),
        "explanation (graph + missing)": after_evaluate(lambda d: d.explanation),
        "ontbrekende_feiten": after_evaluate(lambda d: d.ontbrekende_feiten),
        "evaluate + ontbrekende_feiten": timed(lambda case: engine.evaluate(case).ontbrekende_feiten),
        "json line (graph built)": explained_then(to_json_line),
        "evaluate + json line": timed(lambda case: to_json_line(engine.evaluate(case))),
    }
    for name, work in stages.items():
        for count in collections.values():
            count[0], count[1] = 0, 0.0
        per_case = best(work)
        spent = ", ".join(f"gen{g} {n}x {t * 1000:.0f} ms" for g, (n, t) in collections.items())
        print(f"{name:32} {per_case:8.3f} ms/case  {1000 / per_case:8.1f}/s   gc: {spent}")
    mode = "off" if args.gc_off else "on, frozen after warm-up" if args.freeze else "on"
    print(f"runs per case {sum(len(engine.parts(c)) for c in cases) / len(cases):.3f}; gc {mode}; {'CPU time' if args.cpu else 'clock'}")


if __name__ == "__main__":
    main()
