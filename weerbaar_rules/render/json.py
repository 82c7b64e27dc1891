"""The decision as canonical JSON: the same case and ruleset give byte-identical output.

Schema 2 writes the case's part of the graph with the key of its ruleset part
(decision/part.py); `volledig` writes the graph whole, for who must archive one
self-contained file.
"""

from __future__ import annotations

from ..decision.model import Decision, writing_case_part


def to_json(decision: Decision, volledig: bool = False) -> str:
    """Canonical JSON, indented.

    pydantic's own (Rust) serializer: `json.dumps` with an indent falls back to
    the pure-Python encoder, which took 5 ms per decision. UTF-8, not escaped.
    """
    decision.graph_first()
    if volledig:
        return decision.model_dump_json(indent=2, context={"volledig": True}) + "\n"
    with writing_case_part():
        return decision.model_dump_json(indent=2) + "\n"


def to_json_line(decision: Decision, volledig: bool = False) -> str:
    """One decision on one line (the batch mode's JSON lines), the same serializer as `to_json`."""
    decision.graph_first()
    if volledig:
        return decision.model_dump_json(context={"volledig": True}) + "\n"
    with writing_case_part():
        return decision.model_dump_json() + "\n"
