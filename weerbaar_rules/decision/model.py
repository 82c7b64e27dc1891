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
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, PrivateAttr, computed_field, model_validator

from ..core.digraph import DiGraph

if TYPE_CHECKING:
    import networkx as nx

SCHEMA_VERSION = "1"
Status = Literal["aanbevolen", "mogelijk", "uitgesloten", "onbeslist"]


class Explained(Protocol):
    """What a decision needs of its explanation (explain.Explanation, one stage up): the graph and the missing facts."""

    @property
    def graph(self) -> DiGraph: ...

    @property
    def missing(self) -> list[MissingFact]: ...


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Escalation(_Out, json_schema_extra={"description": "Op welke trede van de escalatieladder van de gemeente deze zaak staat, en waarom."}):
    """Which step of the municipality's escalation ladder this case is on, and why."""

    trede: int
    duur_maanden: int | None
    reden: str
    regel: str


class OpenCheck(_Out, json_schema_extra={"description": "Een uitzondering die het instrument zou wegnemen als zij vaststaat, maar waarvan de feiten onbekend zijn: een punt om te controleren, geen blokkade (instrumenten.md §G). ontbrekende_feiten zijn de plaatsen in het zaakbestand die haar beslissen."}):
    """An exception that would take the instrument away if established, but whose facts are unknown.

    An exception never blocks a power while it is unknown (instrumenten.md §G);
    it is a point to check before deciding. ``ontbrekende_feiten`` are the
    paths in the case file that would settle it.
    """

    uitzondering: str
    ontbrekende_feiten: list[str]


class InstrumentDecision(_Out, json_schema_extra={"description": "Eén instrument uit de catalogus voor deze zaak: status (aanbevolen, mogelijk, uitgesloten, onbeslist), bevoegd gezag, grondslag, de regels erachter, onvervulde voorwaarden, ontbrekende feiten, procedure en afwegingspunten."}):
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
    te_controleren: list[OpenCheck] = []
    escalatie: Escalation | None = None


class Receipt(_Out, json_schema_extra={"description": "Wat nodig is om het besluit later te reproduceren: regelset, profiel en engine met versie en hash."}):
    """What is needed to reproduce a decision later."""

    ruleset: str
    ruleset_versie: str
    ruleset_hash: str
    profiel: str | None
    profiel_versie: str | None
    profiel_hash: str | None
    profiel_wijzigingen: list[dict[str, Any]]
    engine_versie: str


class FiringRecord(_Out, json_schema_extra={"description": "Eén regel die vuurde, in welke laag, op welke feiten; context noemt de run voor instrumenten met een andere informatiecontext."}):
    regel: str
    modus: str
    laag: int
    feiten: list[str]
    context: str | None = None  # the run for instruments with another information context (e.g. "college"); None for the main run


class InformationUse(_Out, json_schema_extra={"description": "Mag deze informatie een besluit van dit bevoegd gezag, voor dit doel, dragen? (instrumenten.md §H)"}):
    """May this information carry a decision by this authority, for this purpose? (instrumenten.md §H)"""

    bevoegd: str
    doel: str
    bruikbaar: bool | None  # None: not yet decided, a condition of lawful use is unknown (ontbrekende_feiten)
    reden: str
    instrumenten: list[str]
    ontbrekende_feiten: list[str] = []


class InformationVerdict(_Out, json_schema_extra={"description": "Het oordeel over één stuk informatie: bron, grondslag en per bevoegd gezag en doel of het bruikbaar is."}):
    id: str
    bron: str | None
    grondslag: str | None
    bruikbaar: bool | None  # for at least one instrument; None: for none yet, but not barred for all
    toelichting: str
    gebruik: list[InformationUse] = []


class SetAside(_Out, json_schema_extra={"description": "Een feit uit de zaak dat op de peildatum niet bestaat (later gedateerd, of alleen op latere informatie gebaseerd) of een negatieve bevinding."}):
    """A fact of the case that does not exist on the peildatum (dated later, or resting only on later information)."""

    feit: str
    reden: str


