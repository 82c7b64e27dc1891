"""The case file (version 2): the facts a municipality knows about one case.

Field names and enumeration values are Dutch legal vocabulary because the
people who write case files speak it. Every fact a dossier can lack is
optional, and ``None`` means *unknown*, never false: a rule that needs the fact
stays undecided and names it. The persons involved (`betrokkenen`) are listed
once; activities, permits, earlier measures, antecedents and information refer
to them by id, so the decision can speak of roles and never of names.

The words reports use for the case live here too, as field metadata: a field's
`title` is its Dutch name ("soort locatie"), a list's title its plural and its
item model's title the singular ("eerdere maatregelen", "eerdere maatregel"),
and `namen`/`onbekend` in a field's schema extra name its values and its
unknown. A field and its name are added in one place, the names reach the
JSON Schema that whoever writes a case file reads, and `case/names.py` takes them
from the model instead of keeping a second list that could lag behind.
"""

from __future__ import annotations

import datetime as dt
import warnings
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .migrate import CaseFormatWarning, from_v1, is_v1
from .strictness import exact_types

SCHEMA_VERSION: Literal["2"] = "2"
# Fields whose value is the id of a person in `betrokkenen`: a condition may follow them (`betrokkene.rollen`).
PERSON_REFERENCE: dict[str, Any] = {"verwijst_naar": "betrokkenen"}


class _Strict(BaseModel):
    """Unknown fields are an error: a typo must never silently drop a fact; nor may a conversion invent one."""

    # defer_build: only `Case` is validated directly, so its parts need no validator of their own; building
    # it once on first use, with its parts inline, is cheaper than one validator per model at import (cold start).
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, allow_inf_nan=False, defer_build=True)
    _exact_types = field_validator("*", mode="before")(exact_types)


class LocatieType(StrEnum):
    woning = "woning"
    lokaal = "lokaal"
    erf = "erf"
    bedrijfspand = "bedrijfspand"
    openbare_ruimte = "openbare_ruimte"
    gebied = "gebied"


class ErfBij(StrEnum):
    woning = "woning"
    lokaal = "lokaal"


class Eigendom(StrEnum):
    eigenaar_bewoner = "eigenaar_bewoner"
    huurder_woningcorporatie = "huurder_woningcorporatie"
    particuliere_verhuur = "particuliere_verhuur"
    eigenaar_niet_bewoner = "eigenaar_niet_bewoner"


class Beroepsgebruik(StrEnum):
    """Praktijk in het pand: apotheker, arts, tandarts of dierenarts (uitzondering van art. 13b lid 2 Opiumwet)."""

    geen = "geen"
    apotheker = "apotheker"
    arts = "arts"
    tandarts = "tandarts"
    dierenarts = "dierenarts"


class ActiviteitType(StrEnum):
    drugshandel = "drugshandel"
    drugsproductie = "drugsproductie"
    voorbereidingshandelingen = "voorbereidingshandelingen"
    drugsopslag = "drugsopslag"
    wapens_munitie = "wapens_munitie"
    mensenhandel = "mensenhandel"
    illegale_prostitutie = "illegale_prostitutie"
    witwassen = "witwassen"
    ernstige_woonoverlast = "ernstige_woonoverlast"
    verstoring_openbare_orde = "verstoring_openbare_orde"
    ernstig_geweld = "ernstig_geweld"
    illegaal_gokken = "illegaal_gokken"
    strijdig_gebruik = "strijdig_gebruik"
    bouwkundig_onveilig = "bouwkundig_onveilig"
    voetbalvandalisme = "voetbalvandalisme"
    intimidatie_bedreiging = "intimidatie_bedreiging"
    huiselijk_geweld = "huiselijk_geweld"
    stromanverhuur = "stromanverhuur"


class ActiviteitVorm(StrEnum):
    hennepteelt = "hennepteelt"
    synthetisch_lab = "synthetisch_lab"
    explosie = "explosie"
    beschieting = "beschieting"
    brandstichting = "brandstichting"
    dreiging = "dreiging"
    overig = "overig"


class OpiumwetLijst(StrEnum):
    I = "I"
    IA = "IA"
    II = "II"


