"""Loading rulesets and municipal profiles from YAML.

A ruleset directory is loaded as a whole: every `*.yaml` file in it may hold
`ruleset` metadata, `instruments` (the catalogue), `parameters`,
`information` (the AVG policy), the legal vocabulary (`domeinen`, `wetten`,
`verzwaring`: what the code would otherwise have to know about the law; `woorden`:
the Dutch names of tracks, categories, authorities and purposes for the reports) and
`rules`. Each rule carries its legal source
(`grondslag`) and validity dates next to its condition, the way Catala keeps
the statute's text next to its code. A profile is applied on top and every
change it makes is recorded, so it can never change national law silently.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..case.model import ActiviteitType
from ..core.errors import ProfileError, RulesetError, merge_typos, validation_message
from ..core.safetext import one_line
from ..core.yamlio import Located, load, place
from . import conditions as cond

ID_PATTERN = r"^[a-z0-9][a-z0-9_.]*$"


class _Strict(BaseModel):
    # defer_build: the validators are built when a ruleset is first read, not at import; a start that finds
    # the ruleset in the cache (evaluation/cache.py) never needs them.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


CaseLawKind = Literal["uitspraak", "voorlopige_voorziening", "conclusie_ag"]

CASE_LAW_QUALIFIER = {"uitspraak": "", "voorlopige_voorziening": "voorlopige voorziening", "conclusie_ag": "conclusie A-G"}


class Citation(_Strict):
    """A legal source: an article of a statute (with BWB id) or a court ruling (ECLI).

    A ruling says what it holds (`inhoud`, one line), what kind of text it is
    (`soort`: a judgment, an interim ruling of the voorzieningenrechter, or an
    opinion of an Advocate-General, which binds no one) and whether that holding
    was checked against the published text (`geverifieerd`), so no rule can
    claim more than the ruling holds without saying so.
    """

    wet: str | None = None
    bwb_id: str | None = Field(None, pattern=r"^BWBR\d{7}$")
    celex: str | None = Field(None, pattern=r"^3\d{4}[A-Z]\d{4}$", description="Voor EU-recht zoals de AVG.")
    artikel: str | None = None
    lid: str | None = None
    onder: str | None = None
    ecli: str | None = Field(None, pattern=r"^ECLI:[A-Z]{2}:[A-Z0-9]+:\d{4}:[A-Za-z0-9.]+$")
    url: str | None = None
    onzeker: bool = Field(False, description="Nog niet geverifieerd tegen wetten.overheid.nl.")
    soort: CaseLawKind | None = Field(
        None, description="Alleen bij een ecli: uitspraak, voorlopige_voorziening (voorzieningenrechter) of conclusie_ag (conclusie van een A-G)."
    )
    inhoud: str | None = Field(
        None, min_length=1, max_length=400, description="Alleen bij een ecli: wat de uitspraak inhoudt, in één regel (waarvoor zij wordt aangehaald)."
    )
    geverifieerd: bool | None = Field(
        None, description="Alleen bij een ecli: de inhoud is nagelezen in de gepubliceerde tekst; false zegt in `inhoud` wat onbekend is."
    )
    geldig_van: dt.date | None = Field(None, description="Alleen in de catalogus: de grondslag geldt vanaf deze datum.")
    geldig_tot: dt.date | None = Field(None, description="Alleen in de catalogus: de grondslag geldt tot en met deze datum.")

    @model_validator(mode="after")
    def _complete(self) -> Citation:
        if self.ecli:
            if self.wet or self.bwb_id or self.celex or self.artikel:
                raise ValueError("een bron is een wetsartikel of een uitspraak (ecli), niet beide")
            missing = [name for name in ("soort", "inhoud", "geverifieerd") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"uitspraak {self.ecli} mist {', '.join(missing)} (wat zij inhoudt, welk soort tekst, of dat is nagelezen)")
            assert self.inhoud is not None
            if "\n" in self.inhoud or self.inhoud != self.inhoud.strip():
                raise ValueError(f"uitspraak {self.ecli}: inhoud is één regel zonder witruimte eromheen")
            if self.onzeker:
                raise ValueError(f"uitspraak {self.ecli}: gebruik geverifieerd: false, niet onzeker")
            if self.url is not None:
                raise ValueError(f"uitspraak {self.ecli}: geen url; de link naar rechtspraak.nl volgt uit de ecli")
            if self.ecli.startswith("ECLI:NL:PHR:") and self.soort != "conclusie_ag":
                raise ValueError(f"{self.ecli} is van het Parket bij de Hoge Raad: soort is conclusie_ag")
            return self
        extra = [name for name in ("soort", "inhoud", "geverifieerd") if getattr(self, name) is not None]
        if extra:
            raise ValueError(f"{', '.join(extra)} hoort alleen bij een uitspraak (ecli)")
        missing = [name for name in ("wet", "artikel") if getattr(self, name) is None]
        if (self.bwb_id is None) == (self.celex is None):
            missing.append("bwb_id (of celex voor EU-recht)")
        if missing:
            raise ValueError(f"wetsbron mist {', '.join(missing)}")
        if self.url is not None and not self.url.startswith("https://wetten.overheid.nl/"):
            raise ValueError("url moet naar https://wetten.overheid.nl/ wijzen")
        return self

    def in_force(self, day: dt.date) -> bool:
        return (self.geldig_van is None or self.geldig_van <= day) and (self.geldig_tot is None or day <= self.geldig_tot)

    @property
    def link(self) -> str:
        """A stable JCI link, so a typo in a hand-written URL cannot point a lawyer to the wrong article."""
        return self.link_on(None)

    def link_on(self, day: dt.date | None) -> str:
        """The JCI link to the text in force on `day` (`g=`), so a lawyer reads the law the decision applied."""
        if self.ecli:
            return f"https://uitspraken.rechtspraak.nl/details?id={self.ecli}"
        if self.celex:
            return f"https://eur-lex.europa.eu/legal-content/NL/TXT/?uri=CELEX:{self.celex}"
        if self.url:
            return self.url
        link = f"https://wetten.overheid.nl/jci1.3:c:{self.bwb_id}&artikel={self.artikel}"
        if self.lid:
            link += f"&lid={self.lid}"
        if day is not None:
            link += f"&g={day.isoformat()}"
        return link

    @property
    def label(self) -> str:
        if self.ecli:
            return self.ecli
        text = f"art. {self.artikel}"
        if self.lid:
            text += f" lid {self.lid}"
        if self.onder:
            text += f" onder {self.onder}"
        text += f" {self.wet}"
        if self.onzeker:
            text += " (onzeker)"
        return text

    @property
    def qualifier(self) -> str:
        """What a reader must know about a ruling before relying on it: "conclusie A-G", "voorlopige voorziening", "niet geverifieerd"."""
        if not self.ecli:
            return ""
        parts = [CASE_LAW_QUALIFIER[self.soort or "uitspraak"], "" if self.geverifieerd else "niet geverifieerd"]
        return ", ".join(p for p in parts if p)

    @property
    def qualified_label(self) -> str:
        """The label with the qualifier of a ruling: how the overview and the lint name a source."""
        return f"{self.label} ({self.qualifier})" if self.qualifier else self.label

    def as_output(self, day: dt.date | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("wet", "bwb_id", "celex", "artikel", "lid", "onder", "ecli", "soort", "inhoud", "geverifieerd"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.qualifier:
            out["kwalificatie"] = self.qualifier
        out["url"] = self.link_on(day)
        if self.onzeker:
            out["onzeker"] = True
        return out


Citations = Annotated[list[Citation], Field(min_length=1)]


Authority = Literal["burgemeester", "college", "raad", "om", "minister", "woningcorporatie", "rechter"]


class DatedAuthority(_Strict):
    """Who holds a power during a period (the Drank- en Horecawet moved it from college to burgemeester in 2013)."""

    bevoegd: Authority
    geldig_van: dt.date | None = None
    geldig_tot: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        return (self.geldig_van is None or self.geldig_van <= day) and (self.geldig_tot is None or day <= self.geldig_tot)


class MunicipalStep(_Strict):
    """The municipality's own step for a power someone else holds (art. 7:231 lid 2 BW: the landlord ends the lease;
    the burgemeester informs the landlord of the closure). The step's authority is the one that uses the information."""

    bevoegd: Authority
    stap: str = Field(min_length=1, description="Wat het bestuursorgaan zelf doet, als werkwoordsgroep: 'informeert de woningcorporatie over de sluiting'.")


