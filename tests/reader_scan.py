"""What a lawyer must never read in an advice: an id she did not write, a field path, English.

Shared by the tests of the text, the Markdown, `rules explain` (test_reader_text.py) and the web page
(test_serve_page.py). Links are left out first: an address is not text a lawyer reads.
"""

from __future__ import annotations

import re

INTERNAL = (
    re.compile(r"\b[a-z_]{2,}\.[a-z_][a-z_.]*[a-z_]\b"),  # rule ids and field paths: damocles.harddrugs, openbare_orde.verstoring
    re.compile(r"\b[a-z]+_[a-z0-9_]+\b"),  # codes: wpg_16, sluiting_13b_opiumwet, anonieme_melding
    re.compile(r"\b[a-z_]+\[\d+\]"),  # list paths: activiteiten[0]
)
ENGLISH = ("engine", "hash", "sha256", "ruleset", "rule", "true", "false", "null", "undefined", "none", "track", "category")
_LINK = re.compile(r"https?://\S+")
_ENGLISH = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)


def offending(text: str) -> list[str]:
    """Every internal id, path or English word in this text (links removed), in order."""
    text = _LINK.sub(" ", text)
    found = [m.group(0) for pattern in INTERNAL for m in pattern.finditer(text)]
    return found + [m.group(0) for m in _ENGLISH.finditer(text)]