class Eenheid(StrEnum):
    """Hoe de hoeveelheid bekend is: gemeten (gram, stuks, ml, planten) of alleen het oordeel handels- of gebruikershoeveelheid."""

    gram = "gram"
    stuks = "stuks"
    ml = "ml"
    planten = "planten"
    handelshoeveelheid = "handelshoeveelheid"
    gebruikershoeveelheid = "gebruikershoeveelheid"


MEASURED = frozenset({Eenheid.gram, Eenheid.stuks, Eenheid.ml, Eenheid.planten})


class Voorwerp(StrEnum):
    """Wat is aangetroffen (art. 10a Opiumwet: alleen voertuigen of geld zijn niet genoeg voor art. 13b lid 1 onder b)."""

    kweekapparatuur = "kweekapparatuur"
    laboratoriumapparatuur = "laboratoriumapparatuur"
    grondstoffen = "grondstoffen"
    verpakkingsmateriaal = "verpakkingsmateriaal"
    weegapparatuur = "weegapparatuur"
    geld = "geld"
    voertuig = "voertuig"
    overig = "overig"


class Plek(StrEnum):
    """Waar het gebeurde: in, bij of buiten het pand van de zaak."""

    in_pand = "in_pand"
    bij_pand = "bij_pand"
    elders = "elders"


class VergunningSoort(StrEnum):
    exploitatievergunning = "exploitatievergunning"
    alcoholwetvergunning = "alcoholwetvergunning"
    omgevingsvergunning = "omgevingsvergunning"
    subsidie = "subsidie"
    speelautomatenvergunning = "speelautomatenvergunning"
    prostitutievergunning = "prostitutievergunning"
    evenementenvergunning = "evenementenvergunning"
    overheidsopdracht = "overheidsopdracht"
    vastgoedtransactie = "vastgoedtransactie"
    huisvestingsvergunning = "huisvestingsvergunning"


class VergunningStatus(StrEnum):
    aangevraagd = "aangevraagd"
    verleend = "verleend"
    geweigerd = "geweigerd"
    ingetrokken = "ingetrokken"
    niet_vereist = "niet_vereist"
    ontbreekt = "ontbreekt"


class LbbAdvies(StrEnum):
    niet_gevraagd = "niet_gevraagd"
    geen_gevaar = "geen_gevaar"
    mindere_mate = "mindere_mate"
    ernstig_gevaar = "ernstig_gevaar"


class BibobGrond(StrEnum):
    """Art. 3 lid 1 Wet Bibob: a = voordeel uit strafbare feiten benutten, b = strafbare feiten plegen."""

    a = "a"
    b = "b"


class Bron(StrEnum):
    eigen_toezicht = "eigen_toezicht"
    politie = "politie"
    om = "om"
    riec = "riec"
    belastingdienst = "belastingdienst"
    lbb = "lbb"
    melding_burger = "melding_burger"
    anonieme_melding = "anonieme_melding"


class Grondslag(StrEnum):
    avg_6_1_e = "avg_6_1_e"
    wbp_8_e = "wbp_8_e"
    wpg_16 = "wpg_16"
    wpg_18 = "wpg_18"
    wpg_19 = "wpg_19"
    wpg_20 = "wpg_20"
    wpr = "wpr"
    wjsg = "wjsg"
    riec_convenant = "riec_convenant"
    wgs = "wgs"
    bibob_28 = "bibob_28"
    geen = "geen"


class Ontvanger(StrEnum):
    """Aan wie de informatie is verstrekt (art. 16 Wpg: aan de burgemeester, voor zijn bevoegdheden)."""

    burgemeester = "burgemeester"
    college = "college"
    raad = "raad"
    gemeente = "gemeente"


class Verstrekkingsdoel(StrEnum):
    """Waarvoor de informatie is verstrekt (art. 19 Wpg noemt de doelen; doelbinding, art. 5 AVG)."""

    voorkomen_strafbare_feiten = "voorkomen_strafbare_feiten"
    openbare_orde = "openbare_orde"
    toezicht = "toezicht"
    bibob = "bibob"


class Verstoring(StrEnum):
    geen = "geen"
    licht = "licht"
    ernstig = "ernstig"


