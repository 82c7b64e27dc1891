"""The committed instrument overview (docs/instrumenten-overzicht.md) equals a fresh rendering.

Why: lawyers read the overview instead of the YAML. If a rule or catalogue entry
changes and the document is not regenerated, the document silently lies; this
test makes that drift a test failure. Regenerate with
`python -m weerbaar_rules.render.overview rulesets/nl > docs/instrumenten-overzicht.md`.
"""

from __future__ import annotations

from weerbaar_rules.language.ruleset import load_ruleset
from weerbaar_rules.render.overview import main, render_overview

from .conftest import ROOT, RULES

DOC = ROOT / "docs" / "instrumenten-overzicht.md"


def test_committed_overview_is_up_to_date() -> None:
    fresh = render_overview(load_ruleset(RULES))
    assert DOC.read_text(encoding="utf-8") == fresh, (
        "docs/instrumenten-overzicht.md is verouderd; draai: "
        "python -m weerbaar_rules.render.overview rulesets/nl > docs/instrumenten-overzicht.md"
    )


def test_every_instrument_has_one_row_with_authority_and_basis() -> None:
    ruleset = load_ruleset(RULES)
    text = render_overview(ruleset)
    rows = [line for line in text.splitlines() if line.startswith("| **")]
    assert len(rows) == len(ruleset.instruments)
    for inst, row in zip(ruleset.instruments, rows):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert f"`{inst.id}`" in cells[0]
        authorities = [inst.bevoegd] if isinstance(inst.bevoegd, str) else [a.bevoegd for a in inst.bevoegd]
        assert cells[1] and all(a in cells[2] for a in authorities)
        assert cells[3] != "—", f"{inst.id}: geen regel maakt het beschikbaar"


def test_time_bounds_follow_the_rules() -> None:
    rows = {line.split("`")[1]: line for line in render_overview(load_ruleset(RULES)).splitlines() if line.startswith("| **")}
    assert rows["onteigening_onteigeningswet"].rstrip(" |").endswith("| 2023-12-31")
    assert "| 2024-01-01 | — |" in rows["onteigening_omgevingswet"]
    assert "| 2017-07-01 | — |" in rows["gedragsaanwijzing_151d"]


def test_pipes_in_text_are_escaped() -> None:
    from weerbaar_rules.render.overview import _cell

    assert _cell("a | b\nc") == "a \\| b c"


def test_main_reports_a_missing_directory(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["/nonexistent/regels"]) == 1
    assert "fout:" in capsys.readouterr().err