class Instrument(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    naam: str = Field(min_length=1)
    categorie: str = Field(min_length=1)
    spoor: str = Field(min_length=1, description="Instrumenten in hetzelfde spoor zijn alternatieven voor elkaar.")
    bevoegd: Authority | list[DatedAuthority]
    ingrijpendheid: int = Field(ge=0, le=100)
    grondslag: Citations
    omschrijving: str | None = None
    informatiedoel: str = Field(
        "algemeen", pattern=ID_PATTERN, description="Het doel waarvoor het instrument informatie gebruikt (bijv. bibob: doelbinding art. 28 Wet Bibob)."
    )
    stap_gemeente: MunicipalStep | None = Field(
        None, description="Als de bevoegdheid bij een ander ligt (bevoegd): de stap die de gemeente zelf zet, en door wie."
    )

    @model_validator(mode="after")
    def _dated_parts_tile(self) -> Instrument:
        """Dated authorities may not overlap; every day must have at least one legal basis in force."""
        if isinstance(self.bevoegd, list):
            if not self.bevoegd:
                raise ValueError("bevoegd: lege lijst")
            ordered = sorted(self.bevoegd, key=lambda a: a.geldig_van or dt.date.min)
            for earlier, later in zip(ordered, ordered[1:]):
                if (later.geldig_van or dt.date.min) <= (earlier.geldig_tot or dt.date.max):
                    raise ValueError("bevoegd: de perioden overlappen")
        return self

    def authority_on(self, day: dt.date) -> str:
        """The competent authority on the peildatum (the latest known one outside every period)."""
        if isinstance(self.bevoegd, str):
            return self.bevoegd
        for dated in self.bevoegd:
            if dated.in_force(day):
                return dated.bevoegd
        return sorted(self.bevoegd, key=lambda a: a.geldig_van or dt.date.min)[-1].bevoegd

    def acting_on(self, day: dt.date) -> str:
        """The municipal authority that takes the step and uses the information: the holder, unless the power is someone
        else's and the municipality's part is a step of its own (`stap_gemeente`)."""
        return self.stap_gemeente.bevoegd if self.stap_gemeente is not None else self.authority_on(day)

    def citations_on(self, day: dt.date) -> tuple[Citation, ...]:
        """The legal basis in force on the peildatum: a renamed or replaced statute is cited as it stood then."""
        current = tuple(c for c in self.grondslag if c.in_force(day))
        return current or tuple(c for c in self.grondslag if c.geldig_van is None and c.geldig_tot is None) or tuple(self.grondslag)


CONCLUSION_KINDS = ("derive", "available", "exclude", "suitable", "require", "weigh", "escalate")


class Conclusion(_Strict):
    """What a rule concludes: exactly one of the keys below."""

    derive: str | None = Field(None, pattern=ID_PATTERN)
    available: str | None = None
    exclude: str | None = None
    suitable: str | None = None
    require: str | None = None
    weigh: str | None = None
    escalate: str | None = Field(None, description="Instrument waarvan de escalatietrede wordt bepaald.")
    instrument: str | list[str] | None = None
    reason: str | None = None
    trede: int | None = Field(None, ge=1, le=10)
    duur_maanden: int | dict[str, str] | None = Field(None, description="Getal of {param: naam}.")
    duur_parameter: str | None = Field(None, description="Ingevuld door de lader: de parameter waar duur_maanden vandaan komt.")

    @model_validator(mode="after")
    def _one_kind(self) -> Conclusion:
        kinds = [k for k in CONCLUSION_KINDS if getattr(self, k)]
        if len(kinds) != 1:
            raise ValueError(f"een conclusie heeft precies een van {', '.join(CONCLUSION_KINDS)}")
        kind = kinds[0]
        if (kind == "escalate") != (self.trede is not None):
            raise ValueError("trede hoort bij escalate, en escalate verwacht een trede")
        if self.duur_maanden is not None and kind != "escalate":
            raise ValueError("duur_maanden hoort alleen bij escalate")
        if isinstance(self.duur_maanden, dict) and set(self.duur_maanden) != {"param"}:
            raise ValueError("duur_maanden is een getal of {param: naam}")
        if kind in ("exclude", "suitable", "escalate") and not self.reason:
            raise ValueError(f"{kind} verwacht een reason (de reden in gewone taal)")
        if kind in ("require", "weigh") and not self.instrument:
            raise ValueError(f"{kind} verwacht instrument")
        if kind not in ("require", "weigh") and self.instrument:
            raise ValueError("instrument hoort alleen bij require en weigh")
        if kind in ("derive", "available") and self.reason:
            raise ValueError(f"reason hoort niet bij {kind}")
        return self

    @property
    def kind(self) -> str:
        for k in CONCLUSION_KINDS:
            if getattr(self, k):
                return k
        raise AssertionError("validated")

    @property
    def targets(self) -> tuple[str, ...]:
        """The instruments this conclusion is about (none for derive)."""
        kind = self.kind
        if kind in ("available", "exclude", "suitable", "escalate"):
            return (str(getattr(self, kind)),)
        if kind in ("require", "weigh"):
            if isinstance(self.instrument, list):
                return tuple(self.instrument)
            return (self.instrument,) if self.instrument else ()
        return ()


class RawRule(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    when: dict[str, Any]
    then: list[Conclusion] = Field(min_length=1)
    grondslag: Citations
    geldig_van: dt.date | None = None
    geldig_tot: dt.date | None = None
    onzeker: str | None = Field(None, description="Wat nog geverifieerd moet worden.")
    toelichting: str | None = None
    overrides: list[str] = Field(
        default_factory=list,
        description="Regels waarvan deze regel bewust afwijkt (bijv. een uitsluiting die een beschikbaarheid opzij zet).",
    )
    separate_items: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Lijst -> reden: voorwaarden over deze lijst mogen bewust door verschillende items worden vervuld "
            "(anders meldt `rules check` dat zij misschien één item bedoelen)."
        ),
    )

    @model_validator(mode="after")
    def _period(self) -> RawRule:
        if self.geldig_van and self.geldig_tot and self.geldig_tot < self.geldig_van:
            raise ValueError("geldig_tot ligt voor geldig_van")
        if any(c.onzeker for c in self.grondslag) and not self.onzeker:
            raise ValueError("een regel op een onzekere bron zegt in 'onzeker' wat nog geverifieerd moet worden")
        unknown = set(self.separate_items) - set(cond.LISTS)
        if unknown:
            raise ValueError(f"separate_items noemt {', '.join(sorted(unknown))}; geen lijst van de zaak (toegestaan: {', '.join(cond.LISTS)})")
        if any(not reason.strip() for reason in self.separate_items.values()):
            raise ValueError("separate_items verwacht per lijst een reden")
        return self


