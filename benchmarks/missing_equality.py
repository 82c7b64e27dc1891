"""The decision's missing facts from the skeleton equal those of the full graph, over many generated cases.

Run:  python benchmarks/missing_equality.py [--cases 1000] [--hypothesis 250]

tests/test_missing_skeleton.py checks every example case and a few hundred
generated ones; this script checks, for the national rules alone and with every
profile in rulesets/gemeenten, `--cases` cases from bench.py's seeded generator
and `--hypothesis` cases from the testing kit's `cases()` strategy: the JSON
of `ontbrekende_feiten` read from the skeleton (graph.build_skeleton), byte for
byte against the one the full graph's per-instrument entries give. It prints
per profile how many cases it compared, how many took a second run (where the
second run's graph is cut down before merging) and how many had missing facts,
and exits non-zero on the first difference.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--hypothesis", type=int, default=250)
    args = parser.parse_args()

    sys.path.insert(0, str(HERE))
    from bench import generate
    from hypothesis import HealthCheck, given, settings

    from weerbaar_rules import Case, Engine
    from weerbaar_rules.explain.explanation import explanation_of
    from weerbaar_rules.testing.strategies import cases

    def as_json(rows: list[Any]) -> str:
        return json.dumps([row.model_dump(mode="json") for row in rows], ensure_ascii=False)

    profiles: list[Path | None] = [None, *sorted((HERE.parent / "rulesets" / "gemeenten").glob("*.yaml"))]
    total = 0
    for profile in profiles:
        engine = Engine.from_directory(HERE.parent / "rulesets" / "nl", profile=profile)
        counts = {"zaken": 0, "tweede run": 0, "met ontbrekende feiten": 0}

        def compare(case: Case) -> None:
            decision = engine.evaluate(case)
            from_skeleton = as_json(decision.ontbrekende_feiten)
            explanation = explanation_of(decision)
            from_graph = as_json(explanation.missing_in_graph())
            if from_skeleton != from_graph:
                print(f"VERSCHIL {profile} {case.zaak_id}\n skelet: {from_skeleton}\n graaf:  {from_graph}")
                sys.exit(1)
            counts["zaken"] += 1
            counts["tweede run"] += len(explanation.runs) > 1
            counts["met ontbrekende feiten"] += bool(decision.ontbrekende_feiten)

        rng = random.Random(20261128)
        for index in range(args.cases):
            compare(Case.model_validate(generate(rng, index)))

        @settings(max_examples=args.hypothesis, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        @given(cases(engine.ruleset))
        def generated(case: Case) -> None:
            compare(case)

        if args.hypothesis:
            generated()
        total += counts["zaken"]
        print(f"{profile.stem if profile else 'nl (geen profiel)':40} " + ", ".join(f"{k}: {v}" for k, v in counts.items()), flush=True)
    print(f"gelijk op {total} zaken x profielen")


if __name__ == "__main__":
    main()
