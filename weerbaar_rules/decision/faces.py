"""What a rule's or an instrument's node in the decision graph shows that is the same for every case.

Worked out once per ruleset and kept with it. The graph builder (explain/graph.py)
draws every case's nodes from these faces, and the ruleset part a decision
refers to (decision/ruleset_part.py) is made from the same faces, so the two
cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from ..language.ruleset import Citation, ProfileInfo, Rule, Ruleset


def rule_domain(rule: Rule, domains: dict[str, str]) -> str:
    """The legal domain a rule belongs to: its profile, or the first part of its id as the ruleset's `domeinen` name it.

    An unnamed prefix shows as it is.
    """
    if rule.origin.startswith("profiel:"):
        return f"Gemeentelijk beleid ({rule.origin.split(':', 1)[1]})"
    prefix = rule.id.split(".", 1)[0]
    return domains.get(prefix, prefix)


class RuleFace(NamedTuple):
    """What a rule's node shows that is the same for every case: worked out once per ruleset, not per node."""

    id: str
    title: str
    domain: str
    citations: tuple[tuple[str, Citation], ...]  # (node of the legal source, the citation)
    labels: tuple[str, ...]
    definition: str


class InstrumentFace(NamedTuple):
    """An instrument as it stood on one peildatum: authority and legal basis (with their source nodes)."""

    authority: str
    citations: tuple[tuple[str, Citation], ...]
    labels: tuple[str, ...]


class Faces:
    """The per-ruleset part of the graph: rules' faces, and instruments' per peildatum (bounded: peildata vary per case)."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.rules = tuple(
            RuleFace(
                rule.id,
                rule.title,
                rule_domain(rule, ruleset.domains),
                tuple((f"bron:{c.label}", c) for c in rule.grondslag),
                tuple(c.label for c in rule.grondslag),
                f"{rule.source.replace(chr(92), '/').rsplit('/', 1)[-1]}",
            )
            for rule in ruleset.rules
        )
        self._instruments: dict[dt.date, tuple[InstrumentFace, ...]] = {}

    def instruments(self, day: dt.date) -> tuple[InstrumentFace, ...]:
        found = self._instruments.get(day)
        if found is None:
            if len(self._instruments) > 1024:
                self._instruments.clear()
            faces = []
            for inst in self.ruleset.instruments:
                citations = inst.citations_on(day)
                faces.append(
                    InstrumentFace(inst.authority_on(day), tuple((f"bron:{c.label}", c) for c in citations), tuple(c.label for c in citations))
                )
            found = self._instruments[day] = tuple(faces)
        return found


def faces_of(ruleset: Ruleset) -> Faces:
    """The ruleset's faces, made by the first graph and kept with the ruleset (which never changes)."""
    return ruleset.kept("_graph_faces", Faces)


def profile_face(info: ProfileInfo) -> dict[str, Any]:
    """The node of a municipal profile: every change it makes to national law, never silent."""
    return {
        "soort": "profiel",
        "label": f"Gemeenteprofiel {info.gemeente} ({info.naam} {info.versie})",
        "wijzigingen": [f"{c.soort} {c.onderwerp}: {c.nieuw}" + (f" (was {c.oud})" if c.oud is not None else "") for c in info.changes],
        "hash": info.hash,
    }


__all__ = ["Faces", "InstrumentFace", "RuleFace", "faces_of", "profile_face", "rule_domain"]
