"""The advice as the web page shows it (`POST /api/rapport?formaat=advies`): the reader's words for a decision, as JSON.

The page gets the decision's JSON for what it does with it (answering a missing fact at its path, seeing what
changed) and this for what it shows a lawyer: the same order of instruments, the same ranking of missing facts,
the same names of information, tracks, rules and authorities as the text and the Markdown (reader.py). Ids are
there only as keys, for the page to match a card to its instrument, and in `technisch`.
"""

from __future__ import annotations

import json
from typing import Any

from ..decision.model import Decision
from ..explain.explanation import explanation_of
from .reader import (
    RANK_TITLES,
    rank_title,
    Tracks,
    authority_text,
    category_text,
    decides_text,
    held_back_text,
    information_sentences,
    nothing_in_rank,
    ordered,
    path_name,
    plain,
    ranked_missing,
    receipt_text,
    recommendation_notes,
)
from .report import escalation_line, open_checks, profile_changes
from .why import exclusion_lines, missing_for

QUESTIONS_OPEN = (0, 1)  # the ranks shown at once; the rest is folded


def to_page(decision: Decision) -> dict[str, Any]:
    explanation = explanation_of(decision)
    tracks = Tracks(explanation)
    r = decision.ontvangstbewijs
    profile = f"gemeenteprofiel {r.profiel} {r.profiel_versie or ''}".rstrip() if r.profiel else "landelijk modelbeleid (geen gemeenteprofiel)"
    recommended = [{"id": inst.id, "naam": inst.naam, "toelichting": note} for inst, note in recommendation_notes(decision, tracks)]
    cards: dict[str, dict[str, Any]] = {}
    for inst in ordered(decision):
        rules = [explanation.rule(f"regel:{rule}") if f"regel:{rule}" in explanation.graph else None for rule in inst.regels]
        card: dict[str, Any] = {
            "bevoegd": authority_text(explanation, inst),
            "spoor": tracks(inst.spoor),
            "soort": category_text(explanation, inst),
            "regels": [{"id": rule, "titel": ref.title if ref else "regel zonder titel in de graaf"} for rule, ref in zip(inst.regels, rules)],
            "ontbreekt": missing_for(decision, inst.id),
            "te_controleren": open_checks(decision, inst),
            "niet_gebruikt": held_back_text(decision, inst),
            "escalatie": (escalation_line(inst) or "").removeprefix("escalatie: ") or None,
            "onvervulde_voorwaarden": [_unmet(explanation, text) for text in inst.onvervulde_voorwaarden],
        }
        if inst.status == "uitgesloten":
            lines = exclusion_lines(explanation, inst, decision)
            if "  Per regel:" in lines:
                lines = lines[: lines.index("  Per regel:")]
            card["uitsluiting"] = [line.strip().removeprefix("- ") for line in lines]
        cards[inst.id] = card
    questions = []
    ranked = ranked_missing(decision)
    for rank in range(len(RANK_TITLES)):
        title = rank_title(decision, rank)
        group = [f for f in ranked if f.rank == rank]
        empty = nothing_in_rank(decision, rank) if ranked else None
        if not group and not empty:
            continue
        questions.append(
            {
                "titel": title,
                "ingeklapt": rank not in QUESTIONS_OPEN,
                "leeg": empty if not group else None,
                "feiten": [{"feit": f.fact.feit, "omschrijving": f.name, "toelichting": decides_text(f)} for f in group],
            }
        )
    return _plain({
        "kop": f"Zaak {decision.zaak_id}, peildatum {decision.peildatum.isoformat()}; {profile}.",
        "aanbevolen": recommended,
        "volgorde": [inst.id for inst in ordered(decision)],
        "instrumenten": cards,
        "vragen": questions,
        "informatie": [
            {
                "naam": explanation.information_name(v.id),
                "bruikbaar": v.bruikbaar,
                "zinnen": information_sentences(decision, v),
            }
            for v in decision.informatie
        ],
        "buiten_beschouwing": [{"feit": path_name(a.feit), "reden": a.reden} for a in decision.buiten_beschouwing],
        "profiel": profile_changes(decision),
        "ontvangstbewijs": receipt_text(decision),
    }, keep=decision.zaak_id)


def _plain(value: Any, keep: str = "", key: str = "") -> Any:
    """Every text of the view through reader.plain; ids (keys, `id`, `feit`, `volgorde`) and the zaak_id as they are."""
    if isinstance(value, str):
        if key in ("id", "feit", "volgorde"):
            return value
        if keep and keep in value:
            return keep.join(plain(part) for part in value.split(keep))
        return plain(value)
    if isinstance(value, list):
        return [_plain(v, keep, key) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v, keep, k if key != "instrumenten" else "") for k, v in value.items()}
    return value


def _unmet(explanation: Any, text: str) -> str:
    """An unmet condition as the decision words it ("rule.id: condition"), with the rule by its title."""
    rule, sep, condition = text.partition(": ")
    title = explanation.terms.rules.get(rule)
    if sep and title:
        return f"{title}: {condition}"
    return text if not sep else f"een regel: {condition}"


def to_page_json(decision: Decision) -> str:
    return json.dumps(to_page(decision), ensure_ascii=False)