Scalar = bool | int | float | str | None


class ParameterVersion(_Strict):
    """The value of a parameter during a period: policy changes over time like law does."""

    waarde: Scalar
    geldig_van: dt.date | None = None
    geldig_tot: dt.date | None = None

    @model_validator(mode="after")
    def _period(self) -> ParameterVersion:
        if self.geldig_van and self.geldig_tot and self.geldig_tot < self.geldig_van:
            raise ValueError("geldig_tot ligt voor geldig_van")
        return self


class Parameter(_Strict):
    waarde: Scalar = Field(None, description="null = onbekend zonder gemeenteprofiel (bijv. of de APV een artikel heeft).")
    versies: list[ParameterVersion] | None = Field(None, min_length=1, description="In plaats van waarde: de waarde per periode.")
    omschrijving: str = Field(min_length=1)
    grondslag: list[Citation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_value(self) -> Parameter:
        if ("waarde" in self.model_fields_set) == (self.versies is not None):
            raise ValueError("een parameter heeft een waarde of versies, niet allebei of geen van beide")
        return self


@dataclass(frozen=True)
class Dated:
    """A parameter whose value changes over time: (geldig_van, geldig_tot, waarde) periods covering all time."""

    periods: tuple[tuple[dt.date | None, dt.date | None, Scalar], ...]

    def show(self) -> str:
        parts = []
        for van, tot, value in self.periods:
            when = " ".join(w for w in (f"vanaf {van}" if van else "", f"t/m {tot}" if tot else "") if w) or "altijd"
            parts.append(f"{_show(value)} ({when})")
        return "; ".join(parts)


def _overlay(base: Any, versions: list[ParameterVersion]) -> Any:
    """`versions` laid over `base` (a value or `Dated`); outside the versions' periods the base value holds."""
    periods = list(base.periods) if isinstance(base, Dated) else [(None, None, base)]
    ordered = sorted(versions, key=lambda v: v.geldig_van or dt.date.min)
    for earlier, later in zip(ordered, ordered[1:]):
        if (later.geldig_van or dt.date.min) <= (earlier.geldig_tot or dt.date.max):
            raise ValueError("de perioden van de versies overlappen")
    for version in ordered:
        start = version.geldig_van or dt.date.min
        end = version.geldig_tot or dt.date.max
        kept: list[tuple[dt.date | None, dt.date | None, Scalar]] = []
        for van, tot, value in periods:
            lo, hi = van or dt.date.min, tot or dt.date.max
            if hi < start or lo > end:
                kept.append((van, tot, value))
                continue
            if lo < start:
                kept.append((van, start - dt.timedelta(days=1), value))
            if hi > end:
                kept.append((end + dt.timedelta(days=1), tot, value))
        kept.append((version.geldig_van, version.geldig_tot, version.waarde))
        periods = sorted(kept, key=lambda p: p[0] or dt.date.min)
    if all(value == periods[0][2] and type(value) is type(periods[0][2]) for _, _, value in periods):
        return periods[0][2]
    return Dated(tuple(periods))


class BasisCondition(_Strict):
    """A condition the law attaches to one basis (a recipient, a purpose, the provider's decision), with its source.

    A condition must be established: while the case leaves it unknown the
    information cannot yet carry a decision and the instrument stays undecided
    (instrumenten.md §G), so each one names the article that imposes it.
    """

    toelichting: str = Field(min_length=1, description="Wat de wet vraagt, in gewone taal.")
    waarden: list[str] | None = Field(None, description="Bij een doel: de doelen die de wet toelaat.")
    grondslag: Citations


class BasisConditions(_Strict):
    """The conditions of one basis; a field left out is no condition of that basis."""

    ontvanger: BasisCondition | None = Field(None, description="De verstrekking moet een ontvanger noemen (het bevoegd gezag dat de informatie gebruikt).")
    doel: BasisCondition | None = Field(None, description="De verstrekking moet een doel noemen dat de wet toelaat.")
    besluit_verstrekker: BasisCondition | None = Field(None, description="De verstrekker moet tot de verstrekking hebben besloten.")


class BasisPolicy(_Strict):
    """One legal basis for the municipality to use information: from which sources, to whom, for what, from when."""

    naam: str = Field(min_length=1, description="De grondslag kort, met het artikel (zo noemt het besluit haar).")
    toelichting: str | None = Field(None, description="Wat de grondslag regelt, in gewone taal.")
    bronnen: list[str] | None = Field(None, description="Bronnen waarvoor deze grondslag past; leeg (null) is elke bron.")
    ontvangers: list[str] | None = Field(None, description="Bestuursorganen aan wie deze grondslag verstrekt; null is elk orgaan.")
    doel: str | None = Field(None, description="Alleen voor instrumenten met dit informatiedoel (doelbinding).")
    geldig_van: dt.date | None = Field(None, description="Inwerkingtreding: informatie die eerder is verstrekt, kan niet op deze grondslag rusten.")
    geldig_tot: dt.date | None = Field(None, description="Tot en met deze dag kon op deze grondslag worden verstrekt.")
    inwerkingtreding: str | None = Field(None, min_length=1, description="Sinds en tot wanneer de grondslag gold, en wat ervoor of erna gold.")
    voorwaarden: BasisConditions = Field(default_factory=BasisConditions)
    dekt_strafrechtelijk: bool = Field(False, description="De grondslag is zelf een grondslag voor strafrechtelijke gegevens (art. 10 AVG).")
    onzeker: str | None = Field(None, description="Wat aan deze grondslag nog geverifieerd moet worden.")
    grondslag: list[Citation] = Field(default_factory=list)

    def in_force(self, day: dt.date) -> bool:
        return (self.geldig_van is None or self.geldig_van <= day) and (self.geldig_tot is None or day <= self.geldig_tot)


class InformationPolicy(_Strict):
    """Which information may carry a decision, by whom, for what (instrumenten.md §F and §H); applied by engine/gate.py."""

    grondslagen: dict[str, BasisPolicy] = Field(min_length=1)
    geen_grondslag: dict[str, str] = Field(default_factory=dict, description="Waarden die geen grondslag zijn, met de reden.")
    onvoldoende_bronnen: list[str] = Field(default_factory=list)
    doelbinding: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Informatiedoel van een instrument -> de doelen van verstrekking die het mogen dragen (art. 5 lid 1 onder b AVG).",
    )
    verstrekt_na: list[str] = Field(
        default_factory=list,
        description="Lijsten van de zaak waarvan een item niet eerder kan zijn gemeld dan het zelf plaatsvond: "
        "informatie daarover is niet eerder verstrekt dan de datum van het item.",
    )
    nodig: str = Field(min_length=1, description="Wat nodig is om de informatie wel te kunnen gebruiken.")
    grondslag: Citations

    @model_validator(mode="after")
    def _reported_lists(self) -> InformationPolicy:
        resting = [name for name, (model, _) in cond.LISTS.items() if "informatie" in model.model_fields]
        unknown = [name for name in self.verstrekt_na if name not in resting]
        if unknown:
            raise ValueError(f"verstrekt_na: {', '.join(unknown)} is geen lijst waarvan de items op informatie rusten (toegestaan: {', '.join(resting)})")
        return self


