"""What every view says the same way to a lawyer: the one order of instruments, the ranking of missing facts, the
names of information, tracks and authorities, the sentences on information law and the receipt.

The text report, the Markdown advice, `rules explain` and the web page (page.py) all take these from here, so
they list the instruments in one order, rank the missing facts alike and never show an id the lawyer did not
write (a rule id, `wpg_16`, a track id, an information id, a field path). Ids stay in the decision's JSON and in
the technical part of a view. Formatting only: the reasons come from the decision and its explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..case.names import SECTION_NAMES, Namer, humanise_name, value_names
from ..decision.model import Decision, InformationUse, InformationVerdict, InstrumentDecision, MissingFact
from ..explain.explanation import Explanation, explanation_of

STATUS_ORDER = ("aanbevolen", "mogelijk", "onbeslist", "uitgesloten")

# A path in the case file in words, for every path the same way (case/names.py); the case itself is not needed.
_NAMER = Namer(None)  # type: ignore[arg-type]
_TRACK_IN_TEXT = re.compile(r"spoor '([^']+)'")
_SECTIONS = set(SECTION_NAMES) | {"betrokkene"}


_LINK = re.compile(r"https?://\S+")
_PATH = re.compile(r"\b[a-z_]+\[\d+\](?:\.[a-z_][a-z_.]*[a-z_])?")
_DOTTED = re.compile(r"\b[a-z_]{2,}\.[a-z_][a-z_.]*[a-z_]\b")
_CODE = re.compile(r"\b[a-z]+_[a-z0-9_]+\b")


def _plain_part(text: str) -> str:
    text = _PATH.sub(lambda m: path_name(m.group(0)), text)
    text = _DOTTED.sub(lambda m: path_name(m.group(0)) if m.group(0).split(".")[0] in _SECTIONS else humanise_name(m.group(0).replace(".", ": ")), text)
    names = value_names()
    return _CODE.sub(lambda m: names.get(m.group(0)) or humanise_name(m.group(0)), text)


def plain(text: str) -> str:
    """Text of the decision as a lawyer reads it: a field path, an enumeration value or another code in words.

    The rules' own words are Dutch already; what the engine puts in them (a value `in_pand`, a path
    `openbare_orde.verstoring`, `activiteiten[0]`) is named here, generically, by the case model's names.
    Links are left as they are."""
    parts = _LINK.split(text)
    links = _LINK.findall(text)
    out = [_plain_part(parts[0])]
    for link, part in zip(links, parts[1:]):
        out += [link, _plain_part(part)]
    return "".join(out)


def ordered(decision: Decision) -> list[InstrumentDecision]:
    """The one order of the instruments in every view (docs/besluit.md, "De volgorde").

    First the recommendations, in the order of `aanbevolen` (per track, in the order of the catalogue: the main
    measure before the step that follows it); then possible, undecided and excluded, each from the least to the
    most intrusive.
    """
    chosen = {inst_id: n for n, inst_id in enumerate(decision.aanbevolen)}
    return sorted(
        decision.instrumenten,
        key=lambda i: (STATUS_ORDER.index(i.status), chosen.get(i.id, 0), i.ingrijpendheid, i.id),
    )


def path_name(path: str) -> str:
    """A place in the case file in words: `activiteiten[1]` -> "activiteit 2", `informatie[0].grondslag` likewise."""
    return _NAMER.path(path)


def fact_name(explanation: Explanation, path: str) -> str:
    """A fact of the case by the graph's words for it when the graph has it ("activiteit 1 (drugshandel): …"), else by its path in words."""
    node = f"feit:{path}"
    return explanation.label(node) if node in explanation.graph else path_name(path)


class Tracks:
    """Names tracks in words, with their one-line explanation the first time a view mentions each."""

    def __init__(self, explanation: Explanation) -> None:
        self.terms = explanation.terms
        self.seen: set[str] = set()

    def __call__(self, spoor: str) -> str:
        name = self.terms.track(spoor)
        note = self.terms.track_note(spoor)
        if spoor in self.seen or not note:
            return name
        self.seen.add(spoor)
        return f"{name} ({note})"

    def text(self, text: str) -> str:
        """A sentence of the decision that names a track by its id ("spoor 'pand'"), with the track in words."""
        return _TRACK_IN_TEXT.sub(lambda m: self(m.group(1)), text)