class MaatregelStatus(StrEnum):
    """Wat er van de maatregel werd: alleen een genomen maatregel telt; een ingetrokken of vernietigde niet."""

    verzocht = "verzocht"
    opgelegd = "opgelegd"
    uitgevoerd = "uitgevoerd"
    ingetrokken = "ingetrokken"
    vernietigd = "vernietigd"


class Rol(StrEnum):
    bewoner = "bewoner"
    huurder = "huurder"
    eigenaar = "eigenaar"
    exploitant = "exploitant"
    leidinggevende = "leidinggevende"
    aanvrager = "aanvrager"
    zakelijk_samenwerkingsverband = "zakelijk_samenwerkingsverband"


class PersoonSoort(StrEnum):
    natuurlijk_persoon = "natuurlijk_persoon"
    rechtspersoon = "rechtspersoon"


class AntecedentSoort(StrEnum):
    veroordeling = "veroordeling"
    verdenking = "verdenking"


class AntecedentWet(StrEnum):
    opiumwet = "opiumwet"
    wet_wapens_en_munitie = "wet_wapens_en_munitie"
    witwassen = "witwassen"
    mensenhandel = "mensenhandel"
    geweld = "geweld"
    fraude = "fraude"
    overig = "overig"


class Locatie(_Strict, json_schema_extra={"description": "Het pand of de plaats van de zaak."}):
    type: LocatieType | None = Field(None, title="soort locatie", description="Soort pand of plaats; onbekend als het dossier het niet zegt.")
    openbaar_toegankelijk: bool | None = Field(None, title="lokaal openbaar toegankelijk", description="Staat het lokaal open voor het publiek?")
    erf_bij: ErfBij | None = Field(None, title="erf bij woning of lokaal", description="Alleen bij type 'erf': erf bij een woning of een lokaal.")
    eigendom: Eigendom | None = Field(None, title="eigendom of huur van de locatie", description="Eigendom of huur van het pand.")
    minderjarigen: bool | None = Field(None, title="minderjarigen in de woning", description="Wonen er minderjarigen?")
    beroepsgebruik: Beroepsgebruik | None = Field(
        None, title="beroepsgebruik (art. 13b lid 2 Opiumwet)", description="Praktijk van apotheker, arts, tandarts of dierenarts (art. 13b lid 2 Opiumwet).")
    horeca: bool | None = Field(None, title="horecagelegenheid", description="Is het een horecagelegenheid?")
    wbmgp_gebied: bool | None = Field(None, title="ligt in een aangewezen Wbmgp-gebied", description="Ligt het adres in een aangewezen Wbmgp-gebied?")
    adres: str | None = Field(None, title="adres", description="Persoonsgegeven; komt nooit in de uitvoer of in logs.", max_length=500)


class Hoeveelheid(_Strict, json_schema_extra={"description": "Eén hoeveelheid van één middel: gemeten in een eenheid, of alleen het oordeel handels- of gebruikershoeveelheid."}):
    """One quantity of one substance: measured in a unit, or only classified as a trade or user quantity."""

    eenheid: Eenheid = Field(
        title="hoeveelheid (eenheid of oordeel)",
        description="gram, stuks (pillen, bolletjes, wikkels), ml, planten; of alleen het oordeel handels- of gebruikershoeveelheid.")
    waarde: float | None = Field(None, ge=0, title="hoeveelheid (waarde)", description="De gemeten hoeveelheid (verplicht bij gram, stuks, ml en planten).")

    @model_validator(mode="after")
    def _value_fits_unit(self) -> Hoeveelheid:
        if self.eenheid in MEASURED and self.waarde is None:
            raise ValueError("hoeveelheid: bij een gemeten eenheid hoort een waarde")
        if self.eenheid not in MEASURED and self.waarde is not None:
            raise ValueError("hoeveelheid: handels- of gebruikershoeveelheid heeft geen waarde")
        return self


