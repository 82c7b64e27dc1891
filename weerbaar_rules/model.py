"""The case file: the facts a municipality knows about one case.

Field names and enumeration values are Dutch legal vocabulary because the
people who write case files speak it. Every optional fact defaults to ``None``
which means *unknown*; the engine never reads an unknown fact as false, so a
rule that needs it stays undecided and names the fact as missing.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .strictness import exact_types


class _Strict(BaseModel):
    """Unknown fields are an error: a typo must never silently drop a fact; nor may a conversion invent one."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=True, allow_inf_nan=False)
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
    """Art. 13b lid 2 Opiumwet: premises used by these professions are exempt."""

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


class Hoeveelheid(StrEnum):
    gebruikershoeveelheid = "gebruikershoeveelheid"
    handelshoeveelheid = "handelshoeveelheid"


class Plek(StrEnum):
    """Where the act took place relative to the building (art. 174a lid 1 sub b)."""

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
    geen_gevaar = "geen_gevaar"
    mindere_mate = "mindere_mate"
    ernstig_gevaar = "ernstig_gevaar"


class BibobGrond(StrEnum):
    """Art. 3 lid 1 Wet Bibob: a = benefit from criminal proceeds, b = commit crimes."""

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
    wpg_16 = "wpg_16"
    wpg_19 = "wpg_19"
    wpg_20 = "wpg_20"
    riec_convenant = "riec_convenant"
    wgs = "wgs"
    bibob_28 = "bibob_28"
    geen = "geen"


class Verstoring(StrEnum):
    geen = "geen"
    licht = "licht"
    ernstig = "ernstig"


class Locatie(_Strict):
    type: LocatieType
    openbaar_toegankelijk: bool | None = None
    erf_bij: ErfBij | None = Field(None, description="Alleen bij type 'erf': erf bij een woning of een lokaal.")
    eigendom: Eigendom | None = None
    minderjarigen: bool | None = Field(None, description="Wonen er minderjarigen?")
    beroepsgebruik: Beroepsgebruik | None = Field(None, description="Art. 13b lid 2 Opiumwet.")
    horeca: bool | None = None
    wbmgp_gebied: bool | None = Field(None, description="Ligt het adres in een aangewezen Wbmgp-gebied?")
    adres: str | None = Field(None, description="Persoonsgegeven; komt nooit in logs.", max_length=500)


class Activiteit(_Strict):
    type: ActiviteitType
    vorm: ActiviteitVorm | None = None
    opiumwet_lijst: OpiumwetLijst | None = None
    hoeveelheid: Hoeveelheid | None = None
    gewicht_gram: float | None = Field(None, ge=0)
    aantal_planten: int | None = Field(None, ge=0)
    aantal_eenheden: int | None = Field(None, ge=0, description="Pillen, bolletjes, ampullen, wikkels.")
    plek: Plek | None = None
    wapen_aangetroffen: bool | None = None
    wetenschap_betrokkene: bool | None = Field(
        None, description="Wist de betrokkene (of had hij ernstige reden te vermoeden) van het beoogde gebruik?"
    )
    ernstige_vrees_herhaling: bool | None = None
    datum: dt.date | None = None
    informatie: list[str] = Field(min_length=1, max_length=50, description="Ids van de informatie-items.")


class BibobBeoordeling(_Strict):
    eigen_onderzoek: bool | None = None
    lbb_advies: LbbAdvies | None = None
    grond: BibobGrond | None = None
    eigen_bevinding: LbbAdvies | None = Field(None, description="Uitkomst van het eigen onderzoek (art. 7a).")


class Vergunning(_Strict):
    soort: VergunningSoort
    status: VergunningStatus
    datum: dt.date | None = None
    bibob: BibobBeoordeling | None = None
    informatie: list[str] = Field(default_factory=list, max_length=50)


class Maatregel(_Strict):
    instrument: str = Field(min_length=1, max_length=100, description="Id van een instrument uit de catalogus.")
    datum: dt.date
    reden: ActiviteitType | None = None
    grond: str | None = Field(None, max_length=20, description="Bijv. 'a' voor art. 174a lid 1 sub a.")
    duur_maanden: int | None = Field(None, ge=0, le=120)
    zelfde_locatie: bool | None = Field(
        None,
        description=(
            "Betreft de maatregel deze locatie (true) of een andere locatie van dezelfde persoon (false)? "
            "Onbekend geldt als deze locatie. Nodig omdat sommige gronden een eerdere sluiting van dit pand "
            "eisen (art. 13b lid 2 onder c Woningwet) en andere ook een ander pand laten meetellen (art. 174a lid 2 Gemw)."
        ),
    )


class Informatie(_Strict):
    id: str = Field(min_length=1, max_length=100)
    bron: Bron
    grondslag: Grondslag
    datum: dt.date | None = None
    omschrijving: str | None = Field(None, max_length=2000)


class OpenbareOrde(_Strict):
    verstoring: Verstoring | None = None
    ernstige_vrees: bool | None = None
    acuut_gevaar: bool | None = None
    herhaald: bool | None = None
    gebiedsgericht: bool | None = None


class Case(_Strict):
    """One case of ondermijning as the municipality knows it."""

    zaak_id: str = Field(min_length=1, max_length=200)
    peildatum: dt.date | None = Field(None, description="Het recht dat op deze datum geldt wordt toegepast; standaard vandaag.")
    gemeente: str | None = Field(None, max_length=100)
    locatie: Locatie
    activiteiten: list[Activiteit] = Field(default_factory=list, max_length=200)
    vergunningen: list[Vergunning] = Field(default_factory=list, max_length=200)
    voorgeschiedenis: list[Maatregel] = Field(default_factory=list, max_length=200)
    informatie: list[Informatie] = Field(default_factory=list, max_length=500)
    openbare_orde: OpenbareOrde = Field(default_factory=OpenbareOrde)

    @model_validator(mode="after")
    def _references_resolve(self) -> "Case":
        """Every fact must point at information that exists, else its AVG basis is unknowable."""
        ids = [i.id for i in self.informatie]
        if len(set(ids)) != len(ids):
            raise ValueError("informatie: dubbele id")
        known = set(ids)
        for index, act in enumerate(self.activiteiten):
            for ref in act.informatie:
                if ref not in known:
                    raise ValueError(f"activiteiten[{index}].informatie: onbekend informatie-item '{ref}'")
        for index, verg in enumerate(self.vergunningen):
            for ref in verg.informatie:
                if ref not in known:
                    raise ValueError(f"vergunningen[{index}].informatie: onbekend informatie-item '{ref}'")
        return self
