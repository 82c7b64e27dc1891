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
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, PrivateAttr, SerializationInfo, ValidationInfo, computed_field, field_serializer, model_validator

from ..core.digraph import DiGraph
from .part import CASE_PART_SCHEMA, WHOLE_SCHEMA, PartError, RulesetPart, compact_graph, compact_of, expand_graph, is_compact, sort_graph

if TYPE_CHECKING:
    import networkx as nx

SCHEMA_VERSION = "2"
READABLE_VERSIONS = ("1", "2")
# Set while render/json.py writes a decision with the case's part of its graph (`writing_case_part`).
_WRITING_CASE_PART: ContextVar[bool] = ContextVar("weerbaar_writing_case_part", default=False)


@contextmanager
def writing_case_part() -> Iterator[None]:
    """While a decision's JSON is written with the case's part of its graph, `graaf` gives that part straight away.

    pydantic reads a computed field before its serializer sees it; without this, writing the
    compact JSON would first make and sort the whole node-link data only to throw it away.
    """
    token = _WRITING_CASE_PART.set(True)
    try:
        yield
    finally:
        _WRITING_CASE_PART.reset(token)


class OldSchemaNotice(UserWarning):
    """A decision of an earlier schema version was read: it is used in the current form (docs/besluit.md)."""
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
    _compact: dict[str, Any] | None = PrivateAttr(default=None)  # the case's part of a decision read back (schema 2)
    _part: RulesetPart | None = PrivateAttr(default=None)  # the ruleset part its graph shares (decision/part.py)
    _read_missing: list[MissingFact] | None = PrivateAttr(default=None)
    _read_graph: DiGraph | None = PrivateAttr(default=None)  # the graph of a decision read back from JSON, built once
    _networkx: Any = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _read_explanation(cls, data: Any, handler: Any, info: ValidationInfo) -> Decision:
        """A decision read back from JSON keeps its graph and missing facts as they were written.

        Schema 2 carries the case's part of the graph (`regelsetdeel` names the ruleset part it needs,
        given as `context={"regelsetdeel": part}`, or found later); schema 1 carried it whole and is
        read with an OldSchemaNotice.
        """
        if not isinstance(data, dict) or not ("graaf" in data or "ontbrekende_feiten" in data or "schema_versie" in data):
            return handler(data)  # type: ignore[no-any-return]  # a decision being assembled (decision/assemble.py)
        data = dict(data)
        version = data.get("schema_versie", SCHEMA_VERSION)
        if version not in READABLE_VERSIONS:
            raise ValueError(f"schema_versie {version!r} wordt niet gelezen (wel: {', '.join(READABLE_VERSIONS)})")
        if version != SCHEMA_VERSION:
            warnings.warn(
                f"besluit met schema_versie {version} gelezen en omgezet naar versie {SCHEMA_VERSION} (docs/besluit.md)",
                OldSchemaNotice,
                stacklevel=2,
            )
            data["schema_versie"] = SCHEMA_VERSION
        graph_data = data.pop("graaf", None)
        read_back = "ontbrekende_feiten" in data or graph_data is not None
        missing = data.pop("ontbrekende_feiten", None) or []
        decision: Decision = handler(data)
        if isinstance(graph_data, dict) and is_compact(graph_data):
            decision._compact = graph_data
        elif graph_data is not None:
            decision._graph_data = graph_data
        if read_back:
            decision._read_missing = [MissingFact.model_validate(m) for m in missing]
        part = (info.context or {}).get("regelsetdeel") if info.context else None
        if part is not None:
            decision.use_part(part)
        return decision

    def use_part(self, part: RulesetPart | dict[str, Any]) -> None:
        """Join a decision read back with its ruleset part (a RulesetPart or its published JSON); a PartError if it does not fit."""
        found = part if isinstance(part, RulesetPart) else RulesetPart.from_document(part)
        if self._compact is not None:
            found.check(self._compact.get("regelsetdeel"))
        self._part = found

    def _known_part(self) -> RulesetPart | None:
        """The ruleset part of this decision: the one given, else the one this process made or the shipped rules give."""
        if self._part is None and self.part_key is not None:
            from .ruleset_part import find_part

            self._part = find_part(self.part_key)
        return self._part

    @property
    def part_key(self) -> str | None:
        """The key of the ruleset part this decision's graph needs; None when it carries its graph whole."""
        if self._compact is not None:
            return str(self._compact.get("regelsetdeel"))
        if self._part is not None:
            return self._part.key
        return None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ontbrekende_feiten(self) -> list[MissingFact]:
        """Unknown facts that decide instruments, most decisive first."""
        if self._read_missing is not None:
            return self._read_missing
        return self._explanation.missing if self._explanation is not None else []

    @computed_field(  # type: ignore[prop-decorator]
        description="De verklarende graaf als node-link-data. Standaard (schemaversie 2) alleen wat deze zaak toevoegt: "
        "`regelsetdeel` is de sleutel van het regelsetdeel met wat elk besluit van deze regelset deelt (rules graaf --regelset, "
        "GET /api/regelset/{sleutel}); een knoop noemt alleen de attributen die afwijken van het regelsetdeel (`_zonder`: die "
        "het niet heeft), en verwijzingen naar de eigen bronnen van een regel of instrument staan er niet in "
        "(`_niet_geciteerd`: die het niet citeert). Met volledig (--format json --volledig): de hele graaf "
        "(directed, multigraph, graph, nodes, links), zoals networkx.node_link_data. docs/besluit.md beschrijft beide.",
        json_schema_extra={"anyOf": [CASE_PART_SCHEMA, WHOLE_SCHEMA]},
    )
    @property
    def graaf(self) -> dict[str, Any]:
        """The decision graph as node-link data, whole (sorted, so the JSON is byte-identical across runs).

        In JSON it is written as the case's part with the key of its ruleset part (schema 2), unless
        the whole graph is asked for (`to_json(decision, volledig=True)`, `--format json --volledig`).
        A decision read back that carries only its case's part, without its ruleset part
        (`use_part`), gives that case's part as it was read; `whole_graph` says what is missing.
        """
        if _WRITING_CASE_PART.get():
            return self.case_part()  # to_json is writing the case's part: the whole graph need not be made first
        if self._graph_data is None and self._compact is not None and self._known_part() is None:
            return self._compact
        return self.whole_graph()

    def whole_graph(self) -> dict[str, Any]:
        """The whole graph as node-link data; a PartError naming the ruleset part when only the case's part is known."""
        if self._graph_data is None:
            if self._compact is not None:
                part = self._known_part()
                if part is None:
                    raise PartError(
                        f"dit besluit draagt alleen het eigen deel van zijn graaf; het regelsetdeel {self._compact.get('regelsetdeel')} "
                        "ontbreekt (rules graaf --regelset, GET /api/regelset/{sleutel}, of het bestand naast de batch)"
                    )
                self._graph_data = expand_graph(self._compact, part, self.peildatum)
            elif self._explanation is None:
                return {"directed": True, "multigraph": False, "graph": {}, "nodes": [], "links": []}
            else:
                data = self._explanation.graph.node_link_data()
                self._graph_data = sort_graph(data["nodes"], data["links"], data["graph"])
        return self._graph_data

    @field_serializer("graaf")
    def _graph_out(self, value: dict[str, Any], info: SerializationInfo) -> dict[str, Any]:
        """The case's part of the graph in JSON (schema 2), or the whole graph when asked (`volledig`)."""
        if (info.context or {}).get("volledig"):
            return self.whole_graph()
        return value if is_compact(value) else self.case_part()

    def case_part(self) -> dict[str, Any]:
        """What this decision's case adds to the graph of its ruleset (the JSON's `graaf`); whole without a ruleset part."""
        if self._compact is not None:
            return self._compact
        if self._part is None:
            return self.whole_graph()  # a decision made without a ruleset part (a v1 decision read back) stays whole
        if self._explanation is not None and self._graph_data is None:
            graph = self._explanation.graph  # straight from the graph: the whole node-link data is never made
            return compact_of(graph.nodes(data=True), graph.edges(data=True), graph.graph, self._part, self.peildatum)
        return compact_graph(self.whole_graph(), self._part, self.peildatum)

    def graph_first(self) -> None:
        """A writer of the whole decision needs its graph anyway: built now, the missing facts are read from it
        instead of from a skeleton built and thrown away first (explain/explanation.py)."""
        if self._explanation is not None:
            _ = self._explanation.graph

    @property
    def explanation(self) -> DiGraph:
        """The decision graph in the light structure the reports read (`graph` gives it as networkx)."""
        if self._explanation is not None:
            return self._explanation.graph
        if self._read_graph is None:
            self._read_graph = DiGraph.from_node_link(self.whole_graph())
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
