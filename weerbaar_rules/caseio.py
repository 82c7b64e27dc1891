"""Reading case files (JSON or YAML, one case; a directory or JSON-lines file for a batch)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

from pydantic import ValidationError

from .errors import CaseError
from .model import Case
from .yamlio import Located, MAX_DEPTH, _depth, load


def _place(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(hele bestand)"


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "onbekend veld (een typefout laat een feit stilletjes wegvallen)"
    if kind == "missing":
        return "verplicht veld ontbreekt"
    if kind == "enum":
        expected = error.get("ctx", {}).get("expected", "")
        return f"ongeldige waarde {error.get('input')!r}; toegestaan: {expected}"
    if kind.startswith("date"):
        return f"ongeldige datum {error.get('input')!r} (verwacht JJJJ-MM-DD, een bestaande datum)"
    return error["msg"].removeprefix("Value error, ")


def validate(data: Any, where: str, located: Located | None = None) -> Case:
    """Validate parsed data as a case; the error names the file, the line where known, and the field."""
    if not isinstance(data, dict):
        raise CaseError(f"{where}: een zaak is een object met zaak_id, locatie, activiteiten, …")
    try:
        return Case.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        line = located.line_at(loc) if located else None
        prefix = f"{where}:{line}" if line else where
        more = f" (en {len(exc.errors()) - 1} andere fout(en))" if len(exc.errors()) > 1 else ""
        raise CaseError(f"{prefix}: {_place(loc)}: {_message(first)}{more}") from None


def load_case(path: str | Path) -> Case:
    path = Path(path)
    located = load(path, CaseError)
    return validate(located.data, str(path), located)


def iter_cases(path: str | Path) -> Iterator[tuple[str, Case]]:
    """Cases of a batch: every .json/.yaml file in a directory (sorted), or every line of a .jsonl file."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".json", ".yaml", ".yml") and not p.name.endswith(".verwacht.yaml"))
        for file in files:
            yield str(file), load_case(file)
        return
    if path.suffix == ".jsonl":
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CaseError(f"{where}:{exc.colno}: ongeldige JSON: {exc.msg}") from None
                except RecursionError:
                    raise CaseError(f"{where}: te diep genest") from None
                if _depth(data, MAX_DEPTH) > MAX_DEPTH:
                    raise CaseError(f"{where}: te diep genest")
                yield where, validate(data, where)
        return
    yield str(path), load_case(path)
