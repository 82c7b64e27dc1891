"""The ruleset part of the decision graph, made from a ruleset (decision/part.py says what it is for).

It holds what explain/graph.py gives every case's graph for the same rule,
instrument, legal source and derived fact, worked out from the same faces
(decision/faces.py), so the part and a built graph cannot drift apart: a
difference would only make a decision's own part larger, never wrong
(compact_graph lists whatever differs).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..case.names import humanise_name
from ..core.errors import WeerbaarError
from ..core.version import __version__
from .faces import faces_of, profile_face
from .part import DAY, RulesetPart, part_key

if TYPE_CHECKING:
    from ..language.ruleset import Citation, Ruleset

_PROBE = dt.date(2000, 1, 1)


def _link(citation: Citation) -> str:
    """A legal source's link with `{peildatum}` where the decision's day goes (a text in force on a date)."""
    plain = citation.link_on(None)
    dated = citation.link_on(_PROBE)
    return plain if dated == plain else dated.replace(_PROBE.isoformat(), DAY)


# Parts made in this process, by key: a decision read back here finds the part its engine made.
_MADE: dict[str, RulesetPart] = {}


def part_of(ruleset: Ruleset) -> RulesetPart:
    """The ruleset's part, made once and kept with the ruleset (which never changes)."""
    return ruleset.kept("_graph_part", _made)


def _made(ruleset: Ruleset) -> RulesetPart:
    part = _make(ruleset)
    if len(_MADE) < 64:
        _MADE[part.key] = part  # a decision read back in this process finds it
    return part


def find_part(key: str) -> RulesetPart | None:
    """The ruleset part with this key, when this process made it or the shipped rules (with a shipped profile) give it.

    A decision read back names its part by key; the shipped national rules and
    the profiles of their catalogue are tried, so a decision of the shipped
    rules needs no file beside it. Anything else must be given (`use_part`).
    """
    found = _MADE.get(key)
    if found is not None:
        return found
    shipped = _shipped().get(key)
    if shipped is None:
        return None
    from ..language.ruleset import load_ruleset

    rules, profile = shipped
    try:
        return part_of(load_ruleset(rules, profile))
    except (OSError, WeerbaarError):
        return None


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[Path, Path | None]]:
    """Key -> (rules, profile) for the shipped rules and every profile of their catalogue; worked out once per process."""
    from ..language.resources import catalogue, national_rules
    from ..language.ruleset import load_ruleset, profile_hash

    try:
        rules = national_rules()
        national = load_ruleset(rules)
        keys: dict[str, tuple[Path, Path | None]] = {part_of(national).key: (rules, None)}  # made now, so kept in _MADE
        for profile in catalogue(rules).values():
            keys[part_key(national.hash, profile_hash(profile))] = (rules, profile)
    except (OSError, WeerbaarError):
        return {}
    return keys


def _make(ruleset: Ruleset) -> RulesetPart:
    faces = faces_of(ruleset)
    nodes: dict[str, dict[str, Any]] = {}
    cites: dict[str, tuple[str, ...]] = {}

    def source(node: str, citation: Citation) -> None:
        nodes.setdefault(node, {"soort": "bron", "label": node.removeprefix("bron:"), "url": _link(citation)})

    for face in faces.rules:
        node = f"regel:{face.id}"
        nodes[node] = {
            "soort": "regel",
            "regel": face.id,
            "label": face.title,
            "context": None,
            "domein": face.domain,
            "grondslag": list(face.labels),
            "definitie": face.definition,
            "onvervuld": [],
        }
        targets: list[str] = []
        for target, citation in face.citations:
            source(target, citation)
            if target not in targets:
                targets.append(target)
        if targets:
            cites[node] = tuple(targets)
    for inst in ruleset.instruments:
        nodes[f"instrument:{inst.id}"] = {
            "soort": "instrument",
            "label": inst.naam,
            "spoor": inst.spoor,
            "categorie": inst.categorie,
            "ingrijpendheid": inst.ingrijpendheid,
            "kan_passend": bool(ruleset.concluding.get(("suitable", inst.id))),
        }
        for citation in inst.grondslag:
            source(f"bron:{citation.label}", citation)
    for name in sorted(ruleset.deriving):
        nodes[f"afgeleid:{name}"] = {"soort": "afgeleid", "naam": name, "label": humanise_name(name)}
    profile = ruleset.profile
    if profile is not None:
        nodes[f"profiel:{profile.naam}"] = profile_face(profile)
        for change in profile.changes:
            if change.soort == "regel_uit":
                nodes.setdefault(f"regel:{change.onderwerp}", {"soort": "regel", "label": change.onderwerp, "modus": "uitgeschakeld", "reden": change.nieuw})
    header = {
        "ruleset": ruleset.name,
        "ruleset_versie": ruleset.version,
        "ruleset_hash": ruleset.hash,
        "profiel": profile.naam if profile else None,
        "profiel_versie": profile.versie if profile else None,
        "profiel_hash": profile.hash if profile else None,
        "engine_versie": __version__,
    }
    return RulesetPart(
        key=part_key(ruleset.hash, profile.hash if profile else None),
        header=header,
        graph={"informatie_nodig": ruleset.information.nodig},
        nodes=nodes,
        cites=cites,
    )


__all__ = ["find_part", "part_of"]
