"""The one explanation of a decision: the graph built from its runs, and per instrument what every view states.

Built once, on first use, from the runs the decision was assembled from (or
read back from a decision's JSON). The decision's `graaf` and
`ontbrekende_feiten`, the text, the Markdown, the picture and `rules explain`
are views of it: they format its entries and never walk the rules or the graph
for a "why" themselves (render/). The model is OpenFisca's tracer: one
recorded trace, and views that only format it.

Each entry names rules by their graph node, which carries the rule id, its
title and its legal sources (`rule`). Information is named as a lawyer counts
it, by its place in the case file with its source and basis ("informatie 1
(politie, art. 16 Wpg)", `information_name`), never by the id the case gave it;
tracks, categories and authorities by the ruleset's `woorden` (`terms`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any

from ..case.names import BASIS_NAMES, SOURCE_NAMES, humanise_name
from ..core.digraph import DiGraph
from ..decision.model import Decision, InformationVerdict, InstrumentDecision, MissingFact
from ..engine.compiler import DEFINITE
from ..engine.runs import rule_walk
from .missing import exception_facts, missing_for_instrument, not_recommendable, recommended_by_track
from .relevance import fired, why_not_nodes

if TYPE_CHECKING:
    from ..case.model import Case
    from ..engine.runs import Part, Run
    from ..engine.walk import Trace
    from ..language.ruleset import Ruleset


@dataclass(frozen=True)
class RuleRef:
    """A rule as the explanation names it: its node in the graph, its id, title and legal sources, and what it did not meet."""

    node: str
    id: str
    title: str
    citations: tuple[str, ...]
    unmet: tuple[str, ...]


class InstrumentExplanation:
    """What the explanation says of one instrument, each part worked out once, when a view first asks for it."""

    def __init__(
        self, graph: DiGraph, instrument: str, names: dict[str, str] | None = None, recommended: dict[Any, list[dict[str, Any]]] | None = None
    ) -> None:
        self.graph = graph
        self.names = names or {}
        self._recommended = recommended  # missing.recommended_by_track(graph), shared by the entries of one graph
        self.id = instrument
        self.node = f"instrument:{instrument}"
        data = graph.nodes[self.node]
        self.status: str = str(data.get("status"))

    def rules(self, conclusions: set[str] | None, modes: set[str]) -> list[str]:
        """Rule nodes that conclude one of `conclusions` (None: anything) about the instrument and fired in one of `modes`."""
        graph = self.graph
        return sorted(
            source
            for source, _, data in graph.in_edges(self.node, data=True)
            if graph.nodes[source].get("soort") == "regel"
            and graph.nodes[source].get("modus") in modes
            and (conclusions is None or set(data.get("conclusies", [])) & conclusions)
        )

    @cached_property
    def available(self) -> list[str]:
        """The rules that make it available for sure."""
        return self.rules({"available"}, {"zeker"})

    @cached_property
    def suitable(self) -> list[str]:
        """The (policy) rules that judge it suitable for sure."""
        return self.rules({"suitable"}, {"zeker"})

    @cached_property
    def excluding(self) -> list[str]:
        """The rules that exclude it for sure."""
        return self.rules({"exclude"}, {"zeker"})

    @cached_property
    def not_available(self) -> list[str]:
        """The availability rules that did not fire: their unmet conditions say why not."""
        return self.rules({"available"}, {"niet"})

    @cached_property
    def support(self) -> list[str]:
        """The case facts and information under the rules that make it available and suitable, in words."""
        return support_facts(self.graph, self.available + self.suitable, self.names)

    @cached_property
    def grounds(self) -> list[str]:
        """The case facts and information under every rule that fired for sure about it (also procedure, weighing)."""
        return support_facts(self.graph, self.rules(None, {"zeker"}), self.names)

    @cached_property
    def missing(self) -> list[str]:
        """The missing-fact nodes that decide it: what its open rules wait for, and its open exceptions."""
        return missing_for_instrument(self.graph, self.id, self.exception_missing)

    @cached_property
    def exception_missing(self) -> set[str]:
        """The missing-fact nodes behind the exceptions left open under it."""
        return exception_facts(self.graph, self.id)

    @cached_property
    def not_recommendable(self) -> str | None:
        """Why learning facts cannot make it the recommendation of its track (Dutch); None if they can."""
        return not_recommendable(self.graph, self.id, self._recommended)

    @cached_property
    def why_not(self) -> set[str]:
        """Every node that keeps it from being available: unmet rules, facts, held-back information."""
        return why_not_nodes(self.graph, self.node, only_avg=False)

    @cached_property
    def held_back(self) -> set[str]:
        """The nodes behind it that only the AVG keeps out: without them it could be available."""
        return why_not_nodes(self.graph, self.node, only_avg=True)

    def has_reason(self, strict: bool = False) -> bool:
        """An exclusion worth telling: a rule excludes it, or the AVG keeps facts for it out.

        `strict` (the picture) counts the AVG only when it is the sole reason; otherwise
        it is enough that the engine set facts aside for this instrument.
        """
        graph = self.graph
        if any(d.get("soort") == "excludes" and fired(d) for _, _, d in graph.in_edges(self.node, data=True)):
            return True
        if not strict and any(d.get("soort") == "blocked-by" for _, _, d in graph.out_edges(self.node, data=True)):
            return True
        return bool(self.held_back)


class Explanation:
    """The explanation of one decision: its graph, its missing facts and an entry per instrument."""

    def __init__(
        self,
        build: Callable[[], DiGraph],
        missing: list[MissingFact] | None = None,
        runs: list[tuple[Run, Part]] | None = None,
        information: list[InformationVerdict] | None = None,
        terms: Callable[[], Terms] | None = None,
        skeleton: Callable[[], DiGraph] | None = None,
    ) -> None:
        self._build = build
        # Only what the missing-fact analysis reads (graph.build_skeleton): `missing` without the full graph.
        self._skeleton = skeleton
        self._information = information or []
        self._terms = terms or Terms
        # The runs the decision was assembled from; none when it was read back from JSON.
        self.runs = runs or []
        self._missing = missing
        self._instruments: dict[str, InstrumentExplanation] = {}
        self._shown: dict[bool, list[str]] = {}

    @classmethod
    def of_runs(cls, ruleset: Ruleset, case: Case, runs: list[tuple[Run, Part]], decision: Decision) -> Explanation:
        """The explanation of a decision just assembled from these runs, built when a view first asks."""
        from .graph import build_graph, build_skeleton

        decided = _Decided(decision.instrumenten, decision.informatie)  # not the decision: no reference cycle
        return cls(
            lambda: build_graph(ruleset, case, runs, decided),
            runs=runs,
            information=decision.informatie,
            terms=lambda: Terms.of(ruleset),
            skeleton=lambda: build_skeleton(ruleset, case, runs, decided),
        )

    @classmethod
    def of_graph(
        cls, graph: DiGraph, missing: list[MissingFact] | None = None, information: list[InformationVerdict] | None = None, ruleset: str | None = None
    ) -> Explanation:
        """The explanation of a decision read back from JSON: its graph and missing facts as they were written.

        The words of its ruleset (`terms`) are those of the shipped ruleset of that name, when there is one."""
        return cls(lambda: graph, missing, information=information, terms=lambda: _shipped_terms(ruleset))

    @cached_property
    def terms(self) -> Terms:
        """The ruleset's words for tracks, categories, authorities, purposes and municipal steps."""
        return self._terms()

    @cached_property
    def information_names(self) -> dict[str, str]:
        """Information node -> its name as a lawyer counts it: "informatie 1 (politie, art. 16 Wpg)"."""
        return {f"informatie:{v.id}": information_name(index, v.bron, v.grondslag) for index, v in enumerate(self._information)}

    def information_name(self, info_id: str) -> str:
        return self.information_names.get(f"informatie:{info_id}", "informatie")

    def label(self, node: str) -> str:
        """A node of the graph in words for a reader: information by its place, everything else by its label."""
        return self.information_names.get(node) or str(self.graph.nodes[node].get("label", node)) if node in self.graph else node

    @cached_property
    def graph(self) -> DiGraph:
        return self._build()

    @property
    def missing(self) -> list[MissingFact]:
        """Unknown facts that decide instruments, most decisive first (the decision's `ontbrekende_feiten`).

        Read from the full graph when a view has built it already, else from the
        skeleton (graph.build_skeleton), which is made for this and not kept: one
        analysis (`analyse_missing`) over graphs that agree wherever it reads them.
        """
        if self._missing is None:
            if self._skeleton is None or "graph" in self.__dict__:
                self._missing = self.missing_in_graph()
            else:
                skeleton = self._skeleton()
                by_track = recommended_by_track(skeleton)
                self._missing = analyse_missing(skeleton, lambda inst: InstrumentExplanation(skeleton, inst, recommended=by_track))
        return self._missing

    def missing_in_graph(self) -> list[MissingFact]:
        """The missing facts as the full graph's per-instrument entries give them (those the views read)."""
        return analyse_missing(self.graph, self.instrument)

    def _instrument_nodes(self) -> list[str]:
        return instrument_nodes(self.graph)

    def instrument(self, instrument: str) -> InstrumentExplanation:
        found = self._instruments.get(instrument)
        if found is None:
            found = self._instruments[instrument] = InstrumentExplanation(self.graph, instrument, self.information_names, self._by_track)
        return found

    @cached_property
    def _by_track(self) -> dict[Any, list[dict[str, Any]]]:
        """The recommended instruments' nodes per track, looked up once for every entry's `not_recommendable`."""
        return recommended_by_track(self.graph)

    def shown(self, focus: bool = False) -> list[str]:
        """The instrument nodes that bear on the outcome.

        Without `focus` (the text report): everything except instruments that
        simply do not apply. With `focus` (the picture): the recommendation and its
        alternatives, undecided instruments only when they could still become the
        recommendation (or when nothing is recommended), and stated exclusions only
        in a track that is in the picture anyway.
        """
        found = self._shown.get(focus)
        if found is None:
            found = self._shown[focus] = self._select(focus)
        return found

    def _select(self, focus: bool) -> list[str]:
        graph = self.graph
        instruments = self._instrument_nodes()
        entry = {n: self.instrument(n.split(":", 1)[1]) for n in instruments}
        status = {n: entry[n].status for n in instruments}
        if not focus:
            return [n for n in instruments if status[n] != "uitgesloten" or entry[n].has_reason()]
        anything_recommended = "aanbevolen" in status.values()
        recommending = {graph.nodes[n].get("spoor") for n in instruments if status[n] == "aanbevolen"}
        shown = []
        for node in instruments:
            open_question = not anything_recommended or entry[node].not_recommendable is None
            if status[node] == "aanbevolen":
                shown.append(node)
            elif status[node] == "mogelijk" and (graph.nodes[node].get("spoor") in recommending or open_question):
                shown.append(node)  # an alternative to a recommendation, or one that could still become one
            elif status[node] == "onbeslist" and open_question:
                shown.append(node)
        tracks = {graph.nodes[n].get("spoor") for n in shown}
        for node in instruments:
            if status[node] == "uitgesloten" and entry[node].has_reason(strict=True):
                if graph.nodes[node].get("spoor") in tracks or not shown:
                    shown.append(node)
        return sorted(shown)

    def rule(self, node: str) -> RuleRef:
        data = self.graph.nodes[node]
        return RuleRef(
            node, str(data.get("regel", node)), str(data.get("label", node)), tuple(data.get("grondslag", [])), tuple(data.get("onvervuld", []))
        )

    def rule_in_run(self, ruleset: Ruleset, instrument: str, index: int) -> tuple[set[str], Trace | None]:
        """How a rule fired in the run that decided `instrument`, and, unless it fired for sure, its walk there.

        That run's usable information and derived facts count (a college power is
        decided on what the college may use), with the walk the decision itself
        made of the rule when it made one. Nothing is known of a decision read back
        from JSON: no modes and no walk.
        """
        found = next((run for run, part in self.runs if instrument in part.instruments), None)
        if found is None:
            return set(), None
        modes = {f.unit.mode for f in found.firings if f.unit.rule_index == index}
        if DEFINITE in modes:
            return modes, None
        return modes, rule_walk(ruleset, found, index)[1]


