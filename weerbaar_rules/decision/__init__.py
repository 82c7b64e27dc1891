"""The decision: its output model (the JSON contract of docs/besluit.md) and its assembly from the runs.

* `model` — `Decision`, `InstrumentDecision` and their parts;
* `assemble` — `decide`: each instrument's status, reasons, unmet conditions and missing facts, and the
  recommendation by subsidiarity; `outcome`: only the conclusions (`rules diff`);
* `schema` — the JSON Schemas of the case file and the decision.
"""

from __future__ import annotations

from .model import Decision, InstrumentDecision, MissingFact

__all__ = ["Decision", "InstrumentDecision", "MissingFact"]
