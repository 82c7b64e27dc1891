"""Views of a decision and its explanation: formatting only, no reasoning.

Every view reads the decision and the one explanation built for it
(explain/); none walks a rule or works out a "why" itself.

* `rendered(decision, fmt)` — any of FORMATS: JSON, text, Markdown, DOT, SVG, PNG; and "advies", the web page's view;
* `to_json`, `to_json_line`, `to_text`, `to_markdown`, `to_dot`;
* `explain_instrument` — `rules explain`: why (not) one instrument.

`overview` (the generated overview of a ruleset for lawyers, `python -m weerbaar_rules.render.overview`)
formats a ruleset, not a decision, and is imported on its own.
"""

from __future__ import annotations

from typing import Any

from ..decision.model import Decision
from . import dot
from .dot import to_dot
from .json import to_json, to_json_line
from .markdown import to_markdown
from .page import to_page_json
from .text import to_text
from .why import explain_instrument, instrument_statuses

FORMATS = ("text", "json", "md", "dot", "svg", "png")


def rendered(decision: Decision, fmt: str, volledig: bool = False, **drawing: Any) -> str | bytes:
    """The decision in one of FORMATS (svg and png as bytes, through Graphviz' dot; `drawing`: its timeout and max_edges)."""
    if fmt == "json":
        return to_json(decision, volledig=volledig)
    if fmt == "md":
        return to_markdown(decision)
    if fmt == "text":
        return to_text(decision, volledig=volledig)
    if fmt == "advies":  # the web page's view (page.py); not a CLI format
        return to_page_json(decision)
    return dot.render(decision, fmt, volledig=volledig, **drawing)


__all__ = [
    "FORMATS",
    "explain_instrument",
    "instrument_statuses",
    "rendered",
    "to_dot",
    "to_json",
    "to_json_line",
    "to_markdown",
    "to_text",
]
