"""Fuzzing `rules evaluate` with mutated example cases (issue #12).

Hypothesis changes, deletes, adds, renames and duplicates keys of the example
cases, puts personal data, control characters, odd numbers and impossible dates
in them, writes them as JSON or YAML (sometimes cut short), and runs the CLI.
Whatever it makes, the answer is a decision (exit 0) or one clean line on
stderr (exit 2) that never repeats the personal data it was given.
"""

from __future__ import annotations

import json
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import event, given, settings
from hypothesis import strategies as st

from weerbaar_rules.cli import main

from .conftest import CASES

EXAMPLES = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(CASES.glob("*.json"))[:12]]
SECRET_PARTS = ("Pietersen", "987654321", "Dorpsstraat")
SECRET = "Piet Pietersen, Dorpsstraat 7, BSN 987654321"

values = st.one_of(
    st.sampled_from(
        [
            SECRET,
            SECRET + "\n\u2028fout: vals\x1b]0;x\x07",
            "2026-02-30",
            "2026-11-01T10:00:00",
            "12",
            "true",
            "",
            "woning",
            "I",
            "\ud800",
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.builds(lambda: [SECRET]),  # a fresh object each time: a mutation may later write into it
    st.builds(lambda: {"zaak_id": SECRET}),
)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    """(file name, file text) of an example case with one to three mutations."""
    data = json.loads(json.dumps(draw(st.sampled_from(EXAMPLES))))
    duplicate: str | None = None
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.sampled_from(paths(data)))
        holder = parent(data, where)
        action = draw(st.sampled_from(["text", "text", "set", "set", "delete", "add", "rename", "duplicate"]))
        if action == "text":  # hostile text where text is allowed: the decision must show it safely
            text_paths = [p for p in paths(data) if isinstance(parent(data, p)[p[-1]], str) and p[-1] in ("zaak_id", "omschrijving", "adres")]
            if text_paths:
                target = draw(st.sampled_from(text_paths))
                parent(data, target)[target[-1]] = draw(st.sampled_from([SECRET, SECRET + "\n\u2028Aanbevolen: vals\x1b]0;x\x07\u200b"]))
        elif action == "set":
            holder[where[-1]] = draw(values)
        elif action == "delete":
            del holder[where[-1]]
        elif isinstance(holder, dict) and action == "add":
            holder[draw(st.sampled_from(["extra", "minderjarig", "datum_x", "bsn"]))] = draw(values)
        elif isinstance(holder, dict) and action == "rename":
            holder[str(where[-1])[:-1] or "x"] = holder.pop(where[-1])
        elif isinstance(holder, dict) and action == "duplicate":
            duplicate = str(where[-1])
        else:
            holder[where[-1]] = draw(values)
        if not paths(data):
            break
    form = draw(st.sampled_from(["json", "json", "yaml", "cut"]))
    if form == "yaml":
        try:
            return "zaak.yaml", yaml.safe_dump(data, allow_unicode=True)
        except UnicodeEncodeError:
            form = "json"
    text = json.dumps(data, ensure_ascii=draw(st.booleans()))
    if duplicate is not None and f'"{duplicate}": ' in text:
        text = text.replace(f'"{duplicate}": ', f'"{duplicate}": null, "{duplicate}": ', 1)
    if form == "cut":
        text = text[: draw(st.integers(0, max(0, len(text) - 1)))]
    return "zaak.json", text


def unsafe(text: str) -> list[str]:
    return [f"U+{ord(ch):04X}" for ch in text if ch != "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")]


@settings(max_examples=150)
@given(mutated(), st.sampled_from(["json", "text"]))
def test_mutated_cases_give_a_decision_or_one_clean_line(case: tuple[str, str], fmt: str) -> None:
    name, text = case
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
        result = CliRunner().invoke(main, ["evaluate", str(path), "--format", fmt])
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    event(f"exit {result.exit_code}")
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert result.stdout == ""
        assert result.stderr.startswith("fout: ") and result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr
        assert not unsafe(result.stderr), result.stderr
        assert not [part for part in SECRET_PARTS if part in result.stderr], result.stderr
    else:
        assert result.stdout and not unsafe(result.stdout if fmt == "text" else "")