PREFIX_PATTERN = r"^[a-z0-9][a-z0-9_]*$"


class Law(_Strict):
    """A statute the rules cite: its BWB id, as checked against wetten.overheid.nl, and other names it goes by.

    `rules check` compares every citation of the law with this id, so a typo in
    one `bwb_id` cannot send a lawyer to another statute. A law that was renamed
    keeps its BWB id (the Drank- en Horecawet is the Alcoholwet since 2021).
    """

    bwb_id: str = Field(pattern=r"^BWBR\d{7}$")
    ook: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="Andere namen waaronder de regels de wet aanhalen: een afkorting, een vroegere naam."
    )


def _law_key(name: str) -> str:
    """A law's name as citations are compared: `Awb` and `awb` are one law."""
    return name.strip().casefold()


def law_ids(laws: dict[str, Law]) -> dict[str, str]:
    """Every name a law is cited by, case-folded as the citations are compared, with its BWB id."""
    return {_law_key(name): law.bwb_id for official, law in laws.items() for name in (official, *law.ook)}


class Aggravation(_Strict):
    """What makes a case worse for the person concerned: the testing kit varies a case along these lines.

    The invariant `verzwaring_verlaagt_niet` (testing/invariants.py) checks that
    such a variant never gets a less intrusive recommendation. Which activities
    concern Opiumwet substances, and which instrument is the warning that comes
    before a closure, is legal vocabulary, so it is named here and not in Python.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, defer_build=True)

    drugsactiviteiten: list[ActiviteitType] = Field(
        default_factory=list,
        description="Activiteiten met een middel van de Opiumwet-lijsten: meer van het middel, of lijst I in plaats van II, is zwaarder.",
    )
    waarschuwing: str | None = Field(
        None,
        pattern=ID_PATTERN,
        description="Het instrument waarmee vooraf wordt gewaarschuwd: een recente eerdere waarschuwing op dit adres is zwaarder.",
    )


class Term(_Strict):
    """A word of the catalogue as a lawyer reads it: its name and a one-line explanation."""

    naam: str = Field(min_length=1)
    uitleg: str | None = None


class Wording(_Strict):
    """`woorden`: the Dutch names the reports use for the catalogue's tracks and categories, the authorities and the
    purposes of information use, so no report shows an id ("spoor 'pand'")."""

    sporen: dict[str, Term] = Field(default_factory=dict)
    categorieen: dict[str, Term] = Field(default_factory=dict)
    bevoegden: dict[str, str] = Field(default_factory=dict, description="bevoegd gezag -> naam met lidwoord: 'de burgemeester'")
    doelen: dict[str, str] = Field(default_factory=dict, description="informatiedoel -> waarvoor, na 'voor': 'een Bibob-toets'")


class RulesetMeta(_Strict):
    naam: str = Field(pattern=ID_PATTERN)
    versie: str = Field(min_length=1)
    omschrijving: str | None = None


class RulesetFile(_Strict):
    ruleset: RulesetMeta | None = None
    instruments: list[Instrument] = Field(default_factory=list)
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    information: InformationPolicy | None = None
    domeinen: dict[Annotated[str, Field(pattern=PREFIX_PATTERN)], Annotated[str, Field(min_length=1)]] = Field(
        default_factory=dict, description="Eerste deel van een regel-id -> het rechtsgebied waaronder tekeningen de regel groeperen."
    )
    wetten: dict[Annotated[str, Field(min_length=1)], Law] = Field(default_factory=dict, description="Naam van een wet, zoals de regels haar aanhalen -> BWB-id.")
    verzwaring: Aggravation | None = None
    woorden: Wording | None = None
    rules: list[RawRule] = Field(default_factory=list)


class ProfileMeta(_Strict):
    naam: str = Field(pattern=ID_PATTERN)
    gemeente: str = Field(min_length=1)
    versie: str = Field(min_length=1)
    omschrijving: str | None = None


class Disable(_Strict):
    regel: str
    reden: str = Field(min_length=1)


class ProfileFile(_Strict):
    profiel: ProfileMeta
    parameters: dict[str, Scalar | list[ParameterVersion]] = Field(default_factory=dict)
    uitgeschakeld: list[Disable] = Field(default_factory=list)
    rules: list[RawRule] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """A validated rule with its parsed condition, ready to compile."""

    id: str
    title: str
    when: cond.Condition
    then: tuple[Conclusion, ...]
    grondslag: tuple[Citation, ...]
    geldig_van: dt.date | None
    geldig_tot: dt.date | None
    onzeker: str | None
    toelichting: str | None
    source: str  # "file:line"
    origin: str  # "nationaal" or "profiel:<naam>"
    overrides: tuple[str, ...] = ()  # rule ids whose opposite conclusion this rule knowingly sets aside
    separate_items: tuple[str, ...] = ()  # lists whose conditions may knowingly be met by different items

    def in_force(self, day: dt.date) -> bool:
        return (self.geldig_van is None or self.geldig_van <= day) and (self.geldig_tot is None or day <= self.geldig_tot)

    @property
    def derives(self) -> tuple[str, ...]:
        return tuple(c.derive for c in self.then if c.derive)


@dataclass(frozen=True)
class ProfileChange:
    """One way a profile departs from the national ruleset; it shows in every decision."""

    soort: str  # parameter / regel_uit / regel_erbij
    onderwerp: str
    oud: str | None
    nieuw: str


@dataclass(frozen=True)
class ProfileInfo:
    naam: str
    gemeente: str
    versie: str
    hash: str
    changes: tuple[ProfileChange, ...]


_Kept = TypeVar("_Kept")


@dataclass(frozen=True)
class Ruleset:
    name: str
    version: str
    hash: str
    instruments: tuple[Instrument, ...]
    parameters: dict[str, Any]
    information: InformationPolicy
    rules: tuple[Rule, ...]
    profile: ProfileInfo | None = None
    warnings: tuple[str, ...] = field(default=())
    domains: dict[str, str] = field(default_factory=dict)  # rule id prefix -> legal domain (`domeinen`)
    laws: dict[str, Law] = field(default_factory=dict)  # statute -> BWB id (`wetten`)
    aggravation: Aggravation = field(default_factory=Aggravation)  # `verzwaring`, for the testing kit
    wording: Wording = field(default_factory=Wording)  # `woorden`, for the reports
    parameter_notes: dict[str, str] = field(default_factory=dict)  # parameter -> its `omschrijving`, for the reports

    def kept(self, name: str, make: Callable[[Ruleset], _Kept]) -> _Kept:
        """What a later stage works out once per ruleset and keeps with it (it never changes): the graph's faces,
        the assembly plan, the ruleset part of the graph. Made on first use, by `make`."""
        found: _Kept | None = self.__dict__.get(name)
        if found is None:
            found = make(self)
            object.__setattr__(self, name, found)
        return found

    def instrument(self, instrument_id: str) -> Instrument:
        for inst in self.instruments:
            if inst.id == instrument_id:
                return inst
        raise KeyError(instrument_id)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    @cached_property
    def concluding(self) -> dict[tuple[str, str], list[int]]:
        """(conclusion kind, instrument) -> indexes of the rules concluding it; built once, used for every case."""
        index: dict[tuple[str, str], list[int]] = {}
        for position, rule in enumerate(self.rules):
            for conclusion in rule.then:
                for target in conclusion.targets:
                    bucket = index.setdefault((conclusion.kind, target), [])
                    if position not in bucket:
                        bucket.append(position)
        return index

    @cached_property
    def deriving(self) -> dict[str, list[int]]:
        """Derived fact -> indexes of the rules that derive it."""
        index: dict[str, list[int]] = {}
        for position, rule in enumerate(self.rules):
            for name in rule.derives:
                index.setdefault(name, []).append(position)
        return index


def _format_validation(located: Located, exc: ValidationError, error: type[RulesetError]) -> RulesetError:
    errors = merge_typos(exc.errors())
    first = errors[0]
    loc = tuple(first["loc"])
    line = located.line_at(loc)
    rule_id = None
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
        try:
            rule_id = located.data["rules"][loc[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            rule_id = None
    where = f"{located.path}:{line}" if line else str(located.path)
    rule_part = f" regel {one_line(rule_id, 80)}:" if rule_id else ""
    more = f" (en {len(errors) - 1} andere fout(en))" if len(errors) > 1 else ""
    return error(f"{where}:{rule_part} {place(loc)}: {validation_message(first)}{more}")


def profile_hash(path: Path) -> str:
    """The hash a profile is known by (receipts, ruleset part keys): sha256 over the file as it is."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _file_hash(paths: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, content in sorted(paths):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()


