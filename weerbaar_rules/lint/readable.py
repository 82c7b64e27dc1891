"""What the lints analyse: the loader's reading of a ruleset, its national rules, and a trace of what could not be read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..language.ruleset import CONCLUSION_KINDS, Citation, Reading, Rule, read_ruleset
from .findings import ERROR, Finding


@dataclass
class Broken:
    """What the rules that could not be read would still say (read from their raw YAML, best effort).

    A misspelt key drops a rule; without this, every fact it derives, every
    instrument it makes available and every rule downstream would be reported
    too: one typo, twenty errors. Counting these as present keeps one error.
    """

    ids: set[str] = field(default_factory=set)
    derives: set[str] = field(default_factory=set)
    concludes: set[tuple[str, str]] = field(default_factory=set)  # (conclusion kind, instrument)
    uses_derived: set[str] = field(default_factory=set)
    uses_params: set[str] = field(default_factory=set)

    def add(self, raw: Any) -> None:
        if not isinstance(raw, dict):
            return
        if isinstance(raw.get("id"), str):
            self.ids.add(raw["id"])
        then = raw.get("then")
        for conclusion in then if isinstance(then, list) else []:
            for kind in CONCLUSION_KINDS if isinstance(conclusion, dict) else ():
                value = conclusion.get(kind)
                if kind == "derive" and isinstance(value, str):
                    self.derives.add(value)
                elif kind in ("require", "weigh") and value:
                    targets = conclusion.get("instrument")
                    names = targets if isinstance(targets, list) else [targets]
                    self.concludes.update((kind, name) for name in names if isinstance(name, str))
                elif isinstance(value, str):
                    self.concludes.add((kind, value))
        stack = [raw.get("when")]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("derived"), str):
                    self.uses_derived.add(node["derived"])
                if isinstance(node.get("param"), str):
                    self.uses_params.add(node["param"])
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)


@dataclass
class Readable:
    """The reading (instruments, parameters, citations with their places), the national rules that parsed, and the rest."""

    reading: Reading
    rules: list[Rule]
    broken: Broken

    @property
    def citations(self) -> list[tuple[Citation, str]]:
        """The citations of instruments, parameters and the information policy (a rule's own are on the rule)."""
        return self.reading.citations

    @property
    def params(self) -> dict[str, Any]:
        """The national parameter values as written (`waarde`): their types bound what a test on them can mean."""
        return {name: param.waarde for name, (param, _) in self.reading.parameters.items()}


def read(directory: Path) -> tuple[Readable, list[Finding]]:
    """Read the ruleset once, through the loader; every loader diagnostic becomes an error finding."""
    reading = read_ruleset(directory)
    rules, parse_diagnostics, failed = reading.national_rules()
    broken = Broken()
    for raw in reading.unreadable_rules + failed:
        broken.add(raw)
    findings = [Finding(ERROR, d.where, d.message, d.kind) for d in reading.diagnostics + parse_diagnostics]
    return Readable(reading, rules, broken), findings
