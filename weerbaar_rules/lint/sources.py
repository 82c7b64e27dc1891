"""Sources: every citation points at the law it names, and a power rests on a statute."""

from __future__ import annotations

import re

from ..language.ruleset import law_ids
from .findings import ERROR, WARNING, Finding
from .readable import Readable

ECLI_IN_TEXT = re.compile(r"ECLI:[A-Z]{2}:[A-Z0-9]+:\d{4}:[A-Za-z0-9.]+[A-Za-z0-9]")


def citation_findings(got: Readable) -> list[Finding]:
    """A law cited under two BWB ids or under one that is not its own, a URL that names another id, unsure sources, rules whose case law is all unverified, powers without a statute."""
    citations = got.citations + [(c, f"{r.source}: regel {r.id}") for r in got.rules for c in r.grondslag]
    findings = []
    by_law: dict[str, dict[str, list[str]]] = {}
    known = law_ids(got.reading.vocabulary.laws)  # `wetten` in the ruleset: each law's BWB id, under all its names
    for citation, where in citations:
        if citation.wet and citation.bwb_id:
            by_law.setdefault(citation.wet.strip().casefold(), {}).setdefault(citation.bwb_id, []).append(where)
    for law, ids in sorted(by_law.items()):
        expected = known.get(law)
        if expected is None and len(ids) > 1:
            expected = max(ids, key=lambda i: (len(ids[i]), i))  # the id most places use
        for bwb_id, places in sorted(ids.items()):
            if expected is not None and bwb_id != expected:
                for where in places:
                    place, label = where.split(": ", 1)
                    findings.append(
                        Finding(ERROR, place, f"{label}: {law!r} heeft bwb_id {expected}, niet {bwb_id}: de link wijst naar een andere wet", "bron")
                    )
    for citation, where in citations:
        place, label = where.split(": ", 1)
        if citation.url and citation.bwb_id and citation.bwb_id not in citation.url:
            findings.append(Finding(WARNING, place, f"{label}: url {citation.url} noemt bwb_id {citation.bwb_id} niet", "bron"))
    for rule in got.rules:
        unsure = [c.label for c in rule.grondslag if c.onzeker]
        if unsure:
            findings.append(Finding(WARNING, rule.source, f"regel {rule.id}: onzekere bron ({', '.join(unsure)}): {rule.onzeker}", "bron"))
        rulings = [c for c in rule.grondslag if c.ecli]
        if rulings and not any(c.geverifieerd for c in rulings):
            findings.append(
                Finding(
                    WARNING,
                    rule.source,
                    f"regel {rule.id}: alle aangehaalde rechtspraak is niet geverifieerd ({', '.join(c.ecli or '' for c in rulings)}); "
                    "lees na wat zij inhoudt of laat de verwijzing weg",
                    "bron",
                )
            )
        if any(c.kind == "available" for c in rule.then) and not any(c.wet for c in rule.grondslag):
            findings.append(
                Finding(
                    WARNING,
                    rule.source,
                    f"regel {rule.id}: maakt een instrument beschikbaar zonder wetsartikel (alleen jurisprudentie); een bevoegdheid vraagt een wettelijke grondslag",
                    "bron",
                )
            )
    return findings


def text_citation_findings(got: Readable) -> list[Finding]:
    """A ruling named in a rule's words (title, toelichting, reason, requirement, weighing point) that is not among its sources.

    Only a source carries what the ruling holds and whether that was checked
    (`inhoud`, `geverifieerd`, `soort`); a ruling named only in the text
    escapes that, so the text could claim what the ruling does not hold.
    """
    findings = []
    for rule in got.rules:
        cited = {c.ecli for c in rule.grondslag if c.ecli}
        texts = [rule.title, rule.toelichting or ""]
        for conclusion in rule.then:
            texts += [conclusion.reason or "", conclusion.require or "", conclusion.weigh or ""]
        named = sorted({m.group(0) for text in texts for m in ECLI_IN_TEXT.finditer(text)} - cited)
        if named:
            findings.append(
                Finding(
                    WARNING,
                    rule.source,
                    f"regel {rule.id}: de tekst noemt {', '.join(named)}, maar de grondslag niet; "
                    "zet de uitspraak met wat zij inhoudt bij de bronnen",
                    "bron",
                )
            )
    return findings