def referenced_parameters(raw: RawRule) -> set[str]:
    """The parameters a rule reads, in its condition (`param:` tests and `{param: …}` values) or its conclusions."""
    found: set[str] = set()

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("param"), str):
                found.add(node["param"])
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(raw.when)
    found.update(c.duur_maanden["param"] for c in raw.then if isinstance(c.duur_maanden, dict))
    return found


def _segments(raw: RawRule, parameters: dict[str, Any]) -> list[tuple[dt.date | None, dt.date | None, dict[str, Any]]]:
    """The periods in which the rule's parameters are constant, each with the values then in force.

    A rule that reads a dated parameter becomes one version per period (same id,
    adjoining validity), so an old case is judged by the policy then in force,
    with the same machinery as law that changes over time.
    """
    dated = {name: parameters[name] for name in referenced_parameters(raw) if isinstance(parameters.get(name), Dated)}
    if not dated:
        return [(raw.geldig_van, raw.geldig_tot, parameters)]
    starts = {raw.geldig_van or dt.date.min}
    for value in dated.values():
        for van, _, _ in value.periods:
            if van is not None:
                starts.add(van)
    rule_start, rule_end = raw.geldig_van or dt.date.min, raw.geldig_tot or dt.date.max
    ordered = sorted(day for day in starts if rule_start <= day <= rule_end)
    out = []
    for position, start in enumerate(ordered):
        end = ordered[position + 1] - dt.timedelta(days=1) if position + 1 < len(ordered) else rule_end
        values = dict(parameters)
        for name, value in dated.items():
            values[name] = next(v for van, tot, v in value.periods if (van or dt.date.min) <= start <= (tot or dt.date.max))
        out.append((None if start == dt.date.min else start, None if end == dt.date.max else end, values))
    return out


def parse_rules(
    raws: list[tuple[RawRule, Located, int]],
    parameters: dict[str, Any],
    origin: str,
    error: type[RulesetError],
) -> list[Rule]:
    rules = []
    for raw, located, index in raws:
        line = located.line_of(located.data["rules"][index])
        source = f"{located.path}:{line}"
        for van, tot, values in _segments(raw, parameters):
            rules.append(_parse_rule(raw, values, van, tot, source, origin, error))
    return rules


