"""Reading a decision back from its JSON, with the ruleset part its graph needs.

A case system that stored an advice shows it again later (`rules graaf
BESLUIT`, the library): the decision of schema 2 names its ruleset part by
key; the part comes from a file (`rules graaf --regelset`, the batch's
`.regelsetdelen.jsonl`), from the server, or, for the shipped rules, from the
package itself (explain.ruleset_part.find_part). Errors name the file and
never echo the decision's content.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..core.errors import DecisionError, PartError, validation_message
from ..core.safetext import one_line
from ..core.yamlio import display_name, parse_json, read_text
from .model import Decision, OldSchemaNotice
from .part import RulesetPart


def read_parts(path: Path) -> dict[str, RulesetPart]:
    """The ruleset parts in a file, by key: one part (JSON, `rules graaf --regelset`), or one per line in a `.jsonl`
    file (as a batch writes them beside its output)."""
    where = display_name(path)
    text = read_text(path, PartError)
    if not text.strip():
        raise PartError(f"{where}: leeg bestand, geen regelsetdeel")
    if path.suffix.lower() != ".jsonl":
        parts = [RulesetPart.from_document(parse_json(text, where, PartError), where)]
    else:
        parts = [
            RulesetPart.from_document(parse_json(line, f"{where}:{number}", PartError), f"{where}:{number}")
            for number, line in enumerate(text.splitlines(), start=1)
            if line.strip()
        ]
    return {part.key: part for part in parts}


def read_decision(path: Path, parts: dict[str, RulesetPart] | None = None, notices: list[str] | None = None) -> Decision:
    """A decision from its JSON file; `parts` are ruleset parts to join it with (by key). Notices (an old schema) go to `notices`."""
    where = display_name(path)
    data: Any = parse_json(read_text(path, DecisionError), where, DecisionError)
    if not isinstance(data, dict):
        raise DecisionError(f"{where}: een besluit is een JSON-object")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", OldSchemaNotice)
        try:
            decision = Decision.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            if first["type"] == "value_error":
                raise DecisionError(f"{where}: {one_line(str(first['msg']).removeprefix('Value error, '), 200)}") from None
            place = ".".join(str(p) for p in first["loc"]) or "(het besluit)"
            raise DecisionError(f"{where}: geen besluit van weerbaar-rules: {place}: {validation_message(dict(first))}") from None
    if notices is not None:
        notices.extend(f"{where}: {w.message}" for w in caught if issubclass(w.category, OldSchemaNotice))
    key = decision.part_key
    if key is not None and parts:
        if key not in parts:
            known = ", ".join(sorted(parts)) or "geen"
            raise PartError(f"{where}: het besluit is gemaakt met regelsetdeel {key}; het gegeven bestand bevat {known}")
        decision.use_part(parts[key])
    return decision


def part_json(part: RulesetPart, line: bool = False) -> str:
    """A ruleset part as published: indented JSON, or one line (a batch's `.regelsetdelen.jsonl`)."""
    if line:
        return json.dumps(part.document(), ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(part.document(), ensure_ascii=False, indent=2) + "\n"


__all__ = ["part_json", "read_decision", "read_parts"]
