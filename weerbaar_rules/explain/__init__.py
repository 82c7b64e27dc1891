"""The explanation of a decision, built once from its runs: the graph and what it says per instrument.

* `explanation` — `Explanation`: the graph, the missing facts and an entry per instrument
  (`InstrumentExplanation`: the rules that support, exclude or did not make it available, the facts under
  them, what AVG held back, the missing facts that decide it and whether they can change the advice);
  `explanation_of(decision)` gives it for an evaluated decision or one read back from JSON;
* `graph` — the decision graph: facts, information, rules (fired, possibly, not), instruments, sources;
* `missing` — which unknown facts decide which instruments, and whether they can change the advice;
* `relevance` — why an instrument is not available, and which instruments a reader should see.

The views (render/) format what the explanation says; they do not reason themselves.
"""

from __future__ import annotations

from .explanation import Explanation, InstrumentExplanation, RuleRef, explanation_of
from .graph import build_graph

__all__ = ["Explanation", "InstrumentExplanation", "RuleRef", "build_graph", "explanation_of"]