def _parse_rule(
    raw: RawRule, values: dict[str, Any], van: dt.date | None, tot: dt.date | None, source: str, origin: str, error: type[RulesetError]
) -> Rule:
    try:
        when = cond.Parser(values).parse(raw.when)
    except cond.ConditionSyntaxError as exc:
        raise error(f"{source}: regel {raw.id}: {exc}") from None
    then = []
    for conclusion in raw.then:
        if isinstance(conclusion.duur_maanden, dict):
            name = conclusion.duur_maanden["param"]
            value = values.get(name)
            if name not in values or isinstance(value, bool) or not isinstance(value, int):
                raise error(f"{source}: regel {raw.id}: duur_maanden verwijst naar '{name}', geen parameter met een aantal maanden")
            conclusion = conclusion.model_copy(update={"duur_maanden": value, "duur_parameter": name})
        then.append(conclusion)
    return Rule(
        id=raw.id,
        title=raw.title,
        when=when,
        then=tuple(then),
        grondslag=tuple(raw.grondslag),
        geldig_van=van,
        geldig_tot=tot,
        onzeker=raw.onzeker,
        toelichting=raw.toelichting,
        source=source,
        origin=origin,
        overrides=tuple(raw.overrides),
        separate_items=tuple(sorted(raw.separate_items)),
    )


def _check_references(rules: list[Rule], instruments: dict[str, Instrument], error: type[RulesetError]) -> None:
    """Every instrument a rule names exists, and every derived fact it tests is derived somewhere."""
    derivable = {name for rule in rules for name in rule.derives}
    ids = {rule.id for rule in rules}
    for rule in rules:
        for other in rule.overrides:
            if other not in ids:
                raise error(f"{rule.source}: regel {rule.id}: overrides noemt onbekende regel '{other}'")
        for conclusion in rule.then:
            for target in conclusion.targets:
                if target not in instruments:
                    raise error(f"{rule.source}: regel {rule.id}: onbekend instrument '{target}'")
        for name, _ in cond.derived_refs(rule.when):
            if name not in derivable:
                raise error(f"{rule.source}: regel {rule.id}: afgeleid feit '{name}' wordt door geen enkele regel afgeleid")


def period_findings(rules: list[Rule] | tuple[Rule, ...]) -> list[tuple[bool, str]]:
    """Versions of one rule share an id and must tile time: (is_error, message) for each overlap and gap.

    Shared by the loader (which stops at the first overlap) and `rules check` (which reports them all).
    """
    by_id: dict[str, list[Rule]] = {}
    for rule in rules:
        by_id.setdefault(rule.id, []).append(rule)
    findings: list[tuple[bool, str]] = []
    for rule_id, versions in by_id.items():
        if len(versions) == 1:
            continue
        ordered = sorted(versions, key=lambda r: r.geldig_van or dt.date.min)
        for earlier, later in zip(ordered, ordered[1:]):
            end = earlier.geldig_tot or dt.date.max
            start = later.geldig_van or dt.date.min
            if start <= end:
                findings.append((True, f"{later.source}: regel {rule_id}: geldigheid overlapt met de versie op {earlier.source}"))
            elif (start - end).days > 1:
                findings.append((False, f"{later.source}: regel {rule_id}: gat in de geldigheid tussen {end} en {start}"))
    return findings


def _check_periods(rules: list[Rule], error: type[RulesetError]) -> list[str]:
    findings = period_findings(rules)
    for is_error, message in findings:
        if is_error:
            raise error(message)
    return [message for is_error, message in findings if not is_error]


def _at(located: Located, *loc: Any) -> str:
    """`file:line` of a key in a ruleset file, as every loader message starts."""
    line = located.line_at(loc)
    return f"{located.path}:{line}" if line else str(located.path)


@dataclass
class _Vocabulary:
    """The legal vocabulary of a ruleset (`domeinen`, `wetten`, `verzwaring`), gathered from all its files.

    It names rules, citations and instruments, which live in YAML, so it lives
    there too: adding a law is adding a file, not editing Python. (The Dutch
    names of case fields and values are the case model's field metadata
    instead: a field is added in Python anyway, and its name goes with it.)
    Any file may bring domains and laws (a new law's file can name its own), but
    each name only once; the aggravations are one list, like the information
    policy. A profile brings none: its own rules are grouped under the profile,
    and it cannot change which statute a BWB id is.
    """

    domains: dict[str, str] = field(default_factory=dict)
    laws: dict[str, Law] = field(default_factory=dict)
    law_names: dict[str, str] = field(default_factory=dict)  # case-folded name -> where it was declared
    aggravation: Aggravation | None = None
    aggravation_at: Located | None = None
    wording: Wording | None = None

    def add(self, parsed: RulesetFile, located: Located) -> None:
        for prefix, name in parsed.domeinen.items():
            if prefix in self.domains:
                raise RulesetError(f"{_at(located, 'domeinen', prefix)}: domein '{prefix}' is dubbel gedeclareerd")
            self.domains[prefix] = name
        for official, law in parsed.wetten.items():
            where = _at(located, "wetten", official)
            for name in (official, *law.ook):
                key = _law_key(name)
                if key in self.law_names:
                    raise RulesetError(f"{where}: wet '{one_line(name, 80)}' is dubbel gedeclareerd (ook op {self.law_names[key]})")
                self.law_names[key] = where
            self.laws[official] = law
        if parsed.woorden is not None:
            if self.wording is not None:
                raise RulesetError(f"{located.path}: woorden staat in meer dan een bestand")
            self.wording = parsed.woorden
        if parsed.verzwaring is not None:
            if self.aggravation is not None:
                raise RulesetError(f"{located.path}: verzwaring staat in meer dan een bestand")
            self.aggravation, self.aggravation_at = parsed.verzwaring, located

    def finish(self, instruments: dict[str, Instrument]) -> Aggravation:
        """The aggravations, once the whole catalogue is known: the warning must be one of its instruments."""
        if self.aggravation is None or self.aggravation_at is None:
            return Aggravation()
        warning = self.aggravation.waarschuwing
        if warning is not None and warning not in instruments:
            raise RulesetError(f"{_at(self.aggravation_at, 'verzwaring', 'waarschuwing')}: verzwaring.waarschuwing: onbekend instrument '{warning}'")
        return self.aggravation


SCENARIO_DIRS = frozenset({"scenarios", "scenario"})


