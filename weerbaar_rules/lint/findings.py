"""What every lint returns: findings with a level, a place and a category, in one order."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

Level = Literal["fout", "waarschuwing"]
ERROR: Level = "fout"
WARNING: Level = "waarschuwing"


@dataclass(frozen=True)
class Finding:
    level: Level
    where: str  # "file:line" or "file" or the ruleset directory
    message: str
    kind: str  # short category: schema, bron, veld, verwijzing, nooit, conflict, geldigheid, ongebruikt, laden, apart

    def text(self) -> str:
        return f"{self.where}: {self.level} [{self.kind}]: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"niveau": self.level, "plaats": self.where, "soort": self.kind, "melding": self.message}


def order(finding: Finding) -> tuple[Any, ...]:
    """By file, then line (numerically), errors before warnings: the order an author fixes them in."""
    match = re.match(r"^(.*?)(?::(\d+))?$", finding.where)
    path, line = (match.group(1), int(match.group(2) or 0)) if match else (finding.where, 0)
    return (path, line, finding.level != ERROR, finding.kind, finding.message)


def summary(findings: Iterable[Finding]) -> str:
    findings = list(findings)
    errors = sum(1 for f in findings if f.level == ERROR)
    return f"{errors} fout(en), {len(findings) - errors} waarschuwing(en)"
