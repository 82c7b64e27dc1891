"""The information gate: may this information carry a decision by this authority, for this purpose, on this date?

A fact may carry a decision only if the information it rests on passes every
test of information law (instrumenten.md §H). The tests are data in the
ruleset's `information:` policy, not Python: which source fits which legal
basis, to whom a basis provides, for which purpose, from when, and whether it
covers criminal data (art. 10 AVG). This module only applies them.

The answer depends on who uses the information: police data provided to the
burgemeester (art. 16 Wpg) serve his powers and not the college's; Bibob
information (art. 28 Wet Bibob) serves Bibob decisions only. So the gate is
asked per *context*: the competent authority of an instrument on the
peildatum and the purpose it serves. Instruments whose contexts see the same
usable information are decided by the same run of the engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..case.model import Case, Informatie
from ..language.ruleset import InformationPolicy, Instrument

GENERAL = "algemeen"


@dataclass(frozen=True, order=True)
class Context:
    """Who uses information, for what: the authority of an instrument on the peildatum and its purpose."""

    bevoegd: str
    doel: str

    @property
    def label(self) -> str:
        return self.bevoegd if self.doel == GENERAL else f"{self.bevoegd} ({self.doel})"


@dataclass(frozen=True)
class Verdict:
    """Whether one information item may be used in one context, and why (in Dutch)."""

    usable: bool
    reason: str


def context_of(instrument: Instrument, day: dt.date) -> Context:
    return Context(instrument.acting_on(day), instrument.informatiedoel)


def _basis_reason(item: Informatie, policy: InformationPolicy, day: dt.date) -> str | None:
    """Why the item cannot carry any decision at all (source, basis, date, art. 10 AVG); None if it can."""
    if item.bron is None:
        return "de bron is onbekend; informatie van onbekende herkomst kan geen besluit dragen"
    if item.bron in policy.onvoldoende_bronnen:
        return f"bron '{item.bron}' kan op zichzelf geen besluit dragen; zij kan alleen aanleiding zijn voor eigen onderzoek"
    if item.grondslag is None:
        return "de grondslag voor gebruik door de gemeente is onbekend; zonder grondslag kan informatie geen besluit dragen"
    if item.grondslag in policy.geen_grondslag:
        return policy.geen_grondslag[item.grondslag]
    basis = policy.grondslagen.get(item.grondslag)
    if basis is None:
        return f"grondslag '{item.grondslag}' is geen rechtmatige grondslag voor gebruik door de gemeente"
    if basis.bronnen is not None and item.bron not in basis.bronnen:
        return f"{basis.naam} is geen grondslag voor informatie van bron '{item.bron}'"
    if basis.geldig_van is not None and day < basis.geldig_van:
        return f"{basis.naam} gold op de peildatum nog niet (sinds {basis.geldig_van.isoformat()})"
    if basis.geldig_tot is not None and day > basis.geldig_tot:
        return f"{basis.naam} gold op de peildatum niet meer (tot en met {basis.geldig_tot.isoformat()})"
    if item.strafrechtelijk and not basis.dekt_strafrechtelijk and item.grondslag_art10 is not True:
        return "strafrechtelijke gegevens vragen ook een grondslag als bedoeld in art. 10 AVG (en de UAVG); die is niet vastgesteld"
    return None


def verdict(item: Informatie, context: Context, policy: InformationPolicy, day: dt.date) -> Verdict:
    """The gate for one item in one context: source and basis, date, criminal data, recipient, purpose."""
    if item.datum is not None and item.datum > day:
        return Verdict(False, "de informatie is van na de peildatum")
    reason = _basis_reason(item, policy, day)
    if reason is not None:
        return Verdict(False, reason)
    assert item.grondslag is not None
    basis = policy.grondslagen[item.grondslag]
    if basis.doel is not None and basis.doel != context.doel:
        return Verdict(False, f"{basis.naam} dient alleen een {basis.doel}-besluit (doelbinding)")
    if basis.ontvangers is not None and context.bevoegd not in basis.ontvangers:
        return Verdict(False, f"{basis.naam} verstrekt aan {', '.join(basis.ontvangers)}; gebruik door {context.bevoegd} vraagt een eigen grondslag")
    if item.ontvanger is not None and item.ontvanger not in ("gemeente", context.bevoegd):
        return Verdict(False, f"de informatie is verstrekt aan de {item.ontvanger}; gebruik door {context.bevoegd} vraagt een eigen grondslag")
    return Verdict(True, f"bruikbaar op grond van {basis.naam}")


def usable_items(case: Case, context: Context, policy: InformationPolicy, day: dt.date) -> dict[str, bool]:
    """Information id -> may it carry a decision in this context (the input of one engine run)."""
    return {item.id: verdict(item, context, policy, day).usable for item in case.informatie}


__all__ = ["GENERAL", "Context", "Verdict", "context_of", "usable_items", "verdict"]
