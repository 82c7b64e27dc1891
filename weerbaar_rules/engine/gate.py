"""The information gate: may this information carry a decision by this authority, for this purpose?

A fact may carry a decision only if the information it rests on passes every
test of information law (instrumenten.md §H). The tests are data in the
ruleset's `information:` policy, not Python: which source fits which legal
basis, to whom a basis provides, for which purpose, from when, under which
conditions (a stated recipient, a purpose the law names, the provider's
decision), and whether it covers criminal data (art. 10 AVG). This module
only applies them.

The gate answers in three values, like every condition of a power
(instrumenten.md §G):

* **usable** — every test is met on what the file states;
* **not usable** — the file establishes a defect: no basis, a basis that does
  not fit the source, the recipient or the purpose, an anonymous tip, a basis
  not in force on the day the information was provided;
* **undecided** — a condition of lawful use is not stated (the source, the
  basis, the date of provision where the basis's validity depends on it, a
  condition of the basis). The facts resting on it stay possible, so the
  instrument is undecided and the missing field is asked; it is never read
  as a defect, nor as met.

Defects that only an established fact makes (information provided to
another body than the one using it) are exceptions: while unknown they do
not bar use, and they are named as a point to check.

The answer depends on who uses the information: police data provided to the
burgemeester (art. 16 Wpg) serve his powers and not the college's; Bibob
information (art. 28 Wet Bibob) serves Bibob decisions only. So the gate is
asked per *context*: the competent authority of an instrument on the
peildatum and the purpose it serves. Instruments whose contexts see the same
verdicts are decided by the same run of the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..case.model import Case, Informatie
from ..language.ruleset import BasisPolicy, InformationPolicy, Instrument

GENERAL = "algemeen"
ANY_BODY = "gemeente"  # a recipient that names the municipality as a whole contradicts no authority of it

Tri = bool | None


@dataclass(frozen=True, order=True)
class Context:
    """Who uses information, for what: the authority of an instrument on the peildatum and its purpose."""

    bevoegd: str
    doel: str

    @property
    def label(self) -> str:
        return self.bevoegd if self.doel == GENERAL else f"{self.bevoegd} ({self.doel})"


@dataclass(frozen=True)
class Check:
    """A defect that would bar the information if established, left open because a field is unknown."""

    title: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Verdict:
    """Whether one information item may be used in one context (True, False, or None: undecided), and why (Dutch).

    `missing` names the item's fields whose being unknown leaves it undecided;
    `checks` the exceptions left open while it is usable.
    """

    usable: Tri
    reason: str
    missing: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    @property
    def key(self) -> tuple[Tri, tuple[str, ...], tuple[Check, ...]]:
        """What an engine run depends on (the reason's words may differ per context without changing the run)."""
        return self.usable, self.missing, self.checks


def context_of(instrument: Instrument, day: dt.date) -> Context:
    return Context(instrument.acting_on(day), instrument.informatiedoel)


def _on(day: dt.date) -> str:
    return day.isoformat()


def _period(basis: BasisPolicy) -> str:
    """When the basis was in force, in the words of the policy (or its dates)."""
    if basis.inwerkingtreding:
        return basis.inwerkingtreding
    van = f"sinds {_on(basis.geldig_van)}" if basis.geldig_van else ""
    tot = f"tot en met {_on(basis.geldig_tot)}" if basis.geldig_tot else ""
    return " ".join(p for p in (van, tot) if p) or "altijd"


def _provision_day(basis: BasisPolicy, item: Informatie, floor: dt.date | None, day: dt.date) -> tuple[Tri, str]:
    """Was the basis in force on the day the information was provided? Judged on `datum`, or on what bounds it.

    Information that the file uses on the peildatum was provided on or before
    it; information about a fact is provided no earlier than the fact
    (`floor`). Only where the basis's validity falls inside those bounds does
    the unknown date decide.
    """
    if item.datum is not None:
        if basis.in_force(item.datum):
            return True, ""
        if basis.geldig_van is not None and item.datum < basis.geldig_van:
            return False, f"{basis.naam} gold op de dag van verstrekking ({_on(item.datum)}) nog niet: {_period(basis)}"
        return False, f"{basis.naam} gold op de dag van verstrekking ({_on(item.datum)}) niet meer: {_period(basis)}"
    earliest, latest = floor, day
    if basis.geldig_van is not None and latest < basis.geldig_van:
        return False, f"{basis.naam} gold op de peildatum ({_on(day)}) nog niet, dus ook niet toen de informatie werd verstrekt: {_period(basis)}"
    if basis.geldig_tot is not None and earliest is not None and earliest > basis.geldig_tot:
        return False, f"{basis.naam} gold niet meer toen de informatie werd verstrekt (na {_on(earliest)}): {_period(basis)}"
    if (basis.geldig_van is None or (earliest is not None and earliest >= basis.geldig_van)) and (
        basis.geldig_tot is None or latest <= basis.geldig_tot
    ):
        return True, ""
    return None, f"de datum van verstrekking is onbekend, en {basis.naam} gold niet altijd: {_period(basis)}"


def _basis_tests(item: Informatie, basis: BasisPolicy, context: Context, policy: InformationPolicy, floor: dt.date | None, day: dt.date) -> tuple[list[str], list[str], list[str], list[Check]]:
    """The tests of one known basis: (defects, missing fields, reasons they are missing, open checks)."""
    defects: list[str] = []
    missing: list[str] = []
    why: list[str] = []
    checks: list[Check] = []
    if basis.bronnen is not None and item.bron is not None and item.bron not in basis.bronnen:
        defects.append(f"{basis.naam} is geen grondslag voor informatie van bron '{item.bron}'")
    in_force, reason = _provision_day(basis, item, floor, day)
    if in_force is False:
        defects.append(reason)
    elif in_force is None:
        missing.append("datum")
        why.append(reason)
    if basis.doel is not None and basis.doel != context.doel:
        if basis.doel == GENERAL:
            defects.append(f"{basis.naam} dient niet voor een {context.doel.capitalize()}-besluit (doelbinding)")
        else:
            defects.append(f"{basis.naam} dient alleen een {basis.doel.capitalize()}-besluit (doelbinding)")
    if basis.ontvangers is not None and context.bevoegd not in basis.ontvangers:
        defects.append(f"{basis.naam} verstrekt aan {', '.join(basis.ontvangers)}; gebruik door {context.bevoegd} vraagt een eigen grondslag")
    conditions = basis.voorwaarden
    if item.ontvanger is None:
        if conditions.ontvanger is not None:
            missing.append("ontvanger")
            why.append(f"aan wie is verstrekt staat niet vast ({conditions.ontvanger.toelichting})")
        else:
            # Worded without the authority, so instruments of several authorities can share one engine run.
            checks.append(Check("verstrekt aan het bevoegd gezag dat haar gebruikt (of aan de gemeente), niet aan een ander bestuursorgaan", ("ontvanger",)))
    if conditions.doel is not None:
        allowed = [d for d in conditions.doel.waarden or () if d in policy.doelbinding.get(context.doel, ())]
        if item.doel is None:
            if allowed:
                missing.append("doel")
                why.append(f"het doel van de verstrekking staat niet vast ({conditions.doel.toelichting})")
            else:
                defects.append(f"{basis.naam} verstrekt niet voor een {context.doel.capitalize()}-besluit ({conditions.doel.toelichting})")
        elif item.doel not in allowed:
            defects.append(f"verstrekt voor een doel dat {basis.naam} niet toelaat voor dit besluit ({conditions.doel.toelichting})")
    if conditions.besluit_verstrekker is not None:
        if item.besluit_verstrekker is None:
            missing.append("besluit_verstrekker")
            why.append(f"een besluit van de verstrekker is niet vastgelegd ({conditions.besluit_verstrekker.toelichting})")
        elif item.besluit_verstrekker is False:
            defects.append(f"de verstrekker heeft niet tot verstrekking besloten ({conditions.besluit_verstrekker.toelichting})")
    if not basis.dekt_strafrechtelijk and item.grondslag_art10 is not True and item.strafrechtelijk is not False:
        if item.strafrechtelijk is True and item.grondslag_art10 is False:
            defects.append("strafrechtelijke gegevens vragen ook een grondslag als bedoeld in art. 10 AVG (en de UAVG); die ontbreekt")
        else:
            missing.extend(name for name, value in (("strafrechtelijk", item.strafrechtelijk), ("grondslag_art10", item.grondslag_art10)) if value is None)
            why.append(f"{basis.naam} dekt strafrechtelijke gegevens niet; of dit zulke gegevens zijn, en of er een grondslag als bedoeld in art. 10 AVG is, staat niet vast")
    return defects, missing, why, checks


def verdict(item: Informatie, context: Context, policy: InformationPolicy, day: dt.date, floor: dt.date | None = None) -> Verdict:
    """The gate for one item in one context: source and basis, date of provision, conditions, criminal data, recipient, purpose.

    `floor` is the earliest day the information can have been provided (see `provision_floors`).
    """
    if item.datum is not None and item.datum > day:
        return Verdict(False, "de informatie is van na de peildatum")
    defects: list[str] = []
    missing: list[str] = []
    why: list[str] = []
    checks: list[Check] = []
    if item.bron is None:
        missing.append("bron")
        why.append("de bron is niet vastgelegd")
    elif item.bron in policy.onvoldoende_bronnen:
        defects.append(f"bron '{item.bron}' kan op zichzelf geen besluit dragen; zij kan alleen aanleiding zijn voor eigen onderzoek")
    if item.ontvanger is not None and item.ontvanger not in (ANY_BODY, context.bevoegd):
        defects.append(f"ontvanger van de informatie is {item.ontvanger}; gebruik door {context.bevoegd} vraagt een eigen grondslag")
    basis = policy.grondslagen.get(item.grondslag) if item.grondslag is not None else None
    if item.grondslag is None:
        if not defects:
            # Unknown, unless no basis at all could let this information carry a decision in this context.
            options = [verdict(item.model_copy(update={"grondslag": name}), context, policy, day, floor) for name in policy.grondslagen]
            if all(option.usable is False for option in options):
                defects.append(f"geen grondslag laat deze informatie een besluit van {context.label} dragen ({options[0].reason})")
            else:
                missing.append("grondslag")
                why.append("de grondslag voor gebruik door de gemeente is niet vastgelegd")
    elif item.grondslag in policy.geen_grondslag:
        defects.append(policy.geen_grondslag[item.grondslag])
    elif basis is None:
        defects.append(f"grondslag '{item.grondslag}' is geen rechtmatige grondslag voor gebruik door de gemeente")
    else:
        found = _basis_tests(item, basis, context, policy, floor, day)
        defects += found[0]
        missing += found[1]
        why += found[2]
        checks += found[3]
    if defects:
        return Verdict(False, defects[0])
    if missing:
        return Verdict(None, "nog niet vast te stellen: " + "; ".join(why), tuple(missing))
    assert basis is not None
    reason = f"bruikbaar op grond van {basis.naam}"
    if basis.dekt_strafrechtelijk and item.strafrechtelijk is not False and item.grondslag_art10 is False:
        reason += "; deze grondslag dekt ook strafrechtelijke gegevens (art. 10 AVG), ook al noemt het dossier er geen"
    return Verdict(True, reason, checks=tuple(checks))


def provision_floors(case: Case, policy: InformationPolicy, day: dt.date) -> dict[str, dt.date]:
    """Information id -> the earliest day it can have been provided: not before the facts it reports (policy `verstrekt_na`)."""
    floors: dict[str, dt.date] = {}
    for list_name in policy.verstrekt_na:
        for item in getattr(case, list_name):
            when = getattr(item, "datum", None)
            if when is None or when > day:
                continue
            for ref in getattr(item, "informatie", None) or ():
                if ref not in floors or floors[ref] < when:
                    floors[ref] = when
    return floors


def verdicts(case: Case, context: Context, policy: InformationPolicy, day: dt.date, floors: Mapping[str, dt.date] | None = None) -> dict[str, Verdict]:
    """Information id -> its verdict in this context (the input of one engine run)."""
    if floors is None:
        floors = provision_floors(case, policy, day)
    return {item.id: verdict(item, context, policy, day, floors.get(item.id)) for item in case.informatie}


__all__ = ["ANY_BODY", "GENERAL", "Check", "Context", "Verdict", "context_of", "provision_floors", "verdict", "verdicts"]
