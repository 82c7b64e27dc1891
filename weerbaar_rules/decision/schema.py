"""The JSON Schemas of the case file and the decision, as published files.

Case-management systems validate against a file, not against our Python, so
the schemas carry `$schema` and `$id` and ship inside the package
(`weerbaar_rules/schemas/`); a test checks the files equal what the models
generate, so they cannot drift.

    python -m weerbaar_rules.schema    # rewrite the files after a model change
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..case.model import SCHEMA_VERSION as CASE_VERSION
from ..case.model import Case
from .model import SCHEMA_VERSION as DECISION_VERSION
from .model import Decision

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://weerbaar-rules.nl/schema"
DIRECTORY = Path(__file__).resolve().parent.parent / "schemas"
CASE_FILE = f"zaak-{CASE_VERSION}.schema.json"
DECISION_FILE = f"besluit-{DECISION_VERSION}.schema.json"


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (version 2)."""
    body = Case.model_json_schema()
    return {"$schema": DIALECT, "$id": f"{BASE}/{CASE_FILE}", "title": f"Zaakbestand weerbaar-rules, versie {CASE_VERSION}", **body}


def decision_schema() -> dict[str, Any]:
    """The JSON Schema of a decision (`rules evaluate --format json`)."""
    body = Decision.model_json_schema(mode="serialization")
    return {"$schema": DIALECT, "$id": f"{BASE}/{DECISION_FILE}", "title": f"Besluit weerbaar-rules, schemaversie {DECISION_VERSION}", **body}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    """Write the schema files next to this module."""
    DIRECTORY.mkdir(exist_ok=True)
    (DIRECTORY / CASE_FILE).write_text(render(case_schema()), encoding="utf-8")
    (DIRECTORY / DECISION_FILE).write_text(render(decision_schema()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
