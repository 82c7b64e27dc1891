"""The case file: its model (schema version 2), reading it, migrating v1, and the Dutch names of its fields.

* `model` — `Case` and its parts, the contract of docs/zaakbestand.md;
* `io` — `load_case` / `validate`: a file or data to a `Case`, or one clear `CaseError`;
* `migrate` — v1 files converted with one notice (`rules migrate`);
* `strictness` — strict numbers, dates and keys;
* `names` — the words a lawyer reads for a field path, read from the model's metadata.
"""

from __future__ import annotations

from .io import load_case, validate
from .model import Case

__all__ = ["Case", "load_case", "validate"]
