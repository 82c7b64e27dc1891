"""Typed errors with messages a lawyer can act on.

Every error names the file and the place; the CLI turns them into one line and
an exit code (2 for bad input or an output that may not be written, 1 for
anything else), never a traceback. The exit codes are listed in docs/cli.md.
"""

from __future__ import annotations

from typing import Any


class WeerbaarError(Exception):
    """Base class: everything this package raises on purpose."""

    exit_code = 1


class CaseError(WeerbaarError):
    """The case file is unreadable or does not fit the case model."""

    exit_code = 2


class RulesetError(WeerbaarError):
    """A ruleset or profile is malformed: the message names file, rule id and line."""

    exit_code = 2


class ProfileError(RulesetError):
    """A municipal profile is unknown or malformed."""


class OutputError(WeerbaarError):
    """The output cannot be written where asked (a symlink, a device, a directory, a missing directory)."""

    exit_code = 2


class BatchError(WeerbaarError):
    """A batch could not finish (a worker process died): nothing was written to the output file."""

    exit_code = 1


class DecisionError(WeerbaarError):
    """A decision read back is unreadable, of an unknown schema, or cannot be joined with its ruleset part."""

    exit_code = 2


class PartError(DecisionError):
    """A decision's graph cannot be joined with its ruleset part: the part is missing, has another key or is malformed."""


class EvaluationError(WeerbaarError):
    """The engine could not finish an evaluation (runaway chain, failing action)."""

    exit_code = 1


def _expected(text: object) -> str:
    """pydantic's list of allowed values ("'a', 'b' or 'c'") in Dutch."""
    value = str(text)
    head, sep, last = value.rpartition(" or ")
    return f"{head} of {last}" if sep else value


_PLAIN = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld (een typefout laat een feit stilletjes wegvallen)",
    "int_type": "verwacht een geheel getal",
    "int_parsing": "verwacht een geheel getal",
    "int_from_float": "verwacht een geheel getal",
    "float_type": "verwacht een getal",
    "float_parsing": "verwacht een getal",
    "finite_number": "verwacht een eindig getal (geen NaN of oneindig)",
    "bool_type": "verwacht true of false",
    "bool_parsing": "verwacht true of false",
    "string_type": "verwacht tekst",
    "string_unicode": "verwacht geldige Unicode-tekst",
    "list_type": "verwacht een lijst",
    "dict_type": "verwacht een object (veldnamen met waarden)",
    "model_type": "verwacht een object (veldnamen met waarden)",
    "model_attributes_type": "verwacht een object (veldnamen met waarden)",
    "none_required": "verwacht null",
    "frozen_instance": "kan niet gewijzigd worden",
}

_WITH_CONTEXT = {
    "string_too_short": "te kort (minimaal {min_length} teken(s))",
    "string_too_long": "te lang (maximaal {max_length} tekens)",
    "string_pattern_mismatch": "heeft niet de vorm {pattern}",
    "too_short": "te weinig items (minimaal {min_length})",
    "too_long": "te veel items (maximaal {max_length})",
    "greater_than_equal": "moet minstens {ge} zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "less_than_equal": "mag hoogstens {le} zijn",
    "less_than": "moet kleiner zijn dan {lt}",
}


def validation_message(error: dict[str, object]) -> str:
    """One pydantic error in Dutch, naming what is allowed and never the value that was given.

    The value may be personal data (a name and address typed into the wrong
    field); the location of the field is named by the caller.
    """
    kind = str(error.get("type", ""))
    context = error.get("ctx") if isinstance(error.get("ctx"), dict) else {}
    assert isinstance(context, dict)
    if kind == "extra_forbidden" and error.get("bedoeld"):
        return f"onbekend veld; bedoelde je '{error['bedoeld']}'?"
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind in _WITH_CONTEXT:
        try:
            return _WITH_CONTEXT[kind].format(**context)
        except (KeyError, IndexError):
            return _WITH_CONTEXT[kind].split(" (")[0]
    if kind in ("enum", "literal_error"):
        return f"ongeldige waarde; toegestaan: {_expected(context.get('expected', ''))}"
    if kind.startswith(("date", "datetime")):
        return "ongeldige datum (verwacht JJJJ-MM-DD, een bestaande datum)"
    if kind in ("value_error", "assertion_error"):
        return str(error.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"ongeldige waarde ({kind})"


def merge_typos(errors: list[Any]) -> list[Any]:
    """A misspelt key gives pydantic two errors (unknown `titel`, missing `title`): make it one that names both.

    Returns the errors in their order, each unknown key that is close to a
    missing key of the same object carrying `bedoeld` (the intended name), and
    that missing key's error dropped.
    """
    import difflib

    missing = {(tuple(e["loc"][:-1]), e["loc"][-1]): e for e in errors if e.get("type") == "missing" and e.get("loc")}
    dropped: set[int] = set()
    out = []
    for error in errors:
        if error.get("type") == "extra_forbidden" and error.get("loc") and isinstance(error["loc"][-1], str):
            parent = tuple(error["loc"][:-1])
            names = [name for (where, name), e in missing.items() if where == parent and id(e) not in dropped and isinstance(name, str)]
            close = difflib.get_close_matches(error["loc"][-1], names, n=1, cutoff=0.6)
            if close:
                dropped.add(id(missing[(parent, close[0])]))
                error = {**error, "bedoeld": close[0]}
        out.append(error)
    return [e for e in out if id(e) not in dropped]