class Betrokkene(_Strict, title="betrokkene", json_schema_extra={"description": "Een natuurlijk persoon of rechtspersoon in de zaak; het besluit noemt rollen, nooit namen."}):
    """A natural person or legal entity involved in the case; the decision names roles, never names."""

    id: str = Field(min_length=1, max_length=100, description="Kenmerk waarmee de rest van de zaak naar deze betrokkene verwijst.")
    soort: PersoonSoort | None = Field(None, title="natuurlijk persoon of rechtspersoon", description="Natuurlijk persoon of rechtspersoon.")
    naam: str | None = Field(None, max_length=500, description="Persoonsgegeven; komt nooit in de uitvoer, foutmeldingen of logs.")
    rollen: list[Rol] = Field(default_factory=list, max_length=20, title="rollen", description="Bewoner, huurder, eigenaar (rechthebbende), exploitant, …")
    meerderjarig: bool | None = Field(None, title="meerderjarig", description="Is deze persoon meerderjarig (Wet tijdelijk huisverbod)?")
    wetenschap: bool | None = Field(
        None, title="wist van wat er gebeurde", description="Wist deze betrokkene van wat in het pand gebeurde, of had hij ernstige reden het te vermoeden?"
    )
    minderjarigen_in_huishouden: bool | None = Field(
        None, title="minderjarigen in het huishouden", description="Heeft deze betrokkene minderjarige kinderen in het huishouden?")


class Antecedent(_Strict, title="antecedent", json_schema_extra={"description": "Een veroordeling of verdenking van een betrokkene (Bibob weegt die van de aanvrager en zijn zakelijk netwerk)."}):
    """A conviction or suspicion of a person: what Bibob weighs for an applicant and the business network."""

    betrokkene: str = Field(min_length=1, max_length=100, title="betrokkene", description="Id van de betrokkene.", json_schema_extra=PERSON_REFERENCE)
    soort: AntecedentSoort | None = Field(None, title="veroordeling of verdenking", description="Veroordeling of verdenking.")
    wet: AntecedentWet | None = Field(None, title="wet", description="De wet van het strafbare feit.")
    artikel: str | None = Field(None, max_length=50, title="artikel", description="Het artikel, bijv. '2' (Opiumwet) of '420bis' (Sr).")
    datum: dt.date | None = Field(None, title="datum", description="Datum van het feit of de uitspraak.")
    informatie: list[str] = Field(min_length=1, max_length=50, description="Ids van de informatie-items waarop dit rust.")


class Activiteit(_Strict, title="activiteit", json_schema_extra={"description": "Een ondermijnende activiteit (of een negatieve bevinding) en de informatie waarop zij rust."}):
    type: ActiviteitType = Field(title="soort activiteit")
    vorm: ActiviteitVorm | None = Field(None, title="vorm")
    opiumwet_lijst: OpiumwetLijst | None = Field(None, title="Opiumwet-lijst")
    hoeveelheid: Hoeveelheid | None = Field(None, title="hoeveelheid", description="Eén hoeveelheid van één middel; meer middelen zijn meer activiteiten.")
    eigen_gebruik: bool | None = Field(None, title="eigen gebruik gebleken", description="Is gebleken dat de hoeveelheid voor eigen gebruik is (een uitzondering)?")
    bedrijfsmatig: bool | None = Field(None, title="bedrijfsmatige teelt of productie", description="Is de teelt of productie bedrijfsmatig van omvang?")
    voorwerpen: list[Voorwerp] | None = Field(None, max_length=20, title="aangetroffen voorwerpen", description="Wat is aangetroffen; onbekend als het dossier het niet zegt.")
    plek: Plek | None = Field(None, title="plek (in, bij of buiten het pand)", description="In, bij of buiten het pand van de zaak.")
    aangetroffen: bool = Field(
        True,
        title="aangetroffen (of juist niet)",
        description=(
            "Een activiteit in de zaak is aangetroffen of vastgesteld; false legt een negatieve bevinding vast "
            "(bij onderzoek juist niet aangetroffen), die niet als activiteit telt."
        ),
    )
    wapen_aangetroffen: bool | None = Field(None, title="wapen aangetroffen")
    in_groep: bool | None = Field(None, title="in een groep", description="Gebeurde het in een groep?")
    leidende_rol: bool | None = Field(None, title="leidende rol in de groep", description="Had de betrokkene een leidende rol in de groep (art. 172a Gemw)?")
    wetenschap_betrokkene: bool | None = Field(
        None, title="wetenschap van de betrokkene", description="Wist de betrokkene (of had hij ernstige reden te vermoeden) waarvoor de voorwerpen bestemd waren?"
    )
    ernstige_vrees_herhaling: bool | None = Field(None, title="ernstige vrees voor herhaling")
    datum: dt.date | None = Field(None, title="datum")
    betrokkenen: list[str] = Field(default_factory=list, max_length=50, title="betrokkenen", description="Ids van de betrokkenen die dit deden.")
    informatie: list[str] = Field(min_length=1, max_length=50, description="Ids van de informatie-items.")