def instrument_nodes(graph: DiGraph) -> list[str]:
    """The graph's instrument nodes, in a stable order."""
    return sorted(n for n, d in graph.nodes(data=True) if d.get("soort") == "instrument")


def analyse_missing(graph: DiGraph, entries: Callable[[str], InstrumentExplanation]) -> list[MissingFact]:
    """Unknown facts that decide an instrument; those that could change the recommendation first.

    Each row: the path in the case file (`feit`), its Dutch name, the
    instruments it decides, and the instruments through which knowing it could
    change the recommendation (`verandert_via`; `kan_aanbeveling_veranderen` is
    whether there is one). Read from per-instrument entries (`entries`): over
    the full graph the very entries the picture's "zonder invloed" box and the
    text's lists read, so the views cannot disagree on an instrument; over the
    skeleton fresh ones that read the same nodes and edges.
    """
    decides: dict[str, set[str]] = {}
    via: dict[str, set[str]] = {}
    for node in instrument_nodes(graph):
        entry = entries(node.split(":", 1)[1])
        for missing in entry.missing:
            decides.setdefault(missing, set()).add(entry.id)
        could = entry.not_recommendable is None
        if entry.missing and could:
            for missing in entry.missing:
                via.setdefault(missing, set()).add(entry.id)
        data = graph.nodes[node]
        if data.get("status") == "aanbevolen" or (data.get("status") != "uitgesloten" and could) or (
            data.get("status") == "uitgesloten" and data.get("kan_passend")
        ):
            # An established exception takes a recommendation away, or lifts an exclusion that stood in the way.
            for missing in entry.exception_missing:
                via.setdefault(missing, set()).add(entry.id)
    rows = [
        MissingFact(
            feit=graph.nodes[node].get("pad", node),
            omschrijving=graph.nodes[node].get("label", node),
            instrumenten=sorted(ids),
            kan_aanbeveling_veranderen=bool(via.get(node)),
            verandert_via=sorted(via.get(node, ())),
        )
        for node, ids in decides.items()
    ]
    # What could change the recommendation first; then most instruments; then the fact more rules wait for.
    order = {graph.nodes[n].get("pad", n): graph.in_degree(n) for n in decides}
    rows.sort(key=lambda r: (not r.kan_aanbeveling_veranderen, -len(r.instrumenten), -order[r.feit], r.feit))
    return rows


