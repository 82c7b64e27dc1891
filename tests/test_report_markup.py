"""Reports read by a real parser: the Markdown advice is valid CommonMark that shows case text literally,
and `rules explain ZAAK` without an instrument lists every instrument with its status."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from weerbaar_rules import Engine
from weerbaar_rules.case.io import load_case
from weerbaar_rules.case.model import Case
from weerbaar_rules.cli import main
from weerbaar_rules.render import to_markdown

from .conftest import CASES, PROFILES, RULES, drug_case_data

PARSER = MarkdownIt("commonmark")
TRICKY = "Z_1 *niet vet* `code` [link](x) <b>html</b> \\ & | ~ # 2"


def tokens(text: str) -> list[Any]:
    out = []
    for token in PARSER.parse(text):
        out.append(token)
        out.extend(token.children or [])
    return out


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_markdown_is_commonmark_with_literal_code_spans(path: Path) -> None:
    case = load_case(path)
    profile = PROFILES / f"{case.gemeente.lower()}.yaml" if case.gemeente else None
    markdown = to_markdown(Engine.from_directory(RULES, profile=profile).evaluate(case))
    parsed = tokens(markdown)
    spans = [t.content for t in parsed if t.type == "code_inline"]
    assert not [s for s in spans if "\\" in s], [s for s in spans if "\\" in s]
    assert not [t for t in parsed if t.type in ("html_inline", "html_block")]


def test_case_text_shows_literally_and_formats_nothing(engine: Engine) -> None:
    data = drug_case_data(TRICKY)
    data["informatie"][0]["id"] = TRICKY
    data["activiteiten"][0]["informatie"] = [TRICKY]
    html = PARSER.render(to_markdown(engine.evaluate(Case.model_validate(data))))
    heading = re.search(r"<h1>(.*?)</h1>", html)
    assert heading and "<" not in heading.group(1)  # no emphasis, code, link or HTML made from the zaak_id
    assert unescape(heading.group(1)) == "Advies bestuurlijk instrument — zaak " + TRICKY
    items = [unescape(m) for m in re.findall(r"<li>(.*?)</li>", html) if "<" not in m]
    assert "informatie 1 (" in html  # information by its place, never by the id the case gave it
    assert TRICKY not in html.replace(heading.group(1), "")
    assert "<b>" not in html and "<em>niet vet</em>" not in html


def test_explain_without_instrument_lists_every_instrument() -> None:
    path = CASES / "drugshandel_woning_harddrugs.json"
    result = CliRunner().invoke(main, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    decision = json.loads(CliRunner().invoke(main, ["evaluate", str(path), "--format", "json"]).stdout)
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Zaak {decision['zaak_id']}: instrumenten en hun status")
    listed = {line.split()[1]: line.split()[0] for line in lines[2:] if line.strip()}
    expected = {"aanbevolen": "AANBEVOLEN", "mogelijk": "mogelijk", "onbeslist": "ONBESLIST", "uitgesloten": "UITGESLOTEN"}
    assert listed == {inst["id"]: expected[inst["status"]] for inst in decision["instrumenten"]}
    assert lines[2].startswith("AANBEVOLEN")