class BibobBeoordeling(_Strict, json_schema_extra={"description": "Het Bibob-onderzoek bij een vergunning: eigen onderzoek (art. 7a) en advies van het LBB (art. 9)."}):
    eigen_onderzoek: bool | None = Field(None, title="Bibob: eigen onderzoek")
    lbb_advies: LbbAdvies | None = Field(None, title="Bibob: advies LBB")
    grond: BibobGrond | None = Field(None, title="Bibob: grond (art. 3 Wet Bibob)")
    eigen_bevinding: LbbAdvies | None = Field(None, title="Bibob: eigen bevinding", description="Uitkomst van het eigen onderzoek (art. 7a).")


class Vergunning(_Strict, title="vergunning", json_schema_extra={"description": "Een vergunning, subsidie, opdracht of transactie, met haar status en een eventuele Bibob-beoordeling."}):
    soort: VergunningSoort = Field(title="soort vergunning")
    status: VergunningStatus | None = Field(None, title="status")
    datum: dt.date | None = Field(None, title="datum")
    bibob: BibobBeoordeling | None = None
    betrokkene: str | None = Field(None, max_length=100, title="aanvrager of houder", description="Id van de aanvrager of houder.", json_schema_extra=PERSON_REFERENCE)
    informatie: list[str] = Field(default_factory=list, max_length=50)


class Maatregel(_Strict, title="eerdere maatregel", json_schema_extra={"description": "Een eerdere maatregel op deze of een andere locatie, voor escalatie en recidive."}):
    instrument: str = Field(min_length=1, max_length=100, title="maatregel", description="Id van een instrument uit de catalogus.")
    datum: dt.date | None = Field(None, title="datum", description="Datum van de maatregel; onbekend laat termijnen onbeslist.")
    status: MaatregelStatus | None = Field(
        None, title="status (opgelegd, ingetrokken, vernietigd, …)", description="Verzocht, opgelegd, uitgevoerd, ingetrokken of vernietigd; een ingetrokken of vernietigde maatregel telt niet."
    )
    reden: ActiviteitType | None = Field(None, title="reden")
    grond: str | None = Field(None, max_length=20, title="grond", description="Bijv. 'a' voor art. 174a lid 1 sub a.")
    duur_maanden: int | None = Field(None, ge=0, le=120, title="duur in maanden")
    zelfde_locatie: bool | None = Field(
        None,
        title="op dezelfde locatie",
        description=(
            "Betreft de maatregel deze locatie (true) of een andere locatie (false)? Onbekend blijft onbekend: "
            "een regel die een eerdere maatregel op dit adres eist (Damocles-escalatie, art. 13b en 17 Woningwet, "
            "onteigening) blijft dan onbeslist en vraagt om dit feit."
        ),
    )
    betrokkene: str | None = Field(None, max_length=100, title="geadresseerde", description="Id van de geadresseerde.", json_schema_extra=PERSON_REFERENCE)


