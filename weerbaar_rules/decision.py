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
from typing import TYPE_CHECKING, Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr, computed_field, model_validator

from .digraph import DiGraph

if TYPE_CHECKING:
    import networkx as nx

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
    """One catalogued instrument for one case: status (aanbevolen, mogelijk, uitgesloten, onbeslist), authority,
    legal basis, the rules behind it, unmet conditions, missing facts, procedure and points to weigh."""

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


class MissingFact(_Out):
    """An unknown fact that decides instruments (``feit`` is its path in the case file, ``omschrijving`` its Dutch name).

    ``kan_aanbeveling_veranderen`` says whether one of those instruments could
    become the recommendation once the fact is known.
    """

    feit: str
    omschrijving: str
    instrumenten: list[str]
    kan_aanbeveling_veranderen: bool


class Decision(_Out):
    """The outcome for one case, as `rules evaluate --format json` prints it (docs/besluit.md): the receipt of
    ruleset, profile and engine, the recommendation with its reasons, every instrument, and the decision graph."""

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

    # The explanation (graph and missing-fact analysis) is built from the recorded firings on first use:
    # deciding does not need it, and it costs more than the inference itself.
    _explainer: Callable[["Decision"], tuple[DiGraph, list[MissingFact]]] | None = PrivateAttr(default=None)
    _graph: DiGraph | None = PrivateAttr(default=None)
    _networkx: Any = PrivateAttr(default=None)
    _graph_data: dict[str, Any] | None = PrivateAttr(default=None)
    _missing: list[MissingFact] | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _read_explanation(cls, data: Any, handler: Any) -> "Decision":
        """A decision read back from JSON keeps its graph and missing facts."""
        if isinstance(data, dict) and ("graaf" in data or "ontbrekende_feiten" in data):
            data = dict(data)
            graph_data = data.pop("graaf", None)
            missing = data.pop("ontbrekende_feiten", None) or []
            decision = handler(data)
            decision._graph_data = graph_data
            decision._missing = [MissingFact.model_validate(m) for m in missing]
            return decision  # type: ignore[no-any-return]
        return handler(data)  # type: ignore[no-any-return]

    def _explain(self) -> None:
        if self._missing is None and self._explainer is not None:
            self._graph, self._missing = self._explainer(self)
            self._explainer = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ontbrekende_feiten(self) -> list[MissingFact]:
        """Unknown facts that decide instruments, most decisive first."""
        self._explain()
        return self._missing or []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def graaf(self) -> dict[str, Any]:
        """The decision graph as node-link data (sorted, so the JSON is byte-identical across runs)."""
        if self._graph_data is None:
            self._explain()
            if self._graph is None:
                return {"directed": True, "multigraph": False, "graph": {}, "nodes": [], "links": []}
            data = self._graph.node_link_data()
            data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
            data["links"] = sorted(data["links"], key=lambda e: (e["source"], e["target"], e.get("soort", "")))
            self._graph_data = data
        return self._graph_data

    @property
    def explanation(self) -> DiGraph:
        """The decision graph in the light structure the reports read (`graph` gives it as networkx)."""
        self._explain()
        if self._graph is None:
            self._graph = DiGraph.from_node_link(self.graaf)
        return self._graph

    @property
    def recommended(self) -> list[str]:
        return self.aanbevolen

    @property
    def instruments(self) -> dict[str, InstrumentDecision]:
        return {inst.id: inst for inst in self.instrumenten}

    @property
    def graph(self) -> "nx.DiGraph":
        """The decision graph as a networkx DiGraph (nodes: facts, information, rules, instruments, sources)."""
        if self._networkx is None:
            self._networkx = self.explanation.to_networkx()
        return self._networkx
