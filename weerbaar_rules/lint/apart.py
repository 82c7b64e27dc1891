"""Conditions about one record of a list that different records can meet (`separate_items` says when that is meant)."""

from __future__ import annotations

from ..language.ruleset import Rule
from .findings import WARNING, Finding
from .satisfiable import Lit, rule_branches


def _item_lists(branch: list[Lit], carried: dict[str, set[str]]) -> dict[str, list[str]]:
    """Per list: the separate places in one conjunction that each pick an item of it (a `some`, or a derived fact)."""
    found: dict[str, list[str]] = {}
    for kind, payload, positive in branch:
        if not positive:
            continue  # "no item such that" ranges over all items: nothing to pair
        if kind == "some":
            found.setdefault(payload.list, []).append(f"'{payload.list}'-voorwaarde")
        elif kind == "derived":
            for list_name in sorted(carried.get(payload, ())):
                found.setdefault(list_name, []).append(f"afgeleid feit '{payload}'")
    return found


def split_item_findings(rules: list[Rule]) -> list[Finding]:
    """Rules whose conditions on one list are tested in separate places, so different items can meet them.

    `some activiteiten where A` and `some activiteiten where B` hold when one
    activity meets A and another meets B: 1 gram in the home and 100 gram found
    elsewhere together became a trade quantity in the home. A condition about one
    record belongs in one `some`. The same goes for derived facts: a fact derived
    from activities carries them, and two such facts, or one and a `some`, may
    rest on different activities. A rule that means it names the list in
    `separate_items` with the reason.
    """
    carried: dict[str, set[str]] = {}
    derivations = [(rule, rule_branches(rule)) for rule in rules]
    changed = True
    while changed:
        changed = False
        for rule, branches in derivations:
            if not rule.derives or branches is None:
                continue
            lists = {name for branch in branches for name in _item_lists(branch, carried)}
            for derived in rule.derives:
                if not lists <= carried.get(derived, set()):
                    carried.setdefault(derived, set()).update(lists)
                    changed = True
    findings = []
    for rule, branches in derivations:
        reported: set[str] = set()
        for branch in branches or []:
            for list_name, places in sorted(_item_lists(branch, carried).items()):
                if len(places) < 2 or list_name in rule.separate_items or list_name in reported:
                    continue
                reported.add(list_name)
                findings.append(
                    Finding(
                        WARNING,
                        rule.source,
                        f"regel {rule.id}: voorwaarden over {list_name} staan op verschillende plaatsen ({', '.join(sorted(set(places)))}) "
                        "en kunnen door verschillende items worden vervuld; hoort het bij één item, zet het dan in één "
                        f"some; is het bewust, noem {list_name} met de reden in separate_items",
                        "apart",
                    )
                )
    return findings