class Informatie(_Strict, title="informatie-item", json_schema_extra={"description": "Een stuk informatie: bron, grondslag voor gebruik door de gemeente, ontvanger en datum (AVG)."}):
    id: str = Field(min_length=1, max_length=100, title="kenmerk")
    bron: Bron | None = Field(
        None,
        title="bron",
        description="Waar de informatie vandaan komt; onbekend laat het besluit open en wordt gevraagd.",
        json_schema_extra={
            "namen": {
                "eigen_toezicht": "eigen toezicht",
                "politie": "politie",
                "om": "OM",
                "riec": "RIEC",
                "belastingdienst": "Belastingdienst",
                "lbb": "Landelijk Bureau Bibob",
                "melding_burger": "melding van een burger",
                "anonieme_melding": "anonieme melding",
            },
            "onbekend": "bron onbekend",
        },
    )
    grondslag: Grondslag | None = Field(
        None,
        title="grondslag voor gebruik (AVG)",
        description="De grondslag voor gebruik door de gemeente; onbekend laat het besluit open en wordt gevraagd.",
        json_schema_extra={
            "namen": {
                "avg_6_1_e": "art. 6 lid 1 onder e AVG",
                "wbp_8_e": "art. 8 onder e Wbp",
                "wpg_16": "art. 16 Wpg",
                "wpg_18": "art. 18 Wpg met het Besluit politiegegevens",
                "wpg_19": "art. 19 Wpg",
                "wpg_20": "art. 20 Wpg",
                "wpr": "Wet politieregisters",
                "riec_convenant": "RIEC-convenant",
                "wjsg": "Wjsg",
                "wgs": "WGS",
                "bibob_28": "art. 28 Wet Bibob",
                "geen": "geen grondslag",
            },
            "onbekend": "grondslag onbekend",
        },
    )
    ontvanger: Ontvanger | None = Field(None, title="verstrekt aan", description="Aan wie de informatie is verstrekt (art. 16 Wpg: de burgemeester).")
    doel: Verstrekkingsdoel | None = Field(
        None,
        title="doel van de verstrekking",
        description="Waarvoor de informatie is verstrekt; art. 19 en 20 Wpg vragen een doel dat de wet noemt.",
        json_schema_extra={
            "namen": {
                "voorkomen_strafbare_feiten": "voorkomen en opsporen van strafbare feiten",
                "openbare_orde": "handhaving van de openbare orde",
                "toezicht": "toezicht op de naleving van regelgeving",
                "bibob": "een Bibob-beoordeling",
            },
            "onbekend": "doel onbekend",
        },
    )
    besluit_verstrekker: bool | None = Field(
        None,
        title="besluit van de verstrekker",
        description="Is de verstrekking vastgelegd in een besluit van de verstrekker (de korpschef bij art. 19 en 20 Wpg)?",
    )
    strafrechtelijk: bool | None = Field(None, title="strafrechtelijke gegevens", description="Bevat het strafrechtelijke gegevens (veroordelingen, verdenkingen)?")
    grondslag_art10: bool | None = Field(
        None, title="grondslag art. 10 AVG", description="Is er voor de strafrechtelijke gegevens een grondslag als bedoeld in art. 10 AVG (en de UAVG)?"
    )
    datum: dt.date | None = Field(None, title="datum van verstrekking", description="Wanneer de informatie is verkregen of verstrekt: de grondslag moet op die dag gelden.")
    betrokkenen: list[str] = Field(default_factory=list, max_length=50, title="betrokkenen", description="Ids van de betrokkenen over wie dit gaat.")
    omschrijving: str | None = Field(None, max_length=2000)


class OpenbareOrde(_Strict, json_schema_extra={"description": "De openbare orde rond de zaak."}):
    verstoord: bool | None = Field(None, title="openbare orde verstoord", description="Is de openbare orde verstoord (ook als de ernst nog onbekend is)?")
    verstoring: Verstoring | None = Field(None, title="ernst van de verstoring van de openbare orde", description="De ernst van de verstoring.")
    ernstige_vrees: bool | None = Field(None, title="ernstige vrees voor verstoring van de openbare orde")
    acuut_gevaar: bool | None = Field(None, title="acuut gevaar")
    herhaald: bool | None = Field(None, title="herhaalde verstoring")
    gebiedsgericht: bool | None = Field(None, title="gebiedsgerichte problematiek")
    inrichting_wettigt_vrees: bool | None = Field(
        None,
        title="feiten in de inrichting wettigen vrees voor de openbare orde (art. 31 lid 1 onder c Alcoholwet)",
        description=(
            "Wettigen feiten in de inrichting de vrees voor verstoring van de openbare orde, veiligheid of zedelijkheid? "
            "Een oordeel op de feiten (art. 31 lid 1 onder c Alcoholwet), niet alleen dat er iets gebeurde."
        ),
    )

    @model_validator(mode="after")
    def _consistent(self) -> OpenbareOrde:
        """A disturbance of some severity is a disturbance; 'geen' is none: the two fields may not contradict."""
        if self.verstoord is False and self.verstoring in (Verstoring.licht, Verstoring.ernstig):
            raise ValueError("openbare_orde: verstoord is false maar verstoring is licht of ernstig")
        if self.verstoord is True and self.verstoring == Verstoring.geen:
            raise ValueError("openbare_orde: verstoord is true maar verstoring is geen")
        return self