def tracks_named(explanation: Explanation, text: str) -> str:
    """A sentence that names a track by its id ("spoor 'pand'"), with the track's name ("het spoor van het pand")."""
    return _TRACK_IN_TEXT.sub(lambda m: explanation.terms.track(m.group(1)), text)


def recommendation_notes(decision: Decision, tracks: Tracks) -> list[tuple[InstrumentDecision, str]]:
    """Per recommendation, in the one order: why it is the one (subsidiarity within its track), in words."""
    notes = {n.split(": ", 1)[0]: n.split(": ", 1)[1] for n in decision.toelichting_aanbeveling if ": " in n}
    out = []
    for inst in ordered(decision):
        if inst.status != "aanbevolen":
            continue
        note = notes.get(inst.naam, f"passend en het minst ingrijpende passende instrument in spoor '{inst.spoor}'")
        out.append((inst, tracks.text(note)))
    return out


def authority_text(explanation: Explanation, inst: InstrumentDecision) -> str:
    """Who acts: the holder of the power and, when that is not the municipality, the municipality's own step."""
    terms = explanation.terms
    step = terms.steps.get(inst.id)
    if step is None:
        return terms.authority(inst.bevoegd)
    actor, what = step
    return f"{terms.authority(inst.bevoegd)}; {terms.authority(actor)} {what}"


def category_text(explanation: Explanation, inst: InstrumentDecision) -> str:
    terms = explanation.terms
    note = terms.categories.get(inst.categorie, ("", None))[1]
    name = terms.category(inst.categorie)
    return f"{name} ({note})" if note else name


# -- missing facts, ranked by what they decide ---------------------------------------------------------------

RANK_TITLES = (
    "Kan een aanbevolen instrument of zijn spoor veranderen",
    "Kan een ander instrument aanbevolen maken",
    "Beslist alleen over instrumenten die hier niet aanbevolen kunnen worden",
)


def rank_title(decision: Decision, rank: int) -> str:
    """The heading of a group of missing facts; with nothing recommended there is no "other" instrument."""
    if rank == 1 and not decision.aanbevolen:
        return "Kan een instrument aanbevolen maken"
    return RANK_TITLES[rank]


@dataclass(frozen=True)
class RankedFact:
    fact: MissingFact
    rank: int  # 0, 1 or 2: the index in RANK_TITLES
    name: str  # the fact in words
    via: list[str]  # names of the instruments through which it can change the advice
    also: list[str]  # names of the instruments it decides without influence on the advice


def ranked_missing(decision: Decision) -> list[RankedFact]:
    """The missing facts by what they decide: first what can change a recommended instrument or its track, then
    what can make another instrument recommended, then the rest; within a group in the decision's order.

    A view concern: the decision's `ontbrekende_feiten` keeps its own order.
    """
    names = decision.instruments
    recommended = set(decision.aanbevolen)
    tracks = {names[i].spoor for i in recommended if i in names}
    out = []
    for fact in decision.ontbrekende_feiten:
        via = [i for i in fact.verandert_via if i in names] if fact.kan_aanbeveling_veranderen else []
        if any(i in recommended or names[i].spoor in tracks for i in via):
            rank = 0
        elif via:
            rank = 1
        else:
            rank = 2
        also = [names[i].naam for i in fact.instrumenten if i in names and i not in via]
        out.append(RankedFact(fact, rank, missing_name(decision, fact), [names[i].naam for i in via], also))
    return sorted(out, key=lambda r: r.rank)


def missing_name(decision: Decision, fact: MissingFact) -> str:
    """A missing fact in words: its Dutch description, a profile parameter by what it says."""
    if fact.feit.startswith("parameter:"):
        note = explanation_of(decision).terms.parameters.get(fact.feit.split(":", 1)[1])
        if note:
            return f"gemeenteprofiel: {note[:1].lower()}{note[1:].rstrip('.')}"
    return plain(fact.omschrijving or path_name(fact.feit))


def decides_text(ranked: RankedFact) -> str:
    """Through which instruments a missing fact can change the advice, and which it only decides."""
    if ranked.via and ranked.also:
        return f"kan het advies veranderen via: {', '.join(ranked.via)}; beslist ook, zonder invloed op het advies, over: {', '.join(ranked.also)}"
    if ranked.via:
        return f"kan het advies veranderen via: {', '.join(ranked.via)}"
    return f"beslist over: {', '.join(ranked.also)}"


