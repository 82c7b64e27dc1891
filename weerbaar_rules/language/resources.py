"""Where the shipped rulesets and the municipal profile catalogue are.

The rulesets live at the top of the repository (`rulesets/nl`,
`rulesets/gemeenten`) and are mapped into the wheel as package data
(`weerbaar_rules/rulesets/`, see pyproject.toml), so a plain `pip install`
finds them with importlib.resources from any directory; an editable install or
a source checkout reads them from the checkout itself.

A municipality is chosen by *name* from the catalogue next to the national
rules. The name is looked up among the files that are there; it is never
turned into a path, so a case's `gemeente` field cannot make any YAML file on
disk the municipal policy. A profile outside the catalogue takes the explicit
`--profiel PAD` (or `profile=` in the library).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from ..core.errors import ProfileError
from ..core.safetext import masked, one_line

NATIONAL = "nl"
PROFILES = "gemeenten"


def data_root() -> Path:
    """The directory holding `nl/` and `gemeenten/`: inside the installed package, else in the checkout."""
    packaged = files("weerbaar_rules") / "rulesets"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rulesets"


def national_rules() -> Path:
    """The default ruleset: `WEERBAAR_REGELS` if set, else the shipped national rules."""
    env = os.environ.get("WEERBAAR_REGELS")
    return Path(env) if env else data_root() / NATIONAL


def catalogue(rules: Path) -> dict[str, Path]:
    """Profile name -> file, for the profiles next to a ruleset directory (`<rules>/../gemeenten/*.yaml`)."""
    directory = Path(rules).parent / PROFILES
    if not directory.is_dir():
        return {}
    return {path.stem.lower(): path for path in sorted(directory.glob("*.yaml")) if path.is_file()}


def _key(name: str) -> str:
    """How people write a municipality ("Den Haag", "Strengdam", "den-haag") to the catalogue's file name."""
    return "_".join(name.lower().replace("-", " ").split())


def find_profile(name: str, rules: Path, where: str = "", from_case: bool = False, echo: bool = True) -> Path:
    """The catalogue's profile for a municipality name; anything else (a path, an unknown name) is a ProfileError.

    A name read from a case file (`from_case`) is shown masked, as any value from a case is; with
    `echo=False` (a name that came over HTTP) it is not shown at all.
    """
    profiles = catalogue(rules)
    found = profiles.get(_key(name))
    if found is not None:
        return found
    prefix = f"{where}: " if where else ""
    known = ", ".join(profiles) or "geen"
    if any(sep in name for sep in ("/", "\\")) or name.startswith(".") or name.endswith((".yaml", ".yml")):
        raise ProfileError(
            f"{prefix}gemeente is een naam uit de profielcatalogus, geen pad (beschikbaar: {known}); "
            "een ander profielbestand kies je met --profiel PAD"
        )
    shown = "" if not echo else f" {masked(name)}" if from_case else f" '{one_line(name, 60)}'"
    raise ProfileError(f"{prefix}onbekend gemeenteprofiel{shown} (beschikbaar: {known})")


def profile_path(rules: Path, gemeente: str | None, profiel: Path | None, case_gemeente: str | None = None, where: str = "") -> Path | None:
    """The profile to apply: `--profiel PAD` wins, else `--gemeente NAAM`, else the case's `gemeente` (`where`: its file)."""
    if profiel is not None:
        return profiel
    if gemeente:
        return find_profile(gemeente, rules, "--gemeente")
    if case_gemeente:
        return find_profile(case_gemeente, rules, f"{where}: gemeente" if where else "gemeente", from_case=True)
    return None