class MissingFact(_Out, json_schema_extra={"description": "Een onbekend feit dat instrumenten beslist (feit is de plaats in het zaakbestand, omschrijving de Nederlandse naam); kan_aanbeveling_veranderen zegt of de aanbeveling kan veranderen als het bekend wordt, verandert_via via welke van die instrumenten."}):
    """An unknown fact that decides instruments (``feit`` is its path in the case file, ``omschrijving`` its Dutch name).

    ``kan_aanbeveling_veranderen`` says whether knowing it could change the
    recommendation, ``verandert_via`` through which of those instruments: a
    fact that decides an instrument without influence (one the picture puts in
    its "zonder invloed" box) never names that instrument there.
    """

    feit: str
    omschrijving: str
    instrumenten: list[str]
    kan_aanbeveling_veranderen: bool
    verandert_via: list[str]


class Decision(_Out, json_schema_extra={"description": "De uitkomst voor één zaak zoals rules evaluate --format json die geeft (docs/besluit.md): het ontvangstbewijs, de aanbeveling met toelichting, elk instrument, de informatie, de afvuringen en de verklarende graaf."}):
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
    buiten_beschouwing: list[SetAside] = []
    afvuringen: list[FiringRecord]

    # The explanation (explain.Explanation: the graph and the missing-fact analysis) comes with the decision
    # and is built from its runs on first use: deciding does not need it, and it costs more than the inference.
    _explanation: Explained | None = PrivateAttr(default=None)
    _graph_data: dict[str, Any] | None = PrivateAttr(default=None)
    _read_missing: list[MissingFact] | None = PrivateAttr(default=None)
    _read_graph: DiGraph | None = PrivateAttr(default=None)  # the graph of a decision read back from JSON, built once
    _networkx: Any = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _read_explanation(cls, data: Any, handler: Any) -> Decision:
        """A decision read back from JSON keeps its graph and missing facts as they were written."""
        if isinstance(data, dict) and ("graaf" in data or "ontbrekende_feiten" in data):
            data = dict(data)
            graph_data = data.pop("graaf", None)
            missing = data.pop("ontbrekende_feiten", None) or []
            decision = handler(data)
            decision._graph_data = graph_data
            decision._read_missing = [MissingFact.model_validate(m) for m in missing]
            return decision  # type: ignore[no-any-return]
        return handler(data)  # type: ignore[no-any-return]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ontbrekende_feiten(self) -> list[MissingFact]:
        """Unknown facts that decide instruments, most decisive first."""
        if self._read_missing is not None:
            return self._read_missing
        return self._explanation.missing if self._explanation is not None else []

    @computed_field  # type: ignore[prop-decorator]
    @property
    def graaf(self) -> dict[str, Any]:
        """The decision graph as node-link data (sorted, so the JSON is byte-identical across runs)."""
        if self._graph_data is None:
            if self._explanation is None:
                return {"directed": True, "multigraph": False, "graph": {}, "nodes": [], "links": []}
            data = self._explanation.graph.node_link_data()
            data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
            data["links"] = sorted(data["links"], key=lambda e: (e["source"], e["target"], e.get("soort", "")))
            self._graph_data = data
        return self._graph_data

    @property
    def explanation(self) -> DiGraph:
        """The decision graph in the light structure the reports read (`graph` gives it as networkx)."""
        if self._explanation is not None:
            return self._explanation.graph
        if self._read_graph is None:
            self._read_graph = DiGraph.from_node_link(self.graaf)
        return self._read_graph

    @property
    def recommended(self) -> list[str]:
        return self.aanbevolen

    @property
    def instruments(self) -> dict[str, InstrumentDecision]:
        return {inst.id: inst for inst in self.instrumenten}

    @property
    def graph(self) -> nx.DiGraph:
        """The decision graph as a networkx DiGraph (nodes: facts, information, rules, instruments, sources)."""
        if self._networkx is None:
            self._networkx = self.explanation.to_networkx()
        return self._networkx