def ruleset_files(directory: Path) -> list[Path]:
    """The YAML files of a ruleset; scenario tests kept next to the rules (scenarios/) are not rules."""
    return sorted(
        p for p in directory.rglob("*.yaml") if p.is_file() and not SCENARIO_DIRS & set(p.relative_to(directory).parts[:-1])
    )


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a ruleset, at its place: `load_ruleset` stops at the first, `rules check` lists them all."""

    where: str  # "file:line", "file" or the directory
    message: str
    kind: str  # schema (structure), bron (a citation), veld (a condition)


def split_where(message: str) -> tuple[str, str]:
    """Loader messages start with 'file:line: '; split that place off (empty when there is none)."""
    match = re.match(r"^(\S+?\.ya?ml(?::\d+(?::\d+)?)?): (.*)$", message, re.DOTALL)
    return (match.group(1), match.group(2)) if match else ("", message)


@dataclass
class Reading:
    """A ruleset directory read once: everything valid in it, with its place, and a diagnostic for everything not.

    The files are read and validated piece by piece (the file's metadata,
    each rule), so one broken rule does not hide the rest: `rules check`
    analyses what could be read and reports every diagnostic, while
    `build_ruleset` refuses at the first problem with the message the loader
    has always given (`stop`). Both judge the same reading, so the lint cannot
    drift from what `rules evaluate` accepts.
    """

    directory: Path
    meta: RulesetMeta | None = None
    has_meta: bool = False  # some file declares `ruleset:` (also when a later one repeats it)
    has_information: bool = False
    information: InformationPolicy | None = None
    instruments: dict[str, tuple[Instrument, str]] = field(default_factory=dict)  # id -> (instrument, "file:line")
    parameters: dict[str, tuple[Parameter, str]] = field(default_factory=dict)  # name -> (parameter, file)
    citations: list[tuple[Citation, str]] = field(default_factory=list)  # of instruments, parameters, information: (citation, "place: what")
    raw_rules: list[tuple[RawRule, Located, int]] = field(default_factory=list)
    unreadable_rules: list[Any] = field(default_factory=list)  # the raw YAML of rules that did not validate
    contents: list[tuple[str, bytes]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stop: str | None = None  # the loader's one-line message for the first problem
    vocabulary: _Vocabulary = field(default_factory=_Vocabulary)  # `domeinen`, `wetten`, `verzwaring` of all files

    def problem(self, stop: str, *diagnostics: Diagnostic) -> None:
        """Record one problem: the loader's message for it (kept if it is the first) and its itemized diagnostics."""
        self.stop = self.stop or stop
        self.diagnostics.extend(diagnostics)

    @property
    def values(self) -> dict[str, Any]:
        """The national parameter values, a dated parameter as its periods."""
        return {name: _overlay(None, param.versies) if param.versies is not None else param.waarde for name, (param, _) in self.parameters.items()}

    def national_rules(self) -> tuple[list[Rule], list[Diagnostic], list[Any]]:
        """Each valid rule parsed on its own with the national values: the rules, a diagnostic and the raw YAML of each that fails."""
        rules: list[Rule] = []
        diagnostics: list[Diagnostic] = []
        failed: list[Any] = []
        values = self.values
        for raw, located, index in self.raw_rules:
            try:
                rules += parse_rules([(raw, located, index)], values, "nationaal", RulesetError)
            except RulesetError as exc:
                where, message = split_where(str(exc))
                diagnostics.append(Diagnostic(where, message, "veld"))
                failed.append(located.data["rules"][index])
        return rules, diagnostics, failed


def _validation_diagnostics(located: Located, exc: ValidationError, prefix: tuple[Any, ...], rule_id: Any) -> list[Diagnostic]:
    out = []
    for error in merge_typos(exc.errors()):
        loc = prefix + tuple(error["loc"])
        line = located.line_at(loc)
        where = f"{located.path}:{line}" if line else str(located.path)
        kind = "bron" if "grondslag" in loc else "schema"
        rule = f"regel {rule_id}: " if isinstance(rule_id, str) else ""
        out.append(Diagnostic(where, f"{rule}{place(loc)}: {validation_message(error)}", kind))
    return out


def _salvage(located: Located, data: dict[str, Any]) -> tuple[RulesetFile | None, list[tuple[RawRule, int]], list[Diagnostic], list[Any]]:
    """A file that does not validate, piece by piece: its metadata part, then each rule on its own."""
    diagnostics: list[Diagnostic] = []
    try:
        parsed: RulesetFile | None = RulesetFile.model_validate({k: v for k, v in data.items() if k != "rules"})
    except ValidationError as exc:
        diagnostics += _validation_diagnostics(located, exc, (), None)
        parsed = None
    raws = data.get("rules", [])
    if not isinstance(raws, list):
        diagnostics.append(Diagnostic(str(located.path), "rules: verwacht een lijst van regels", "schema"))
        raws = []
    rules: list[tuple[RawRule, int]] = []
    unreadable: list[Any] = []
    for index, raw in enumerate(raws):
        try:
            rules.append((RawRule.model_validate(raw), index))
        except ValidationError as exc:
            diagnostics += _validation_diagnostics(located, exc, ("rules", index), raw.get("id") if isinstance(raw, dict) else None)
            unreadable.append(raw)
    return parsed, rules, diagnostics, unreadable


def _read_file(reading: Reading, path: Path) -> None:
    try:
        located = load(path, RulesetError)
    except RulesetError as exc:
        where, message = split_where(str(exc))
        reading.problem(str(exc), Diagnostic(where or str(path), message, "schema"))
        return
    reading.contents.append((str(path.relative_to(reading.directory)), path.read_bytes()))
    data = located.data
    if not isinstance(data, dict):
        message = "verwacht een mapping met ruleset, instruments, parameters, information, rules, domeinen, wetten of verzwaring"
        reading.problem(f"{path}:1: {message}", Diagnostic(f"{path}:1", message, "schema"))
        return
    parsed: RulesetFile | None
    try:
        parsed = RulesetFile.model_validate(data)
    except ValidationError as exc:
        stop = str(_format_validation(located, exc, RulesetError))
        parsed, rules, diagnostics, unreadable = _salvage(located, data)
        reading.problem(stop, *diagnostics)
        reading.unreadable_rules += unreadable
    else:
        rules = [(rule, index) for index, rule in enumerate(parsed.rules)]
    reading.raw_rules += [(rule, located, index) for rule, index in rules]
    if parsed is None:
        return
    if parsed.ruleset:
        if reading.meta:
            message = "ruleset-metadata staat in meer dan een bestand"
            reading.problem(f"{path}: {message}", Diagnostic(str(path), message, "schema"))
        reading.meta = reading.meta or parsed.ruleset
        reading.has_meta = True
    for index, inst in enumerate(parsed.instruments):
        where = f"{path}:{located.line_of(data['instruments'][index])}"
        if inst.id in reading.instruments:
            message = f"instrument '{inst.id}' is dubbel gedeclareerd"
            reading.problem(f"{where}: {message}", Diagnostic(where, f"{message} (ook op {reading.instruments[inst.id][1]})", "schema"))
        reading.instruments[inst.id] = (inst, where)
        reading.citations += [(c, f"{where}: instrument {inst.id}") for c in inst.grondslag]
    for name, param in parsed.parameters.items():
        if name in reading.parameters:
            message = f"parameter '{name}' is dubbel gedeclareerd"
            reading.problem(f"{path}: {message}", Diagnostic(str(path), f"{message} (ook in {reading.parameters[name][1]})", "schema"))
        reading.parameters[name] = (param, str(path))
        reading.citations += [(c, f"{path}: parameter {name}") for c in param.grondslag]
    if parsed.information:
        if reading.information:
            message = "information-beleid staat in meer dan een bestand"
            reading.problem(f"{path}: {message}", Diagnostic(str(path), message, "schema"))
        reading.information = reading.information or parsed.information
        reading.has_information = True
        reading.citations += [(c, f"{path}: information") for c in parsed.information.grondslag]
    try:
        reading.vocabulary.add(parsed, located)
    except RulesetError as exc:
        where, message = split_where(str(exc))
        reading.problem(str(exc), Diagnostic(where or str(path), message, "schema"))