def nothing_in_rank(decision: Decision, rank: int) -> str | None:
    """What to say when a group is empty but the lawyer would look for it (the recommended track)."""
    if rank == 0 and decision.aanbevolen:
        return "Geen: wat nog onbekend is, verandert de aanbevolen instrumenten en hun spoor niet."
    return None


# -- information law -------------------------------------------------------------------------------------------


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def information_sentences(decision: Decision, verdict: InformationVerdict) -> list[str]:
    """One sentence per competent authority: who may use this information, for what and on which basis; who may
    not, and why (from `gebruik`, the gate's verdict per authority and purpose)."""
    explanation = explanation_of(decision)
    terms = explanation.terms
    by_authority: dict[str, list[InformationUse]] = {}
    for use in verdict.gebruik:
        by_authority.setdefault(use.bevoegd, []).append(use)
    if not by_authority:
        return [_sentence(verdict.toelichting)] if verdict.toelichting else []
    out = []
    active = set(decision.aanbevolen)
    for authority, uses in by_authority.items():
        who = terms.authority(authority)
        yes = [u for u in uses if u.bruikbaar is True]
        undecided = [u for u in uses if u.bruikbaar is None]
        no = [u for u in uses if u.bruikbaar is False]
        parts = []
        if yes:
            reasons = _unique(u.reden for u in yes)
            carried = {i for u in yes for i in u.instrumenten if i in active}
            here = [i.naam for i in ordered(decision) if i.id in carried]
            text = f"{who} mag haar gebruiken voor {_and(terms.purpose(u.doel) for u in yes)} ({'; '.join(reasons)})"
            if here:
                text += f"; in dit advies draagt zij: {', '.join(_unique(here))}"
            parts.append(text)
        if undecided:
            reasons = _unique(u.reden for u in undecided)
            parts.append(f"of {who} haar mag gebruiken voor {_and(terms.purpose(u.doel) for u in undecided)}, staat nog niet vast: {'; '.join(reasons)}")
        if no:
            reasons = _unique(u.reden for u in no)
            if yes or undecided:
                parts.append(f"niet voor {_and(terms.purpose(u.doel) for u in no)}: {'; '.join(reasons)}")
            else:
                parts.append(f"{who} mag haar niet gebruiken: {'; '.join(reasons)}")
        out.append(_sentence("; ".join(parts)))
    return out


def _unique(items: object) -> list[str]:
    seen: list[str] = []
    for item in items:  # type: ignore[attr-defined]
        if item not in seen:
            seen.append(item)
    return seen


def _and(items: object) -> str:
    words = _unique(items)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " en voor " + words[-1]


def held_back_text(decision: Decision, inst: InstrumentDecision) -> str | None:
    """For an instrument whose facts the AVG kept out: who may not use which information for it, and what does not count."""
    if not inst.geblokkeerde_feiten:
        return None
    explanation = explanation_of(decision)
    facts = ", ".join(fact_name(explanation, p) for p in inst.geblokkeerde_feiten)
    refused = [
        (explanation.information_name(v.id), u)
        for v in decision.informatie
        for u in v.gebruik
        if inst.id in u.instrumenten and u.bruikbaar is False
    ]
    if not refused:
        return f"niet gebruikt (AVG): {facts} — rust alleen op informatie die geen besluit kan dragen"
    who = explanation.terms.authority(refused[0][1].bevoegd)
    items = "; ".join(f"{name} ({use.reden})" for name, use in refused)
    return f"niet gebruikt (AVG): {who} mag voor dit instrument niet gebruiken: {items}; daarom telt {facts} hier niet mee"


# -- the receipt -------------------------------------------------------------------------------------------------


def receipt_text(decision: Decision) -> str:
    """The receipt in Dutch, for a footer: "regelset nl 2026.11.0, vingerafdruk 39c9d37022a7…"."""
    r = decision.ontvangstbewijs
    text = f"regelset {r.ruleset} {r.ruleset_versie}, vingerafdruk {r.ruleset_hash[:12]}…"
    if r.profiel:
        text += f"; gemeenteprofiel {r.profiel} {r.profiel_versie or ''}".rstrip()
        if r.profiel_hash:
            text += f", vingerafdruk {r.profiel_hash[:12]}…"
    return text + f"; weerbaar-rules {r.engine_versie}"
