"""`check_directory`: every lint over one reading of a ruleset, deduplicated and in order."""

from __future__ import annotations

from pathlib import Path

from .apart import split_item_findings
from .conflicts import conflict_findings
from .findings import ERROR, Finding, order
from .loading import load_findings
from .never import never_fire_findings
from .readable import read
from .references import parameter_use_findings, reference_findings
from .sources import citation_findings, text_citation_findings


def check_directory(directory: str | Path, profile: str | Path | None = None) -> list[Finding]:
    """Every finding for a ruleset directory (and optionally a municipal profile on top), errors first per place.

    The satisfiability lints run on the complete ruleset (with the profile)
    when it loads, else on the national rules that could be read.
    """
    readable, findings = read(Path(directory))
    findings += reference_findings(readable)
    findings += parameter_use_findings(readable)
    findings += citation_findings(readable)
    findings += text_citation_findings(readable)
    rules = readable.rules
    if not any(f.level == ERROR for f in findings) or profile is not None:
        loaded, complete = load_findings(readable.reading, profile, {f.message for f in findings})
        findings += loaded
        rules = complete or rules
    unreadable = frozenset(readable.broken.derives)
    findings += never_fire_findings(rules, readable.params, unreadable)
    findings += conflict_findings(rules, unreadable)
    findings += split_item_findings(rules)
    unique: dict[tuple[str, str, str], Finding] = {}
    for finding in findings:
        unique.setdefault((finding.where, finding.level, finding.message), finding)
    return sorted(unique.values(), key=order)