class Case(_Strict, json_schema_extra={"description": "Een zaak van ondermijning zoals de gemeente haar kent (zaakbestand versie 2)."}):
    """One case of ondermijning as the municipality knows it (case file version 2)."""

    schema_versie: Literal["2"] = Field(SCHEMA_VERSION, description="Versie van het zaakbestand; een bestand zonder is versie 1 (rules migrate).")
    zaak_id: str = Field(min_length=1, max_length=200, title="zaaknummer")
    peildatum: dt.date | None = Field(None, title="peildatum", description="Het recht dat op deze datum geldt wordt toegepast; standaard vandaag.")
    gemeente: str | None = Field(None, max_length=100, title="gemeente", description="Naam van een gemeenteprofiel uit de catalogus.")
    locatie: Locatie = Field(default_factory=Locatie, title="locatie")
    betrokkenen: list[Betrokkene] = Field(default_factory=list, max_length=200, title="betrokkenen")
    activiteiten: list[Activiteit] = Field(default_factory=list, max_length=200, title="activiteiten")
    vergunningen: list[Vergunning] = Field(default_factory=list, max_length=200, title="vergunningen")
    voorgeschiedenis: list[Maatregel] = Field(default_factory=list, max_length=200, title="eerdere maatregelen")
    antecedenten: list[Antecedent] = Field(default_factory=list, max_length=500, title="antecedenten")
    informatie: list[Informatie] = Field(default_factory=list, max_length=500, title="informatie-items")
    openbare_orde: OpenbareOrde = Field(default_factory=OpenbareOrde, title="openbare orde")

    @model_validator(mode="before")
    @classmethod
    def _from_version_1(cls, data: Any) -> Any:
        """A file without `schema_versie` is version 1: read it converted, and say so when the conversion changed it."""
        if not is_v1(data):
            return data
        converted, notes = from_v1(data)
        if converted != {**data, "schema_versie": SCHEMA_VERSION}:
            detail = f" ({'; '.join(notes)})" if notes else ""
            warnings.warn(
                CaseFormatWarning(f"zaakbestand versie 1 omgezet naar versie 2{detail}; zet het bestand om met 'rules migrate'"),
                stacklevel=2,
            )
        return converted

    @model_validator(mode="after")
    def _references_resolve(self) -> Case:
        """Every reference must resolve: a fact pointing at nothing has an unknowable basis or person."""
        infos = [i.id for i in self.informatie]
        if len(set(infos)) != len(infos):
            raise ValueError("informatie: dubbele id")
        people = [b.id for b in self.betrokkenen]
        if len(set(people)) != len(people):
            raise ValueError("betrokkenen: dubbele id")
        known_infos, known_people = set(infos), set(people)
        for list_name in ("activiteiten", "vergunningen", "antecedenten"):
            for index, item in enumerate(getattr(self, list_name)):
                for ref in item.informatie:
                    if ref not in known_infos:
                        raise ValueError(f"{list_name}[{index}].informatie: onbekend informatie-item")
        for list_name in ("activiteiten", "informatie"):
            for index, item in enumerate(getattr(self, list_name)):
                for ref in item.betrokkenen:
                    if ref not in known_people:
                        raise ValueError(f"{list_name}[{index}].betrokkenen: onbekende betrokkene")
        for list_name in ("vergunningen", "voorgeschiedenis", "antecedenten"):
            for index, item in enumerate(getattr(self, list_name)):
                if item.betrokkene is not None and item.betrokkene not in known_people:
                    raise ValueError(f"{list_name}[{index}].betrokkene: onbekende betrokkene")
        return self
