"""Case-supplied text made safe for a terminal, a log line or a report.

A zaak_id, an information id or an unknown key name comes from whoever wrote
the case file. Printed as is, a newline or U+2028 in it can forge a second
"fout:" line or an "Aanbevolen:" block, an escape sequence can retitle the
terminal or hide text, a zero-width or bidi character can make two different
ids look the same. Every control and format character (Unicode categories Cc,
Cf, Zl, Zp, and lone surrogates) is therefore replaced before such text
reaches human-readable output; JSON output keeps the value exactly, escaped.
"""

from __future__ import annotations

import unicodedata

_UNSAFE = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
MASK_KEEP = 3


def unsafe(ch: str) -> bool:
    """A control or format character (or a lone surrogate): never shown as it is."""
    return unicodedata.category(ch) in _UNSAFE


def printable(text: str) -> str:
    """Multi-line text we built ourselves: keeps its newlines, every other control or format character becomes a space."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(ch if ch == "\n" or not unsafe(ch) else " " for ch in text)


def one_line(text: object, limit: int | None = None) -> str:
    """One line of text: newlines and every control or format character become a space; optionally shortened."""
    value = str(text)
    if not (value.isascii() and value.isprintable()):
        value = "".join(" " if unsafe(ch) else ch for ch in value)
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


def masked(value: object) -> str:
    """At most a short prefix of a value a user gave, so an error never repeats personal data."""
    text = one_line(value)
    if len(text) <= MASK_KEEP:
        return "'…'" if text else "''"
    return f"'{text[:MASK_KEEP]}…'"
