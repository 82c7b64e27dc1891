"""Rendering: DOT/SVG/PNG that Graphviz accepts for any case text, Markdown, `rules explain`, determinism."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.case.model import Case
from weerbaar_rules.cli import main
from weerbaar_rules.core.errors import CaseError
from weerbaar_rules.decision.model import Decision
from weerbaar_rules.render import to_json, to_markdown, to_text
from weerbaar_rules.render.dot import _quote, render, to_dot
from weerbaar_rules.render.why import explain_instrument

from .conftest import CASES, PROFILES, RULES, drug_case_data

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"
CASE_FILES = sorted(Path(CASES).glob("*.json"))
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is niet geïnstalleerd")

HOSTILE = 'x"]; evil -> x [label="pwn\\" <html><b>vet</b></html>\nregel2\r\\N\\l \\ 🚀 é \u202ertl &amp; &#60;'
HOSTILE_ID = 'a"]; evil -> x [\\<b>\n🚀'


def base_case(**changes: Any) -> dict[str, Any]:
    return drug_case_data("T-RENDER", **changes)


def hostile_case() -> Case:
    return Case.model_validate(
        base_case(
            zaak_id=HOSTILE,
            locatie={"type": "woning", "adres": 'Kerkstraat 1 "]; evil -> x', "minderjarigen": False},
            activiteiten=[
                {
                    "type": "drugshandel",
                    "opiumwet_lijst": "I",
                    "hoeveelheid": {"eenheid": "handelshoeveelheid"},
                    "informatie": [HOSTILE_ID, "anon"],
                }
            ],
            informatie=[
                {"id": HOSTILE_ID, "bron": "politie", "grondslag": "wpg_16", "omschrijving": HOSTILE},
                {"id": "anon", "bron": "anonieme_melding", "grondslag": "geen", "omschrijving": HOSTILE},
            ],
        )
    )


def run_dot(text: str, fmt: str = "svg") -> bytes:
    result = subprocess.run(["dot", f"-T{fmt}"], input=text.encode("utf-8"), capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert not result.stderr.strip(), result.stderr.decode("utf-8", "replace")
    return result.stdout


def svg_nodes(svg: bytes) -> list[str]:
    """The names of the nodes Graphviz drew (each `<g class="node">` has a `<title>`)."""
    root = ET.fromstring(svg)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    return [g.find("svg:title", ns).text or "" for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]


@pytest.fixture(scope="module")
def example(engine: Engine) -> Decision:
    return engine.evaluate(load_case(EXAMPLE))


# -- DOT, SVG, PNG ------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("volledig", [False, True], ids=["kort", "volledig"])
@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_every_case_renders_to_valid_svg(engine: Engine, path: Path, volledig: bool) -> None:
    decision = engine.evaluate(load_case(path))
    text = to_dot(decision, volledig=volledig)
    svg = run_dot(text)
    names = svg_nodes(svg)
    assert names and all(re.fullmatch(r"n\d+|rest", n) for n in names)
    declared = re.findall(r"^\s+(n\d+|rest) \[", text, flags=re.MULTILINE)
    assert sorted(names) == sorted(declared)


@needs_dot
@pytest.mark.parametrize("profile", sorted(Path(PROFILES).glob("*.yaml")), ids=lambda p: p.stem)
def test_cases_with_a_municipal_profile_render(profile: Path) -> None:
    engine = Engine.from_directory(RULES, profile=profile)
    for path in CASE_FILES[:8]:
        decision = engine.evaluate(load_case(path))
        run_dot(to_dot(decision))
        text = explain_instrument(decision, decision.instrumenten[0].id)
        assert f"Gemeentelijk profiel: {decision.ontvangstbewijs.profiel}" in text


@needs_dot
def test_hostile_text_cannot_break_or_inject(engine: Engine) -> None:
    decision = engine.evaluate(hostile_case())
    for volledig in (False, True):
        text = to_dot(decision, volledig=volledig)
        svg = run_dot(text)
        names = svg_nodes(svg)
        # No node named evil or x: the attempt stayed inside its label.
        assert all(re.fullmatch(r"n\d+|rest", n) for n in names), names
        declared = re.findall(r"^\s+(n\d+|rest) \[", text, flags=re.MULTILINE)
        assert sorted(names) == sorted(declared)
        edges = re.findall(r"^\s+(n\d+) -> (n\d+) \[", text, flags=re.MULTILINE)
        assert len(edges) == len([line for line in text.splitlines() if " -> " in line and line.startswith("  n")])
        # The text is shown literally.
        root = ET.fromstring(svg)
        shown = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert 'x"]; evil -> x [label="pwn' in shown
        assert "<html><b>vet</b></html>" in shown
        assert "&amp;" in shown and "&#60;" in shown
        assert "\\N\\l" in shown
        assert "Kerkstraat" not in svg.decode("utf-8")  # the address never reaches a picture
        assert "\u202e" not in text  # no bidi override
    assert run_dot(to_dot(decision), "png").startswith(b"\x89PNG")


def test_quote_escapes_everything_dot_reads() -> None:
    assert _quote('a"b') == '"a\\"b"'
    assert _quote("a\\") == '"a\\\\"'
    assert _quote("a\nb") == '"a\\nb"'
    assert _quote("a\rb") == '"a\\nb"'
    assert _quote("a\x00b\x1b") == '"a b "'
    assert _quote("<b>") == '"<b>"'
    assert _quote("&lt;") == '"&amp;lt;"'


@needs_dot
def test_render_svg_and_png(example: Decision) -> None:
    svg = render(example, "svg")
    assert isinstance(svg, str) and "<svg" in svg
    assert "Sluiting op grond van art. 13b Opiumwet" in svg.replace("\n", " ") or "art. 13b" in svg
    png = render(example, "png")
    assert isinstance(png, bytes) and png.startswith(b"\x89PNG")


def test_picture_shows_what_matters_and_collapses_the_rest(example: Decision) -> None:
    short = to_dot(example)
    full = to_dot(example, volledig=True)
    assert "AANBEVOLEN" in short
    assert "[art. 13b lid 1 Opiumwet" in short  # the citation on the rule and instrument nodes
    hidden = sum(1 for i in example.instrumenten if i.status == "uitgesloten") - short.count("[UITGESLOTEN]")
    assert f"Niet van toepassing: {hidden} instrument(en)" in short
    # Every instrument is either drawn or named in the summary box: nothing disappears silently.
    flat = short.replace("\\n", " ")
    for inst in example.instrumenten:
        if inst.status == "onbeslist":
            assert inst.naam[:40] in flat, inst.id
    assert short.count(" [") < full.count(" [")
    assert 'shape="plaintext"' not in short and 'shape="plaintext"' in full  # legal sources only in the full view
    assert "cluster_" in short and 'label="Opiumwet"' in short


def test_picture_shows_what_only_the_avg_keeps_out(engine: Engine) -> None:
    decision = engine.evaluate(
        Case.model_validate(base_case(informatie=[{"id": "pol1", "bron": "anonieme_melding", "grondslag": "geen"}]))
    )
    flat = to_dot(decision).replace("\\n", " ")
    assert "kan geen besluit dragen (AVG)" in flat
    assert "Niet beschikbaar alleen door de AVG" in flat or "[UITGESLOTEN]" in flat
    assert "Sluiting op grond van art. 13b Opiumwet" in flat
    assert decision.graph.nodes["regel:opiumwet.13b.bevoegdheid"]["alleen_avg"] is True


# -- determinism ------------------------------------------------------------------------------------


def test_output_is_byte_identical_across_runs(engine: Engine) -> None:
    fresh = Engine.from_directory(RULES)
    for path in CASE_FILES:
        one = engine.evaluate(load_case(path))
        two = fresh.evaluate(load_case(path))
        assert to_json(one) == to_json(two), path
        assert to_dot(one) == to_dot(two), path
        assert to_dot(one, volledig=True) == to_dot(two, volledig=True), path
        assert to_markdown(one) == to_markdown(two), path
        assert to_text(one) == to_text(two), path


# -- Markdown -----------------------------------------------------------------------------------------


def test_markdown_report_has_the_parts_of_an_advice(example: Decision) -> None:
    md = to_markdown(example)
    headings = (
        "## Feiten",
        "## Aanbeveling",
        "## Alternatieven",
        "## Uitgesloten",
        "## Procedure",
        "## Afwegingspunten",
        "## Bronnen",
    )
    for heading in headings:
        assert heading in md, heading
    assert md.index("## Feiten") < md.index("## Aanbeveling")
    assert "[art. 13b lid 1 Opiumwet](https://wetten.overheid.nl/jci1.3:c:BWBR0001941&artikel=13b&lid=1&g=2026-11-01)" in md
    assert "zienswijze" in md and "evenredigheid" in md
    assert "ruleset" not in md.lower() or example.ontvangstbewijs.ruleset_hash in md


def test_markdown_names_missing_facts(engine: Engine) -> None:
    decision = engine.evaluate(
        Case.model_validate(base_case(activiteiten=[{"type": "drugshandel", "informatie": ["pol1"]}]))
    )
    md = to_markdown(decision)
    assert "## Ontbrekende feiten" in md and "## Onbeslist" in md
    assert "activiteit 1 (drugshandel): Opiumwet-lijst" in md
    assert "activiteiten[0]" not in md  # the machine path is for software (the JSON), not for the advice


def test_markdown_escapes_case_text(engine: Engine) -> None:
    md = to_markdown(engine.evaluate(hostile_case()))
    assert "<html>" not in md and "<b>" not in md
    title = md.splitlines()[0]
    assert title.startswith("# Advies") and "evil" in title  # one line, shown, not structure
    assert "Kerkstraat" not in md
    for line in md.splitlines():
        assert not line.startswith("<")


# -- rules explain ------------------------------------------------------------------------------------


def test_explain_recommended(example: Decision) -> None:
    text = explain_instrument(example, "sluiting_13b_opiumwet")
    assert text.startswith("Sluiting op grond van art. 13b Opiumwet")
    assert "AANBEVOLEN" in text and "Waarom aanbevolen:" in text
    assert "art. 13b lid 1 Opiumwet" in text
    assert "Steunt op:" in text and "activiteit 1 (drugshandel)" in text
    assert "https://wetten.overheid.nl/" in text


def test_explain_excluded_by_a_rule(engine: Engine) -> None:
    decision = engine.evaluate(Case.model_validate(base_case(locatie={"type": "lokaal", "beroepsgebruik": "apotheker"})))
    text = explain_instrument(decision, "sluiting_13b_opiumwet")
    assert "UITGESLOTEN" in text and "Waarom niet:" in text
    assert "apotheker" in text and "art. 13b lid 2 Opiumwet" in text


def test_explain_not_available(example: Decision) -> None:
    excluded = [i.id for i in example.instrumenten if i.status == "uitgesloten"]
    assert excluded
    text = explain_instrument(example, excluded[0])
    assert "geen regel maakt dit instrument beschikbaar" in text
    assert "niet vervuld" in text


def test_explain_blocked_by_the_avg(engine: Engine) -> None:
    decision = engine.evaluate(
        Case.model_validate(base_case(informatie=[{"id": "pol1", "bron": "anonieme_melding", "grondslag": "geen"}]))
    )
    text = explain_instrument(decision, "sluiting_13b_opiumwet")
    assert "(AVG)" in text and "nodig:" in text


def test_explain_undecided_names_missing_facts_in_dutch(engine: Engine) -> None:
    decision = engine.evaluate(
        Case.model_validate(base_case(activiteiten=[{"type": "drugshandel", "informatie": ["pol1"]}]))
    )
    text = explain_instrument(decision, "sluiting_13b_opiumwet")
    assert "ONBESLIST" in text
    line = next(line for line in text.splitlines() if "te beoordelen ontbreekt" in line)
    assert "activiteit 1 (drugshandel): plek (in, bij of buiten het pand), Opiumwet-lijst" in line
    assert "opiumwet_lijst" not in line  # no machine paths for the lawyer


def test_terminal_output_has_no_control_characters(engine: Engine) -> None:
    data = base_case(
        zaak_id="T\x1b[2J\x07-\u202e",
        informatie=[{"id": "p\x1b]0;x\x07", "bron": "politie", "grondslag": "wpg_16"}],
    )
    data["activiteiten"][0]["informatie"] = ["p\x1b]0;x\x07"]
    decision = engine.evaluate(Case.model_validate(data))
    for text in (to_text(decision), explain_instrument(decision, "sluiting_13b_opiumwet"), to_markdown(decision)):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text


def test_explain_unknown_instrument(example: Decision) -> None:
    with pytest.raises(CaseError, match="onbekend instrument"):
        explain_instrument(example, "bestaat_niet")


def test_text_report_lists_missing_facts(engine: Engine) -> None:
    decision = engine.evaluate(
        Case.model_validate(base_case(activiteiten=[{"type": "drugshandel", "informatie": ["pol1"]}]))
    )
    text = to_text(decision)
    assert "Ontbrekende feiten, naar wat zij beslissen:" in text and "Kan een instrument aanbevolen maken:" in text  # nothing is recommended
    assert "activiteit 1 (drugshandel): Opiumwet-lijst" in text


# -- CLI ------------------------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("fmt", ["text", "json", "md", "dot", "svg", "png"])
def test_cli_formats(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"besluit.{fmt}"
    result = CliRunner().invoke(
        main, ["evaluate", str(EXAMPLE), "--regels", str(RULES), "--format", fmt, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data
    if fmt == "png":
        assert data.startswith(b"\x89PNG")
    if fmt == "svg":
        ET.fromstring(data)


def test_cli_explain() -> None:
    result = CliRunner().invoke(main, ["explain", str(EXAMPLE), "sluiting_13b_opiumwet", "--regels", str(RULES)])
    assert result.exit_code == 0, result.output
    assert "Waarom aanbevolen:" in result.output
    bad = CliRunner().invoke(main, ["explain", str(EXAMPLE), "bestaat_niet", "--regels", str(RULES)])
    assert bad.exit_code != 0 and "onbekend instrument" in bad.output
