"""The case model's JSON Schema as the package publishes it, read from the shipped file.

Generating the schema from the model (`Case.model_json_schema()`) costs tens
of milliseconds, and `rules evaluate` needs it on every start: for the field
names an error message may repeat (case/io.py) and the Dutch names of the
enumeration values (case/names.py). The same schema ships as
`weerbaar_rules/schemas/zaak-<versie>.schema.json`, and
tests/test_case_v2.py keeps that file equal to what the model generates, so
reading it gives the same answer at a fraction of the cost. Without the file
(a source tree where it was removed) the model generates it as before.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from .model import SCHEMA_VERSION, Case

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / f"zaak-{SCHEMA_VERSION}.schema.json"


@functools.cache
def case_model_schema() -> dict[str, Any]:
    """The case model's JSON Schema (properties and `$defs`; the file adds only `$schema`, `$id` and the title)."""
    try:
        schema: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Case.model_json_schema()
    return schema
