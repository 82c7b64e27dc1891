"""The decision: every catalogued instrument with its status and the reasons for it.

Statuses, in the words the users speak:

* ``uitgesloten`` — a rule excludes it (with a legal reason), or no rule makes
  it available on these facts (the unmet conditions say why not);
* ``onbeslist`` — it could be available, but an unknown fact decides it (the
  missing facts are named), or an exclusion hangs on an unknown fact;
* ``mogelijk`` — a rule makes it available and nothing excludes it;
* ``aanbevolen`` — available, judged suitable by a (policy) rule, and the
  least intrusive suitable instrument of its track (subsidiarity).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel, ConfigDict, PrivateAttr

SCHEMA_VERSION = "1"
Status = Literal["aanbevolen", "mogelijk", "uitgesloten", "onbeslist"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Escalation(_Out):
    """Which step of the municipality's escalation ladder this case is on, and why."""

    trede: int
    duur_maanden: int | None
    reden: str
    regel: str


class InstrumentDecision(_Out):
    id: str
    naam: str
    categorie: str
    spoor: str
    status: Status
    bevoegd: str
    ingrijpendheid: int
    grondslag: list[dict[str, Any]]
    regels: list[str]
    redenen: list[str]
    onvervulde_voorwaarden: list[str]
    ontbrekende_feiten: list[str]
    geblokkeerde_feiten: list[str]
    procedure: list[str]
    afwegingspunten: list[str]
    escalatie: Escalation | None = None


class Receipt(_Out):
    """What is needed to reproduce a decision later."""

    ruleset: str
    ruleset_versie: str
    ruleset_hash: str
    profiel: str | None
    profiel_versie: str | None
    profiel_hash: str | None
    profiel_wijzigingen: list[dict[str, Any]]
    engine_versie: str


class FiringRecord(_Out):
    regel: str
    modus: str
    laag: int
    feiten: list[str]


class InformationVerdict(_Out):
    id: str
    bron: str
    grondslag: str
    bruikbaar: bool
    toelichting: str


class Decision(_Out):
    schema_versie: str = SCHEMA_VERSION
    zaak_id: str
    peildatum: dt.date
    gemeente: str | None
    ontvangstbewijs: Receipt
    aanbevolen: list[str]
    toelichting_aanbeveling: list[str]
    instrumenten: list[InstrumentDecision]
    afgeleide_feiten: dict[str, str]
    informatie: list[InformationVerdict]
    afvuringen: list[FiringRecord]
    graaf: dict[str, Any]

    _graph: nx.DiGraph | None = PrivateAttr(default=None)

    @property
    def recommended(self) -> list[str]:
        return self.aanbevolen

    @property
    def instruments(self) -> dict[str, InstrumentDecision]:
        return {inst.id: inst for inst in self.instrumenten}

    @property
    def graph(self) -> nx.DiGraph:
        if self._graph is None:
            self._graph = nx.node_link_graph(self.graaf, directed=True, edges="links")
        return self._graph