@dataclass(frozen=True)
class _Decided:
    """What the graph reads of a decision (explain.graph.Decided), held without the decision itself."""

    instrumenten: list[InstrumentDecision]
    informatie: list[InformationVerdict]


def explanation_of(decision: Decision) -> Explanation:
    """The decision's explanation: the one it was assembled with, or one read from its JSON (`graaf`)."""
    found = decision._explanation
    if not isinstance(found, Explanation):
        found = Explanation.of_graph(decision.explanation, decision.ontbrekende_feiten, decision.informatie, decision.ontvangstbewijs.ruleset)
        decision._explanation = found
    return found


def support_facts(graph: DiGraph, rules: list[str], names: dict[str, str] | None = None) -> list[str]:
    """The case facts and information under these rules, following only what fired, in words (`names`: information by its place)."""
    seen: set[str] = set(rules)
    stack = list(rules)
    found: set[str] = set()
    while stack:
        node = stack.pop()
        for source, _, data in graph.in_edges(node, data=True):
            if source in seen or data.get("soort") not in ("supports", "derives") or not fired(data):
                continue
            seen.add(source)
            if graph.nodes[source].get("soort") in ("feit", "informatie"):
                found.add(source)
            stack.append(source)
    order = {"feit": 0, "informatie": 1}
    names = names or {}
    return [names.get(n) or str(graph.nodes[n]["label"]) for n in sorted(found, key=lambda n: (order.get(graph.nodes[n].get("soort", ""), 2), n))]


