"""The explained decision graph: built from firings, says why, why not, and what is missing."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from pydantic import BaseModel

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.case.model import Case
from weerbaar_rules.case.names import CASE_FIELDS, ITEM_FIELDS, Namer
from weerbaar_rules.decision.model import Decision
from weerbaar_rules.engine.walk import Explainer, Trace
from weerbaar_rules.explain.graph import BLOCKED_BY, CHECKS, CITES, DERIVES, EXCLUDES, REQUIRES, SUPPORTS
from weerbaar_rules.explain.missing import could_become_recommended, missing_for_instrument
from weerbaar_rules.explain.relevance import why_not_nodes
from weerbaar_rules.language import conditions as cond
from weerbaar_rules.render import to_json

from .conftest import CASES, drug_case_data

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"
CLOSURE = "instrument:sluiting_13b_opiumwet"
NODE_KINDS = {"feit", "informatie", "afgeleid", "regel", "instrument", "ontbrekend", "bron", "uitzondering"}
EDGE_KINDS = {SUPPORTS, DERIVES, EXCLUDES, REQUIRES, CITES, BLOCKED_BY, CHECKS}


def make_case(**changes: Any) -> Case:
    """A drug-dealing case from a rented home, with the given parts replaced."""
    return Case.model_validate(drug_case_data("T-GRAAF", **changes))


def fired_paths(graph: nx.DiGraph) -> nx.DiGraph:
    """Only the edges along which a conclusion was actually reached (fired, supporting or deriving)."""
    view = nx.DiGraph()
    view.add_nodes_from(graph.nodes)
    for source, target, data in graph.edges(data=True):
        if data["soort"] in (SUPPORTS, DERIVES, EXCLUDES) and data.get("modus") != "niet":
            view.add_edge(source, target)
    return view


@pytest.fixture(scope="module")
def example(engine: Engine) -> Decision:
    return engine.evaluate(load_case(EXAMPLE))


# -- structure on the example case ------------------------------------------------


def test_closure_follows_from_the_drug_activity_and_its_information(example: Decision) -> None:
    graph = example.graph
    assert graph.nodes[CLOSURE]["status"] == "aanbevolen"
    paths = fired_paths(graph)
    assert nx.has_path(paths, "feit:activiteiten[0]", CLOSURE)
    assert nx.has_path(paths, "informatie:bar1", CLOSURE)
    assert graph.nodes["informatie:bar1"]["grondslag"] == "wpg_16"
    assert graph.nodes["informatie:bar1"]["bruikbaar"] is True


def test_closure_cites_article_13b_opiumwet(example: Decision) -> None:
    graph = example.graph
    cited = {graph.nodes[t]["label"] for _, t, d in graph.out_edges(CLOSURE, data=True) if d["soort"] == CITES}
    assert "art. 13b lid 1 Opiumwet" in cited
    url = graph.nodes["bron:art. 13b lid 1 Opiumwet"]["url"]
    assert url.startswith("https://wetten.overheid.nl/") and "BWBR0001941" in url
    # The rule that makes it available cites the same article and carries it as a label.
    makers = [s for s, _, d in graph.in_edges(CLOSURE, data=True) if "available" in d.get("conclusies", [])]
    assert makers and all("art. 13b lid 1 Opiumwet" in graph.nodes[m]["grondslag"] for m in makers)


def test_vocabulary_of_nodes_and_edges(example: Decision) -> None:
    graph = example.graph
    assert {d["soort"] for _, d in graph.nodes(data=True)} <= NODE_KINDS
    assert {d["soort"] for _, _, d in graph.edges(data=True)} <= EDGE_KINDS
    for inst in example.instrumenten:
        assert graph.nodes[f"instrument:{inst.id}"]["status"] == inst.status


def test_graph_comes_from_the_recorded_firings(example: Decision) -> None:
    """Every rule drawn as fired did fire in that mode, in the run it is drawn for; every derived fact drawn as holding was derived."""
    fired: dict[tuple[str, str | None], set[str]] = {}
    for record in example.afvuringen:
        fired.setdefault((record.regel, record.context), set()).add(record.modus)
    for node, data in example.graph.nodes(data=True):
        if data["soort"] == "regel":
            key = (data["regel"], data.get("context"))
            if data["modus"] == "niet":
                assert key not in fired, node
            else:
                assert data["modus"] in fired[key], node
        if data["soort"] == "afgeleid" and data["modus"] != "niet":
            assert example.afgeleide_feiten[data["naam"]] == data["modus"]


def test_every_case_fact_is_a_node(example: Decision) -> None:
    graph = example.graph
    assert graph.nodes["feit:locatie.type"]["waarde"] == "woning"
    assert graph.nodes["feit:locatie.minderjarigen"]["waarde"] == "nee"
    assert "feit:activiteiten[0]" in graph


def test_not_available_instrument_shows_the_rules_that_did_not_fire(example: Decision) -> None:
    graph = example.graph
    excluded = [i for i in example.instrumenten if i.status == "uitgesloten"]
    assert excluded
    for inst in excluded:
        node = f"instrument:{inst.id}"
        not_fired = [s for s, _, d in graph.in_edges(node, data=True) if d.get("modus") == "niet"]
        excluding = [s for s, _, d in graph.in_edges(node, data=True) if d["soort"] == EXCLUDES]
        assert not_fired or excluding, inst.id
        for rule in not_fired:
            assert graph.nodes[rule]["modus"] == "niet"
            assert graph.nodes[rule]["onvervuld"], rule


def test_graph_survives_json(example: Decision) -> None:
    again = Decision.model_validate_json(to_json(example))
    assert sorted(again.graph.nodes) == sorted(example.graph.nodes)
    assert sorted(again.graph.edges) == sorted(example.graph.edges)
    assert again.ontbrekende_feiten == example.ontbrekende_feiten


# -- why not ----------------------------------------------------------------------------


def test_excluded_instrument_links_to_what_excludes_it(engine: Engine) -> None:
    case = make_case(locatie={"type": "lokaal", "beroepsgebruik": "apotheker"})
    decision = engine.evaluate(case)
    graph = decision.graph
    assert graph.nodes[CLOSURE]["status"] == "uitgesloten"
    # The established exception (art. 13b lid 2) stopped the rule that makes the premises a 13b pand …
    exceptions = [n for n, d in graph.nodes(data=True) if d.get("soort") == "uitzondering" and d.get("geldt")]
    assert exceptions and all("art. 13b lid 2 Opiumwet" in n for n in exceptions)
    stopped = {s for e in exceptions for s, _, d in graph.in_edges(e, data=True) if d["soort"] == BLOCKED_BY}
    assert "regel:opiumwet.13b.pand" in stopped
    # … on the fact that established it …
    assert {t for e in exceptions for t in graph.successors(e)} == {"feit:locatie.beroepsgebruik"}
    assert graph.nodes["feit:locatie.beroepsgebruik"]["waarde"] == "apotheker"
    # … and the decision names the exception as the reason.
    assert any("uitzondering" in r and "13b lid 2" in r for r in decision.instruments["sluiting_13b_opiumwet"].redenen)


def test_fact_on_unlawful_information_blocks_the_instrument(engine: Engine) -> None:
    case = make_case(informatie=[{"id": "pol1", "bron": "anonieme_melding", "grondslag": "geen"}])
    decision = engine.evaluate(case)
    graph = decision.graph
    assert graph.nodes[CLOSURE]["status"] == "uitgesloten"
    assert graph.nodes["informatie:pol1"]["bruikbaar"] is False
    assert graph.edges["feit:activiteiten[0]", "informatie:pol1"]["soort"] == BLOCKED_BY
    # The unlawful fact never supports anything…
    assert not any(d["soort"] == SUPPORTS for _, _, d in graph.out_edges("feit:activiteiten[0]", data=True))
    # …and the why-not path from the closure reaches it, marked as an AVG block.
    blocked = [
        s
        for s, _, d in graph.in_edges("feit:activiteiten[0]", data=True)
        if d["soort"] == BLOCKED_BY and d.get("reden") == "avg" and graph.nodes[s]["soort"] == "regel"
    ]
    assert blocked and all(graph.nodes[r]["modus"] == "niet" for r in blocked)
    why_not = why_not_nodes(graph, CLOSURE, only_avg=True)
    assert "feit:activiteiten[0]" in why_not and "informatie:pol1" in why_not
    assert set(blocked) & why_not
    assert any("AVG" in text for r in blocked for text in graph.nodes[r]["onvervuld"])


def test_undecided_instrument_names_the_missing_facts(engine: Engine) -> None:
    case = make_case(
        activiteiten=[{"type": "drugshandel", "datum": "2026-10-01", "informatie": ["pol1"]}],
    )
    decision = engine.evaluate(case)
    graph = decision.graph
    assert decision.instruments["sluiting_13b_opiumwet"].status == "onbeslist"
    missing = missing_for_instrument(graph, "sluiting_13b_opiumwet")
    assert "ontbreekt:activiteiten[0].opiumwet_lijst" in missing
    node = graph.nodes["ontbreekt:activiteiten[0].opiumwet_lijst"]
    assert node["label"] == "activiteit 1 (drugshandel): Opiumwet-lijst"
    assert node["pad"] == "activiteiten[0].opiumwet_lijst"
    # A possibly fired rule waits for it.
    waiting = [s for s in graph.predecessors("ontbreekt:activiteiten[0].opiumwet_lijst")]
    assert waiting and all(graph.nodes[w]["modus"] == "mogelijk" for w in waiting)


def test_missing_facts_analysis_orders_by_decisiveness(engine: Engine) -> None:
    case = make_case(
        locatie={"type": "woning"},
        activiteiten=[{"type": "drugshandel", "datum": "2026-10-01", "informatie": ["pol1"]}],
    )
    decision = engine.evaluate(case)
    rows = decision.ontbrekende_feiten
    assert rows
    keys = [(not r.kan_aanbeveling_veranderen, -len(r.instrumenten)) for r in rows]
    assert keys == sorted(keys)
    by_path = {r.feit: r for r in rows}
    lijst = by_path["activiteiten[0].opiumwet_lijst"]
    assert "sluiting_13b_opiumwet" in lijst.instrumenten
    assert lijst.omschrijving == "activiteit 1 (drugshandel): Opiumwet-lijst"
    # Among the drug facts, the Opiumwet list and the place decide at least as much as any other field of the activity.
    drug_fields = [r for r in rows if r.feit.startswith("activiteiten[0].")]
    plek = by_path["activiteiten[0].plek"]
    assert max(len(lijst.instrumenten), len(plek.instrumenten)) == max(len(r.instrumenten) for r in drug_fields)
    # Every undecided instrument's missing facts are in the analysis.
    for inst in decision.instrumenten:
        if inst.status == "onbeslist":
            assert any(inst.id in r.instrumenten for r in rows), inst.id
    dumped = json.loads(to_json(decision))["ontbrekende_feiten"]
    assert dumped[0].keys() == {"feit", "omschrijving", "instrumenten", "kan_aanbeveling_veranderen", "verandert_via"}


def test_missing_facts_say_whether_they_can_change_the_recommendation(example: Decision) -> None:
    graph = example.graph
    for row in example.ontbrekende_feiten:
        could = [i for i in row.instrumenten if could_become_recommended(graph, i)]
        assert row.kan_aanbeveling_veranderen == bool(could), row.feit
    # An instrument more intrusive than the recommendation of its track can never displace it.
    closure = graph.nodes[CLOSURE]
    for node, data in graph.nodes(data=True):
        if data["soort"] == "instrument" and data["spoor"] == closure["spoor"]:
            if data["ingrijpendheid"] > closure["ingrijpendheid"]:
                assert not could_become_recommended(graph, node.split(":", 1)[1]), node


def test_a_complete_case_misses_nothing_that_matters(example: Decision) -> None:
    for row in example.ontbrekende_feiten:
        assert set(row.instrumenten) <= {i.id for i in example.instrumenten if i.status in ("mogelijk", "onbeslist")}


def test_helper_facts_are_folded_away(engine: Engine) -> None:
    case = make_case(
        locatie={"type": "bedrijfspand"},
        voorgeschiedenis=[
            {"instrument": "sluiting_13b_opiumwet", "datum": "2024-03-01", "reden": "drugshandel"},
            {"instrument": "sluiting_13b_opiumwet", "datum": "2025-06-01", "reden": "drugshandel"},
        ],
    )
    decision = engine.evaluate(case)
    graph = decision.graph
    assert not [n for n in graph.nodes if "__" in n]
    assert not [n for n, d in graph.nodes(data=True) if "__" in str(d.get("naam", ""))]
    assert "feit:zaak" not in graph
    # Every rule that fired on the earlier measures is linked to them directly.
    for index in (0, 1):
        assert graph.out_degree(f"feit:voorgeschiedenis[{index}]") > 0


def test_no_personal_data_in_the_graph(engine: Engine) -> None:
    case = make_case(locatie={"type": "woning", "adres": "Kerkstraat 13, 1234 AB Geheimstad"})
    decision = engine.evaluate(case)
    text = json.dumps(decision.graaf, ensure_ascii=False)
    assert "Kerkstraat" not in text and "Geheimstad" not in text


# -- naming ----------------------------------------------------------------------------------


def test_missing_fact_names_are_dutch() -> None:
    namer = Namer(make_case())
    assert namer.path("activiteiten[0].opiumwet_lijst") == "activiteit 1 (drugshandel): Opiumwet-lijst"
    assert namer.path("activiteiten[0].hoeveelheid").startswith("activiteit 1 (drugshandel): hoeveelheid")
    assert namer.path("locatie.minderjarigen") == "minderjarigen in de woning"
    assert namer.path("parameter apv_2_79 (gemeenteprofiel)") == "gemeenteprofiel: parameter apv_2_79"
    assert namer.path("activiteiten[7].type") == "activiteit 8: soort activiteit"  # out of range: still a name


def test_the_explainer_says_what_each_finding_is_about(engine: Engine) -> None:
    """The graph links unmet and missing conditions to nodes by what the explainer records, not by its words."""
    case = make_case(locatie={"type": "woning"}, vergunningen=[])
    run = engine.run(case)
    explainer = Explainer(run.facts, {"ja": "zeker", "half": "mogelijk"})
    unmet = [
        ("afgeleid", "nee", cond.Derived("nee")),
        ("afgeleid_geldt", "ja", cond.Not(cond.Derived("ja"))),
        ("veld", "locatie.type", cond.Leaf("locatie.type", "in", ("lokaal", "erf"))),
        ("veld", "locatie.type", cond.Not(cond.Leaf("locatie.type", "equals", "woning"))),
        ("lijst", "activiteiten", cond.Some("activiteiten", cond.Leaf("type", "equals", "witwassen"))),
        ("lijst", "vergunningen", cond.Some("vergunningen", None)),
        ("parameter", "apv_2_79", cond.ParamTest("apv_2_79", "equals", True, False)),
        ("", "", cond.Not(cond.Some("activiteiten", None))),
    ]
    for kind, target, condition in unmet:
        trace = Trace()
        assert explainer.evaluate(condition, trace) is False
        assert [(f.kind, f.target) for f in trace.unmet] == [(kind, target)], condition
    missing = {
        ("feit", "locatie.minderjarigen"): cond.Leaf("locatie.minderjarigen", "equals", True),
        ("feit", "activiteiten[0].gewicht_gram"): cond.Some("activiteiten", cond.Leaf("gewicht_gram", "gt", 5)),
        ("parameter", "apv_2_79"): cond.ParamTest("apv_2_79", "equals", True, None),
        ("afgeleid", "half"): cond.Derived("half"),
    }
    for (kind, target), condition in missing.items():
        trace = Trace()
        assert explainer.evaluate(condition, trace) is None
        assert [(f.kind, f.target) for f in trace.missing] == [(kind, target)], condition


@pytest.mark.parametrize("path", sorted(Path(CASES).glob("*.json")), ids=lambda p: p.stem)
def test_every_example_case_has_a_consistent_graph(engine: Engine, path: Path) -> None:
    decision = engine.evaluate(load_case(path))
    graph = decision.graph
    assert {d["soort"] for _, d in graph.nodes(data=True)} <= NODE_KINDS
    assert {d["soort"] for _, _, d in graph.edges(data=True)} <= EDGE_KINDS
    for node in decision.aanbevolen:
        inst = f"instrument:{node}"
        # A recommendation always rests on at least one fact or information item of the case.
        ancestors = nx.ancestors(fired_paths(graph), inst)
        assert any(graph.nodes[a]["soort"] in ("feit", "informatie") for a in ancestors), node


def _leaf_fields(model_type: type[BaseModel], prefix: str = "") -> list[str]:
    out = []
    for name, info in model_type.model_fields.items():
        args = [a for a in typing.get_args(info.annotation) if a is not type(None)] or [info.annotation]
        inner = args[0]
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out += _leaf_fields(inner, f"{prefix}{name}.")
        else:
            out.append(prefix + name)
    return out


def test_every_case_field_has_a_dutch_name() -> None:
    """A field added to the case model needs a title (its Dutch name) in model.py, or lawyers read snake_case."""
    from weerbaar_rules.case import model

    for section, model_type in (("locatie", model.Locatie), ("openbare_orde", model.OpenbareOrde)):
        for path in _leaf_fields(model_type, f"{section}."):
            assert path in CASE_FIELDS, f"geef {path} een Nederlandse naam (title) in weerbaar_rules/model.py"
    lists = {"activiteiten": model.Activiteit, "vergunningen": model.Vergunning, "voorgeschiedenis": model.Maatregel}
    for list_name, model_type in lists.items():
        for path in _leaf_fields(model_type):
            if path != "informatie":
                assert path in ITEM_FIELDS[list_name], f"geef {list_name}[].{path} een Nederlandse naam (title) in model.py"
