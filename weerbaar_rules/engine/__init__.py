"""The inference: a ruleset compiled to durable_rules strata and run over one case, per information context.

* `facts` — the case as engine facts, with what is set aside on the peildatum;
* `gate` — which information one authority may use for one purpose (instrumenten.md §H);
* `compiler` — rules to strata; `backend` — the only module that imports durable_rules;
* `inference` — `Inference.run` / `parts`: the firings and derived facts of one case;
* `runs` — what a run leaves behind, and each rule's three-valued walk over its facts (`walk`).
"""

from __future__ import annotations

from .inference import DEFAULT_MAX_FIRINGS, Inference
from .runs import MAIN, Firing, Part, Run, rule_walk

__all__ = ["DEFAULT_MAX_FIRINGS", "MAIN", "Firing", "Inference", "Part", "Run", "rule_walk"]