def information_name(index: int, source: str | None, basis: str | None) -> str:
    """An information item by its place in the case file, its source and its basis: "informatie 1 (politie, art. 16 Wpg)"."""
    return f"informatie {index + 1} ({SOURCE_NAMES.get(source, source)}, {BASIS_NAMES.get(basis, basis)})"


@dataclass(frozen=True)
class Terms:
    """The ruleset's words for a reader (`woorden` in the catalogue), and each instrument's municipal step."""

    tracks: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # spoor -> (naam, uitleg)
    categories: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    authorities: dict[str, str] = field(default_factory=dict)  # bevoegd -> "de burgemeester"
    purposes: dict[str, str] = field(default_factory=dict)  # informatiedoel -> "een Bibob-toets"
    steps: dict[str, tuple[str, str]] = field(default_factory=dict)  # instrument -> (bevoegd, stap)
    parameters: dict[str, str] = field(default_factory=dict)  # parameter -> its description
    rules: dict[str, str] = field(default_factory=dict)  # rule id -> its title

    @classmethod
    def of(cls, ruleset: Ruleset) -> Terms:
        words = ruleset.wording
        return cls(
            tracks={k: (t.naam, t.uitleg) for k, t in words.sporen.items()},
            categories={k: (t.naam, t.uitleg) for k, t in words.categorieen.items()},
            authorities=dict(words.bevoegden),
            purposes=dict(words.doelen),
            steps={i.id: (i.stap_gemeente.bevoegd, i.stap_gemeente.stap) for i in ruleset.instruments if i.stap_gemeente is not None},
            parameters=dict(ruleset.parameter_notes),
            rules={rule.id: rule.title for rule in ruleset.rules},
        )

    def track(self, spoor: str) -> str:
        return self.tracks.get(spoor, (f"het spoor {humanise_name(spoor)}", None))[0]

    def track_note(self, spoor: str) -> str | None:
        return self.tracks.get(spoor, ("", None))[1]

    def category(self, categorie: str) -> str:
        return self.categories.get(categorie, (humanise_name(categorie), None))[0]

    def authority(self, bevoegd: str) -> str:
        """With its article, as the subject of a sentence: "de burgemeester"."""
        return self.authorities.get(bevoegd, humanise_name(bevoegd))

    def purpose(self, doel: str) -> str:
        return self.purposes.get(doel, humanise_name(doel))


@lru_cache(maxsize=4)
def _shipped_terms(name: str | None) -> Terms:
    """The words of the shipped ruleset called `name` (a decision read back from JSON names its ruleset, not its files)."""
    from ..language.resources import national_rules
    from ..language.ruleset import load_ruleset

    try:
        ruleset = load_ruleset(national_rules())
    except Exception:  # a broken installation still shows the decision, with ids humanised
        return Terms()
    return Terms.of(ruleset) if ruleset.name == name else Terms()


__all__ = ["Explanation", "InstrumentExplanation", "RuleRef", "Terms", "explanation_of", "information_name", "support_facts"]