def read_ruleset(directory: str | Path) -> Reading:
    """Read every file of a ruleset directory, collecting a diagnostic for each problem instead of stopping."""
    directory = Path(directory)
    if not directory.is_dir():
        raise RulesetError(f"{directory}: map met regels bestaat niet")
    files = ruleset_files(directory)
    if not files:
        raise RulesetError(f"{directory}: bevat geen .yaml-bestanden")
    reading = Reading(directory)
    for path in files:
        _read_file(reading, path)
    for present, message in (
        (reading.has_meta, "geen bestand met 'ruleset:' (naam en versie)"),
        (reading.has_information, "geen 'information:'-beleid (welke informatie een besluit mag dragen)"),
    ):
        if not present:
            reading.problem(f"{directory}: {message}", Diagnostic(str(directory), message, "schema"))
    return reading


def load_ruleset(directory: str | Path, profile: str | Path | None = None) -> Ruleset:
    """Load a ruleset directory and optionally a profile on top of it."""
    return build_ruleset(read_ruleset(directory), profile)


def build_ruleset(reading: Reading, profile: str | Path | None = None) -> Ruleset:
    """The ruleset a reading holds, with a profile on top; the first problem, in the reading or after it, is raised."""
    if reading.stop is not None:
        raise RulesetError(reading.stop)
    assert reading.meta is not None and reading.information is not None
    instruments = {inst_id: inst for inst_id, (inst, _) in reading.instruments.items()}
    vocabulary = reading.vocabulary
    aggravation = vocabulary.finish(instruments)
    values = reading.values
    profile_info: ProfileInfo | None = None
    disabled: dict[str, str] = {}
    profile_rules: list[tuple[RawRule, Located, int]] = []
    if profile is not None:
        profile_info, disabled, profile_raw, new_values = _load_profile(Path(profile), values)
        values = new_values
        profile_rules = profile_raw
    rules = parse_rules(reading.raw_rules, values, "nationaal", RulesetError)
    unknown = set(disabled) - {r.id for r in rules}
    if unknown:
        raise ProfileError(f"{profile}: uitgeschakelde regel(s) bestaan niet: {', '.join(sorted(unknown))}")
    rules = [r for r in rules if r.id not in disabled]
    if profile_info is not None:
        rules += parse_rules(profile_rules, values, f"profiel:{profile_info.naam}", ProfileError)
    _check_references(rules, instruments, RulesetError)
    warnings = _check_periods(rules, RulesetError)
    for inst in instruments.values():
        if not any(c.available == inst.id for r in rules for c in r.then):
            raise RulesetError(f"instrument '{inst.id}': geen enkele regel maakt het beschikbaar (available)")
    return Ruleset(
        name=reading.meta.naam,
        version=reading.meta.versie,
        hash=_file_hash(reading.contents),
        instruments=tuple(instruments.values()),
        parameters=values,
        information=reading.information,
        rules=tuple(rules),
        profile=profile_info,
        warnings=tuple(warnings),
        domains=vocabulary.domains,
        laws=vocabulary.laws,
        aggravation=aggravation,
        wording=vocabulary.wording or Wording(),
        parameter_notes={name: param.omschrijving for name, (param, _) in reading.parameters.items()},
    )


def _display(value: Any) -> str:
    return value.show() if isinstance(value, Dated) else _show(value)


def _show(value: Any) -> str:
    """A parameter value in the words of the report (ja/nee/onbekend), not Python's."""
    if value is None:
        return "onbekend"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def _load_profile(
    path: Path, values: dict[str, Any]
) -> tuple[ProfileInfo, dict[str, str], list[tuple[RawRule, Located, int]], dict[str, Any]]:
    located = load(path, ProfileError)
    if not isinstance(located.data, dict):
        raise ProfileError(f"{path}:1: verwacht een mapping met profiel, parameters, uitgeschakeld en rules")
    try:
        parsed = ProfileFile.model_validate(located.data)
    except ValidationError as exc:
        raise _format_validation(located, exc, ProfileError) from None
    changes: list[ProfileChange] = []
    new_values = dict(values)
    for name, given in sorted(parsed.parameters.items()):
        if name not in values:
            raise ProfileError(f"{path}: parameter '{name}' bestaat niet in de landelijke regels")
        old = values[name]
        examples = [v for _, _, v in old.periods] if isinstance(old, Dated) else [old]
        expected = next((v for v in examples if v is not None), None)
        given_values = [v.waarde for v in given] if isinstance(given, list) else [given]
        for value in given_values:
            if expected is not None and value is not None and type(value) is not type(expected) and not (
                isinstance(value, (int, float)) and isinstance(expected, (int, float)) and not isinstance(value, bool)
            ):
                raise ProfileError(f"{path}: parameter '{name}' verwacht {type(expected).__name__}, niet {value!r}")
        try:
            value = _overlay(old, given) if isinstance(given, list) else given
        except ValueError as exc:
            raise ProfileError(f"{path}: parameter '{name}': {exc}") from None
        if value != old or type(value) is not type(old):
            changes.append(ProfileChange("parameter", name, _display(old), _display(value)))
        new_values[name] = value
    disabled: dict[str, str] = {}
    for item in parsed.uitgeschakeld:
        disabled[item.regel] = item.reden
        changes.append(ProfileChange("regel_uit", item.regel, None, item.reden))
    for rule in parsed.rules:
        changes.append(ProfileChange("regel_erbij", rule.id, None, rule.title))
    info = ProfileInfo(
        naam=parsed.profiel.naam,
        gemeente=parsed.profiel.gemeente,
        versie=parsed.profiel.versie,
        hash=profile_hash(path),
        changes=tuple(changes),
    )
    raws = [(rule, located, index) for index, rule in enumerate(parsed.rules)]
    return info, disabled, raws, new_values
