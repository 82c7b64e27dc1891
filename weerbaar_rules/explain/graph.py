"""The explained decision graph, built from the recorded firings and the rules that did not fire.

Nodes (attribute ``soort``):

* ``feit`` — a fact of the case: a field of the case (``feit:locatie.type``) or
  an item of one of its lists (``feit:activiteiten[0]``);
* ``informatie`` — an information item with its source and AVG basis, and
  whether it may carry a decision;
* ``afgeleid`` — a derived fact (``modus`` zeker / mogelijk / niet);
* ``regel`` — a rule (``modus`` zeker / mogelijk when it fired, ``niet`` when it
  did not; then ``onvervuld`` says why);
* ``instrument`` — a catalogued instrument with its ``status``;
* ``ontbrekend`` — an unknown fact a possibly fired rule waits for;
* ``uitzondering`` — an exception (``unless``) left open under an instrument:
  not established, so the power stands, but a point to check;
* ``bron`` — a legal source, with its link.

Edges (attribute ``soort``): ``supports`` (fact -> rule, information -> fact,
rule -> instrument it makes available or suitable), ``derives`` (rule ->
derived fact), ``excludes``, ``requires`` (procedure and weighing points),
``cites`` (rule or instrument -> legal source), ``checks`` (instrument -> an
open exception) and ``blocked-by`` (a rule that did not or only possibly fired
-> the fact, missing fact or information that stopped it; a fact -> the
unlawful information it rests on; an open exception -> the unknown facts that
would settle it).

Nothing here re-decides anything. Fired rules and their facts come from the
engine's firings; the reasons a rule did not fire come from the three-valued
walk in `engine/walk.py`. Internal helper facts (names starting with ``__``) are
folded away: the facts behind them are linked straight to the rule that used
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from ..case.names import (
    BASIS_NAMES,
    ITEM_FIELDS,
    PRIVATE_FIELDS,
    PRIVATE_ITEM_FIELDS,
    SOURCE_NAMES,
    Namer,
    humanise_name,
    split_item,
)
from ..core.digraph import DiGraph
from ..decision.faces import faces_of, profile_face
from ..engine.compiler import DEFINITE, POSSIBLE, Neg, implied_modes
from ..engine.facts import POSSIBLY_USABLE, USABLE, CaseFacts
from ..engine.runs import local_explainer, local_walk, rule_walk
from ..engine.walk import Explainer, Trace, _get
from ..language import conditions as cond

if TYPE_CHECKING:
    from ..case.model import Case
    from ..decision.model import InformationVerdict, InstrumentDecision
    from ..engine.runs import Firing, Part, Run
    from ..language.ruleset import Citation, Rule, Ruleset

SUPPORTS, DERIVES, EXCLUDES, REQUIRES, CITES, BLOCKED_BY, CHECKS = (
    "supports",
    "derives",
    "excludes",
    "requires",
    "cites",
    "blocked-by",
    "checks",
)
NOT_FIRED = "niet"
_RANK = {DEFINITE: 2, POSSIBLE: 1, NOT_FIRED: 0}
# Conclusion kind -> edge kind; a kind added to the language later shows as "supports" until named here.
_EDGE_FOR = {
    "available": SUPPORTS,
    "suitable": SUPPORTS,
    "escalate": SUPPORTS,
    "exclude": EXCLUDES,
    "require": REQUIRES,
    "weigh": REQUIRES,
}

class _Wiring:
    """How the builder draws each rule's edges, the same for every case: worked out once per ruleset.

    Per rule, in the rule's order, each conclusion as (edge kind, conclusion kind, its instruments, or
    the fact it derives as the one target of kind "derive"), and the parameters the rule reads (for
    the profile's edges). What a node *shows* is in decision/faces.py, shared with the ruleset part.
    """

    def __init__(self, ruleset: Ruleset) -> None:
        self.concludes = tuple(
            tuple(
                (DERIVES, "derive", (str(c.derive),)) if c.kind == "derive" else (_EDGE_FOR.get(c.kind, SUPPORTS), c.kind, c.targets)
                for c in rule.then
            )
            for rule in ruleset.rules
        )
        self.params = tuple(frozenset(_params_of(rule)) for rule in ruleset.rules)


def _wiring(ruleset: Ruleset) -> _Wiring:
    return ruleset.kept("_graph_wiring", _Wiring)


def _flat(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.extend(_flat(value, f"{prefix}{key}."))
        else:
            out.append((f"{prefix}{key}", value))
    return out


def quantity_text(quantity: Any) -> str | None:
    """A quantity in words: "40 gram", "2 stuks", or the classification alone."""
    if quantity is None:
        return None
    if quantity.waarde is None:
        return humanise_name(quantity.eenheid)
    return f"{quantity.waarde:g} {quantity.eenheid}"


def _format_value(value: Any) -> str:
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if value is None:
        return "onbekend"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


class _Builder:
    """The explanation of one run, for the instruments that run decides (`scope`).

    A case whose information may be used by one authority and not by another
    is decided in several runs (engine/gate.py); the rules and derived facts of a
    second run get a suffix (`regel:x@college`), so each instrument is linked
    only to the run that decided it.

    With `skeleton` it builds what the missing-fact analysis (explain/missing.py)
    reads, and what decides which part of a second run's graph is kept
    (`_explaining`): every node and edge of the full graph but the legal
    sources, the profile's own node and the fields of the case no rule reads,
    none of which leads anywhere; and none of what is there for a reader:
    labels, details, values, `onvervuld` texts, the "is the AVG the only
    reason" counterfactual. The decision's `ontbrekende_feiten` is read from
    it, so a caller who wants the missing facts does not pay for the picture;
    built by this same code, it cannot drift from the full graph
    (tests/test_missing_skeleton.py compares the two).
    """

    def __init__(
        self, ruleset: Ruleset, case: Case, run: Run, decision: Decided, part: Part | None = None, skeleton: bool = False
    ) -> None:
        self.skeleton = skeleton
        self.ruleset = ruleset
        self.case = case
        self.run = run
        self.decision = decision
        self.graph = DiGraph()
        self.faces = faces_of(ruleset)
        self.wiring = _wiring(ruleset)
        self.namer = Namer(case, ruleset.parameters)
        self.explainer = local_explainer(run)
        self.scope = part.instruments if part is not None else frozenset(i.id for i in ruleset.instruments)
        self.suffix = "" if part is None or part.main else f"@{run.context}"
        contexts = {(c.bevoegd, c.doel) for c in part.contexts} if part is not None else None
        self.usable = {
            v.id: any(u.bruikbaar is True for u in v.gebruik if contexts is None or (u.bevoegd, u.doel) in contexts) for v in decision.informatie
        }
        self._items: dict[str, str] = {}  # provenance -> its node (`item`)
        self.by_rule: dict[int, str] = {}  # rule index -> best mode it fired in
        for firing in run.firings:
            index = firing.unit.rule_index
            if index is not None and _RANK[firing.unit.mode] > _RANK.get(self.by_rule.get(index, NOT_FIRED), 0):
                self.by_rule[index] = firing.unit.mode
        self.concluding, self.deriving = ruleset.concluding, ruleset.deriving
        # For "is the AVG the only reason?": derived facts as they would be if unusable information counted.
        self.counterfactual_derived: dict[str, str] = dict(run.derived)
        self._counterfactual: Explainer | None = None
        # Helper facts (`__hulp0`) -> the facts behind them, per mode of the rule that uses them.
        self.helpers: dict[str, dict[str, list[str]]] = {}
        for firing in run.firings:
            if firing.unit.rule_index is not None:
                continue
            for name in firing.unit.derives:
                for mode in implied_modes(firing.unit.mode):
                    bucket = self.helpers.setdefault(name, {}).setdefault(mode, [])
                    bucket.extend(p for p in firing.facts if p not in bucket)

    # -- nodes ---------------------------------------------------------------

    def edge(self, source: str, target: str, soort: str, **attrs: Any) -> None:
        """Add an edge; a definite firing is never downgraded by a later possible one."""
        data = self.graph.edge_data(source, target)
        if data is not None:
            old = data.get("modus")
            new = attrs.get("modus")
            if old is not None and new is not None and _RANK[new] < _RANK[old]:
                attrs["modus"] = old
            conclusions = list(data.get("conclusies", []))
            for c in attrs.pop("conclusies", []):
                if c not in conclusions:
                    conclusions.append(c)
            if conclusions:
                attrs["conclusies"] = sorted(conclusions)
            if data.get("soort") == EXCLUDES or (data.get("soort") == SUPPORTS and soort == REQUIRES):
                soort = data["soort"]
            data.update(attrs, soort=soort)
            return
        if "conclusies" in attrs:
            attrs["conclusies"] = sorted(attrs["conclusies"])
        self.graph.add_edge(source, target, soort=soort, **attrs)

    def cite(self, source: str, citation: Citation, node: str | None = None) -> None:
        """Link to a legal source; `node` is its node when the caller already knows it (`bron:` + label)."""
        if self.skeleton:
            return  # a legal source explains to a reader; no missing fact hangs on it
        if node is None:
            node = f"bron:{citation.label}"
        graph = self.graph
        if node not in graph:
            graph.add_node(node, soort="bron", label=node.removeprefix("bron:"), url=citation.link_on(self.run.facts.peildatum))
        if graph.edge_data(source, node) is None:
            graph.add_edge(source, node, soort=CITES)

    def information(self) -> None:
        for verdict in self.decision.informatie:
            if self.skeleton:
                self.graph.add_node(f"informatie:{verdict.id}", soort="informatie")
                continue
            self.graph.add_node(
                f"informatie:{verdict.id}",
                soort="informatie",
                label=f"informatie {verdict.id}: {SOURCE_NAMES.get(verdict.bron, verdict.bron)}, "
                f"{BASIS_NAMES.get(verdict.grondslag, verdict.grondslag)}",
                bron=verdict.bron,
                grondslag=verdict.grondslag,
                bruikbaar=verdict.bruikbaar,
                toelichting=verdict.toelichting,
            )

    def item(self, provenance: str) -> str:
        """A list item of the case, linked to the information it rests on (made once: later calls only name it)."""
        found = self._items.get(provenance)
        if found is None:
            found = self._items[provenance] = self._item(provenance)
        return found

    def _item(self, provenance: str) -> str:
        parts = split_item(provenance)
        if parts is not None and parts[0] == "informatie":
            return f"informatie:{self.case.informatie[parts[1]].id}"
        node = f"feit:{provenance}"
        if node in self.graph:
            return node
        if self.skeleton:
            self.graph.add_node(node, soort="feit", pad=provenance)
        else:
            self.graph.add_node(
                node, soort="feit", label=self._item_label(provenance), pad=provenance, details=self._details(provenance)
            )
        if parts is not None and parts[0] != "informatie":
            item: Any = getattr(self.case, parts[0])[parts[1]]
            blocked = provenance in self.run.facts.unusable
            for ref in getattr(item, "informatie", []) or []:
                if self.usable.get(ref):
                    self.edge(f"informatie:{ref}", node, SUPPORTS)
                elif blocked:
                    # Only when nothing else carries the fact: then this information is why it does not count.
                    self.edge(node, f"informatie:{ref}", BLOCKED_BY, reden="avg")
        return node

    def _item_label(self, provenance: str) -> str:
        parts = split_item(provenance)
        if parts is None:
            return provenance
        list_name, index = parts
        item: Any = getattr(self.case, list_name)[index]
        if list_name == "activiteiten":
            words = [
                item.vorm,
                f"lijst {item.opiumwet_lijst}" if item.opiumwet_lijst else None,
                quantity_text(item.hoeveelheid),
                str(item.datum) if item.datum else None,
            ]
        elif list_name == "vergunningen":
            words = [item.status, str(item.datum) if item.datum else None]
        elif list_name == "voorgeschiedenis":
            words = [str(item.datum) if item.datum else None, humanise_name(item.reden) if item.reden else None]
        elif list_name == "antecedenten":
            words = [item.soort, humanise_name(item.wet) if item.wet else None, str(item.datum) if item.datum else None]
        elif list_name == "betrokkenen":
            words = [", ".join(item.rollen) or None]  # roles only: a name never leaves the case's own fields
        else:
            words = [item.bron, item.grondslag]
        name = self.namer.item(provenance)
        shown = [w for w in words if w]
        return f"{name}: {', '.join(shown)}" if shown else name

    def _details(self, provenance: str) -> list[str]:
        """Every known field of an item as "name: value", for reports that list the facts in full."""
        parts = split_item(provenance)
        if parts is None:
            return []
        list_name, index = parts
        item: Any = getattr(self.case, list_name)[index]
        names = ITEM_FIELDS.get(list_name, {})
        out = []
        for key, value in _flat(item.model_dump(mode="json", exclude_none=True)):
            if key in ("informatie", "betrokkenen", "betrokkene") or key in PRIVATE_ITEM_FIELDS:
                continue  # references are edges; a name is personal data and never leaves the case
            out.append(f"{names.get(key, humanise_name(key))}: {humanise_name(_format_value(value))}")
        refs = getattr(item, "informatie", None)
        if refs:
            out.append("informatie: " + ", ".join(refs))
        return out

    def case_facts(self) -> None:
        """Every known fact of the case is a node, used or not, so the graph carries the whole case (minus personal data).

        The skeleton has the list items too, not the fields: an item is linked to
        the information it rests on, and through those links a second run's graph
        reaches what explains its instruments (`_explaining`); a field that no
        rule reads has no edge at all.
        """
        if self.skeleton:
            for list_name in ("betrokkenen", "activiteiten", "vergunningen", "voorgeschiedenis", "antecedenten"):
                for index in range(len(getattr(self.case, list_name))):
                    self.item(f"{list_name}[{index}]")
            return
        for section in ("locatie", "openbare_orde"):
            values = getattr(self.case, section).model_dump(mode="json", exclude_none=True)
            for key, _ in _flat(values):
                path = f"{section}.{key}"
                if path not in PRIVATE_FIELDS:
                    self.field(path)
        for list_name in ("betrokkenen", "activiteiten", "vergunningen", "voorgeschiedenis", "antecedenten"):
            for index in range(len(getattr(self.case, list_name))):
                self.item(f"{list_name}[{index}]")

    def field(self, path: str) -> str:
        """A field of the case, with its value as the engine saw it (never personal data)."""
        node = f"feit:{path}"
        if node not in self.graph:
            if self.skeleton:
                self.graph.add_node(node, soort="feit", pad=path)
                return node
            if path in PRIVATE_FIELDS:
                value = "(persoonsgegeven)"
            else:
                value = humanise_name(_format_value(_get(self.run.facts.zaak, path)))
            self.graph.add_node(node, soort="feit", label=f"{self.namer.field(path)}: {value}", pad=path, waarde=value)
        return node

    def derived(self, name: str) -> str:
        node = f"afgeleid:{name}{self.suffix}"
        if node not in self.graph:
            if self.skeleton:
                self.graph.add_node(node, soort="afgeleid", naam=name, modus=self.run.derived.get(name, NOT_FIRED))
                return node
            self.graph.add_node(
                node, soort="afgeleid", naam=name, label=humanise_name(name), modus=self.run.derived.get(name, NOT_FIRED)
            )
        return node

    def missing(self, path: str) -> str:
        node = f"ontbreekt:{path}"
        if node not in self.graph:
            owner, name = self.namer.split(path)
            self.graph.add_node(node, soort="ontbrekend", label=self.namer.path(path), pad=path, eigenaar=owner, veld=name)
        return node

    def rule_node(self, rule: Rule) -> str:
        return f"regel:{rule.id}{self.suffix}"

    def rule(self, index: int, mode: str) -> str:
        face = self.faces.rules[index]
        node = f"regel:{face.id}{self.suffix}"
        if node in self.graph and _RANK[self.graph.nodes[node]["modus"]] >= _RANK[mode]:
            return node
        if self.skeleton:
            self.graph.add_node(node, soort="regel", regel=face.id, modus=mode, onvervuld=[])
            return node
        self.graph.add_node(
            node,
            soort="regel",
            regel=face.id,
            label=face.title,
            modus=mode,
            context=self.run.context if self.suffix else None,
            domein=face.domain,
            grondslag=list(face.labels),
            definitie=face.definition,
            onvervuld=[],
        )
        for source, citation in face.citations:
            self.cite(node, citation, source)
        return node

    def instruments(self) -> None:
        status = {inst.id: inst.status for inst in self.decision.instrumenten}
        if self.skeleton:
            for inst in self.ruleset.instruments:
                self.graph.add_node(
                    f"instrument:{inst.id}",
                    soort="instrument",
                    label=inst.naam,
                    status=status[inst.id],
                    spoor=inst.spoor,
                    ingrijpendheid=inst.ingrijpendheid,
                    kan_passend=bool(self.concluding.get(("suitable", inst.id))),
                )
            return
        for inst, face in zip(self.ruleset.instruments, self.faces.instruments(self.run.facts.peildatum)):
            node = f"instrument:{inst.id}"
            self.graph.add_node(
                node,
                soort="instrument",
                label=inst.naam,
                status=status[inst.id],
                bevoegd=face.authority,
                spoor=inst.spoor,
                categorie=inst.categorie,
                ingrijpendheid=inst.ingrijpendheid,
                grondslag=list(face.labels),
                # Whether any rule can judge it suitable: without one it can never be the recommendation.
                kan_passend=bool(self.concluding.get(("suitable", inst.id))),
            )
            for source, citation in face.citations:
                self.cite(node, citation, source)

    # -- what fired ------------------------------------------------------------

    def firing(self, firing: Firing) -> None:
        unit = firing.unit
        assert unit.rule_index is not None
        node = self.rule(unit.rule_index, unit.mode)
        for provenance in firing.facts:
            if provenance == "zaak":
                continue  # the case-level fields it tested are linked one by one below
            if provenance.startswith("afgeleid:"):
                name = provenance.split(":")[1]
                if name.startswith("__"):
                    for hidden in self.helpers.get(name, {}).get(unit.mode, []):
                        if hidden != "zaak" and not hidden.startswith("afgeleid:"):
                            self.edge(self.item(hidden), node, SUPPORTS, modus=unit.mode)
                    continue
                self.edge(self.derived(name), node, SUPPORTS, modus=unit.mode)
            else:
                self.edge(self.item(provenance), node, SUPPORTS, modus=unit.mode)
        for atom in unit.body:
            leaf = atom.leaf if isinstance(atom, Neg) else atom
            if not isinstance(leaf, cond.Leaf):
                continue
            known = _get(self.run.facts.zaak, leaf.field) is not None
            if known or leaf.op == "known":
                self.edge(self.field(leaf.field), node, SUPPORTS, modus=unit.mode)
        for kind, concluded, targets in self.wiring.concludes[unit.rule_index]:
            if concluded == "derive":
                self.edge(node, self.derived(targets[0]), DERIVES, modus=unit.mode)
                continue
            for target in targets:
                if target not in self.scope:
                    continue  # another run decides this instrument
                self.edge(node, f"instrument:{target}", kind, modus=unit.mode, conclusies=[concluded])

    def possible(self, index: int) -> None:
        """A rule that fired only possibly: link it to the unknown facts it waits for."""
        rule = self.ruleset.rules[index]
        trace = local_walk(self.ruleset, self.run, index)
        node = self.rule_node(rule)
        waits: list[str] = []
        for finding in trace.missing:
            kind, target = finding.kind, finding.target
            if kind == "afgeleid":
                continue  # already linked: the possibly derived fact supports this rule
            path = f"parameter:{target}" if kind == "parameter" else target
            waits.append(path)
            self.edge(node, self.missing(path), BLOCKED_BY, reden="ontbreekt")
        self.graph.nodes[node]["ontbreekt"] = waits

    # -- what did not fire -----------------------------------------------------

    def not_fired(self, index: int, seen: set[int]) -> str:
        """A rule that did not fire: its unmet conditions, and edges to what blocked it (recursively)."""
        rule = self.ruleset.rules[index]
        node = self.rule(index, NOT_FIRED)
        if index in seen or self.graph.nodes[node]["modus"] != NOT_FIRED:
            return node
        seen.add(index)
        day = self.run.facts.peildatum
        data = self.graph.nodes[node]
        if not rule.in_force(day):
            if data["onvervuld"] or self.skeleton:
                return node  # another version of this rule explains it better (the skeleton says nothing)
            van = rule.geldig_van.isoformat() if rule.geldig_van else "…"
            tot = rule.geldig_tot.isoformat() if rule.geldig_tot else "…"
            data["onvervuld"] = [f"geldt niet op peildatum {day.isoformat()} (geldig {van} t/m {tot})"]
            return node
        trace = rule_walk(self.ruleset, self.run, index)[1]  # the decision's walk: its unmet conditions and held-back facts
        if not self.skeleton:
            # The AVG reason first: it is why the facts that would have met the condition do not count.
            data["onvervuld"] = [
                f"{self.namer.item(p)} rust alleen op informatie die geen besluit kan dragen (AVG)" for p in trace.blocked
            ] + [self.namer.text(u) for u in trace.unmet]
        for provenance in trace.blocked:
            self.edge(node, self.item(provenance), BLOCKED_BY, reden="avg")
        any_avg = bool(trace.blocked)
        for finding in trace.unmet:
            kind, target = finding.kind, finding.target
            if kind == "afgeleid":
                derived = self.derived(target)
                self.edge(node, derived, BLOCKED_BY, reden="onvervuld")
                explained = False
                for deriver in self.deriving.get(target, []):
                    if deriver not in self.by_rule:
                        deriver_node = self.not_fired(deriver, seen)
                        self.edge(deriver_node, derived, DERIVES, modus=NOT_FIRED)
                        explained |= bool(self.graph.nodes[deriver_node].get("alleen_avg"))
                if explained and target not in self.run.derived:
                    self.counterfactual_derived[target] = DEFINITE
                any_avg |= explained
                continue
            if kind == "uitzondering":
                self.edge(node, self.exception_applied(rule, target), BLOCKED_BY, reden="uitzondering")
            elif kind == "afgeleid_geldt":
                self.edge(node, self.derived(target), BLOCKED_BY, reden="onvervuld")
            elif kind == "veld":
                self.edge(node, self.field(target), BLOCKED_BY, reden="onvervuld")
            elif kind == "lijst":
                for fact in self.explainer.items.get(target, []):
                    provenance = fact["_p"]
                    if provenance not in trace.blocked:
                        self.edge(node, self.item(provenance), BLOCKED_BY, reden="onvervuld")
        # Would the rule hold if the information that may not carry a decision were lawful? Asked of the
        # same three-valued walk, over the same facts with only that information counted as usable.
        if not self.skeleton:
            data["alleen_avg"] = any_avg and self.counterfactual().evaluate(rule.when, Trace()) is not False
        return node

    def exception_applied(self, rule: Rule, title: str) -> str:
        """An established exception: a node linked to the case fields it tested (items are named by the rule's walk)."""
        node = f"uitzondering:{title}"
        if node not in self.graph:
            self.graph.add_node(node, soort="uitzondering", **({} if self.skeleton else {"label": f"uitzondering geldt: {title}"}), geldt=True)
        for found in cond.walk(rule.when):
            if isinstance(found, cond.Unless) and found.title == title:
                for leaf in _case_leaves(found.item):
                    self.edge(node, self.field(leaf.field), BLOCKED_BY, reden="uitzondering")
        return node

    def counterfactual(self) -> Explainer:
        if self._counterfactual is None:
            items = tuple({**fact, USABLE: True, POSSIBLY_USABLE: True} for fact in self.run.facts.items)
            facts = CaseFacts(zaak=self.run.facts.zaak, items=items, peildatum=self.run.facts.peildatum, unusable={})
            self._counterfactual = Explainer(facts, self.counterfactual_derived)
        return self._counterfactual

    def why_not(self) -> None:
        """For every instrument that is not available for sure: the availability rules that did not fire."""
        seen: set[int] = set()
        for inst in self.decision.instrumenten:
            if inst.status not in ("uitgesloten", "onbeslist") or inst.id not in self.scope:
                continue
            for index in self.concluding.get(("available", inst.id), []):
                if index in self.by_rule:
                    continue
                node = self.not_fired(index, seen)
                self.edge(node, f"instrument:{inst.id}", SUPPORTS, modus=NOT_FIRED, conclusies=["available"])
        for inst in self.decision.instrumenten:
            if inst.id not in self.scope:
                continue
            for provenance in inst.geblokkeerde_feiten:
                self.edge(f"instrument:{inst.id}", self.item(provenance), BLOCKED_BY, reden="avg")

    def open_exceptions(self) -> None:
        """Exceptions left open under an instrument: a node per exception, linked to the facts that would settle it."""
        for inst in self.decision.instrumenten:
            if inst.id not in self.scope:
                continue
            for check in inst.te_controleren:
                node = f"uitzondering:{check.uitzondering}"
                if node not in self.graph:
                    self.graph.add_node(node, soort="uitzondering", label=f"te controleren: {check.uitzondering}")
                self.edge(f"instrument:{inst.id}", node, CHECKS)
                for path in check.ontbrekende_feiten:
                    self.edge(node, self.missing(path), BLOCKED_BY, reden="ontbreekt")

    def build(self) -> DiGraph:
        if not self.skeleton:
            # What would make unusable information usable: said wherever the AVG blocks a fact.
            self.graph.graph["informatie_nodig"] = self.ruleset.information.nodig
        self.information()
        self.case_facts()
        self.instruments()
        firings = [f for f in self.run.firings if f.unit.rule_index is not None]
        firings.sort(key=lambda f: f.unit.mode != DEFINITE)  # stable: definite first, engine order within
        for firing in firings:
            self.firing(firing)
        for index, mode in sorted(self.by_rule.items()):
            if mode == POSSIBLE:
                self.possible(index)
        self.why_not()
        self.open_exceptions()
        self.profile()
        return self.graph

    def profile(self) -> None:
        """Every change a municipal profile makes to national law is a visible node and edges, never silent."""
        info = self.ruleset.profile
        if info is None:
            return
        if self.skeleton:
            # Only what can touch a rule the analysis reads: a switched-off rule's node (a profile may add a rule of that id).
            for change in info.changes:
                if change.soort == "regel_uit":
                    self.graph.add_node(f"regel:{change.onderwerp}", soort="regel", modus="uitgeschakeld")
            return
        node = f"profiel:{info.naam}"
        self.graph.add_node(node, **profile_face(info))
        changed_params = {c.onderwerp for c in info.changes if c.soort == "parameter"}
        for index, rule in enumerate(self.ruleset.rules):
            rule_node = f"regel:{rule.id}"
            if rule.origin == f"profiel:{info.naam}" and rule_node in self.graph:
                self.edge(node, rule_node, SUPPORTS, wijziging="regel_erbij")
            elif rule_node in self.graph and changed_params & self.wiring.params[index]:
                self.edge(node, rule_node, SUPPORTS, wijziging="parameter", parameters=sorted(changed_params & self.wiring.params[index]))
        for change in info.changes:
            if change.soort == "regel_uit":
                rule_node = f"regel:{change.onderwerp}"
                self.graph.add_node(rule_node, soort="regel", label=change.onderwerp, modus="uitgeschakeld", reden=change.nieuw)
                self.edge(node, rule_node, EXCLUDES, wijziging="regel_uit", reden=change.nieuw)


def _case_leaves(condition: cond.Condition) -> list[cond.Leaf]:
    """The leaves that test fields of the case itself (not of a list item inside `some`)."""
    if isinstance(condition, cond.Leaf):
        return [condition]
    if isinstance(condition, (cond.All, cond.AnyOf)):
        return [leaf for item in condition.items for leaf in _case_leaves(item)]
    if isinstance(condition, (cond.Not, cond.Unless)):
        return _case_leaves(condition.item)
    return []


def _params_of(rule: Rule) -> set[str]:
    from ..language.conditions import Leaf, ParamTest, walk

    names = {n.param for n in walk(rule.when) if isinstance(n, ParamTest)}
    names |= {n.param for n in walk(rule.when) if isinstance(n, Leaf) and n.param}
    names |= {c.duur_parameter for c in rule.then if c.duur_parameter}
    return {n for n in names if n}


def _explaining(graph: DiGraph, instruments: frozenset[str]) -> DiGraph:
    """The part of a run's graph that explains these instruments: what leads to them, and what that cites or waits for."""
    keep = {f"instrument:{i}" for i in instruments if f"instrument:{i}" in graph}
    pending = list(keep)
    while pending:
        node = pending.pop()
        reached = list(graph.predecessors(node))
        # A rule that did not fire because a derived fact does not hold: the rules that failed to derive it
        # explain it, as they do in the main run.
        reached += [
            target
            for _, target, data in graph.out_edges(node, data=True)
            if data.get("soort") == BLOCKED_BY and graph.nodes[target].get("soort") == "afgeleid" and graph.nodes[target].get("modus") == NOT_FIRED
        ]
        for source in reached:
            if source not in keep:
                keep.add(source)
                pending.append(source)
    for node in list(keep):
        keep.update(graph.successors(node))
    # An exception left open under an instrument waits for its own missing facts: they explain the instrument too.
    for node in [i for i in keep if i.startswith("instrument:")]:
        for _, check, data in graph.out_edges(node, data=True):
            if data.get("soort") == CHECKS:
                keep.update(graph.successors(check))
    return graph.subgraph(keep)


class Decided(Protocol):
    """What the graph reads of the decision: each instrument's outcome and the verdict on each information item.

    A decision is one; so is the pair the explanation keeps of it, which does
    not refer back to the decision (a decision and its explanation are then no
    reference cycle, and are freed as soon as they go).
    """

    @property
    def instrumenten(self) -> list[InstrumentDecision]: ...

    @property
    def informatie(self) -> list[InformationVerdict]: ...


def build_graph(ruleset: Ruleset, case: Case, runs: list[tuple[Run, Part]], decision: Decided) -> DiGraph:
    """The decision graph of one evaluated case (see the module docstring for its vocabulary).

    Each instrument is explained by the run that decided it; a second run's
    rules and derived facts carry its context as a suffix.
    """
    return _build(ruleset, case, runs, decision, skeleton=False)


def build_skeleton(ruleset: Ruleset, case: Case, runs: list[tuple[Run, Part]], decision: Decided) -> DiGraph:
    """Only the part of the decision graph the missing-fact analysis reads, built by the same code (`_Builder`).

    The decision's `ontbrekende_feiten` comes from it: a fraction of the full
    graph's cost, with the same rules, derived facts, instruments, exceptions
    and missing facts, the same edges between them and so the same in-degree
    of every missing fact, also after a second run's graph is cut down to what
    explains its instruments.
    """
    return _build(ruleset, case, runs, decision, skeleton=True)


def _build(ruleset: Ruleset, case: Case, runs: list[tuple[Run, Part]], decision: Decided, skeleton: bool) -> DiGraph:
    (main_run, main_part), *others = runs
    graph = _Builder(ruleset, case, main_run, decision, main_part, skeleton).build()
    for run, part in others:
        sub = _explaining(_Builder(ruleset, case, run, decision, part, skeleton).build(), part.instruments)
        for node, data in sub.nodes(data=True):
            if node not in graph:
                graph.add_node(node, **data)
        for source, target, data in sub.edges(data=True):
            if not graph.has_edge(source, target):
                graph.add_edge(source, target, **data)
        for inst_id in part.instruments:
            graph.nodes[f"instrument:{inst_id}"]["context"] = run.context
    return graph
