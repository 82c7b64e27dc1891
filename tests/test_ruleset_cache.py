"""The ruleset cache (evaluation/cache.py): found again only for the same files, code and version; never trusted otherwise."""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from weerbaar_rules import Engine, RulesetError
from weerbaar_rules.case.io import load_case
from weerbaar_rules.evaluation import cache
from weerbaar_rules.evaluation import engine as engine_module

from .conftest import CASES, PROFILES, RULES

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"


@pytest.fixture()
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("WEERBAAR_CACHE", str(directory))
    return directory


@pytest.fixture()
def rules(tmp_path: Path) -> Path:
    """A copy of the national rules that a test may change."""
    return Path(shutil.copytree(RULES, tmp_path / "nl"))


def _loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Count the rulesets read from YAML (a cache hit reads none)."""
    seen: list[Path] = []
    real = engine_module.load_ruleset

    def counting(directory: str | Path, profile: str | Path | None = None) -> object:
        seen.append(Path(directory))
        return real(directory, profile)

    monkeypatch.setattr(engine_module, "load_ruleset", counting)
    return seen


def _entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.pickle"))


def test_a_second_engine_comes_from_the_cache_and_is_the_same(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = _loads(monkeypatch)
    first = Engine.from_directory(rules)
    assert len(loads) == 1 and len(_entries(cache_dir)) == 1
    second = Engine.from_directory(rules)
    assert len(loads) == 1, "the second engine was read from YAML again"
    assert second.ruleset == first.ruleset
    assert second.program.key == first.program.key
    assert [s.definition for s in second.program.strata] == [s.definition for s in first.program.strata]
    case = load_case(EXAMPLE)
    assert second.evaluate(case).model_dump_json() == first.evaluate(case).model_dump_json()


def test_the_entry_is_private_to_the_user(cache_dir: Path, rules: Path) -> None:
    Engine.from_directory(rules)
    assert cache_dir.stat().st_mode & 0o077 == 0
    (entry,) = _entries(cache_dir)
    assert entry.stat().st_mode & 0o077 == 0
    assert not list(cache_dir.glob(".tmp-*")), "a temporary file was left behind"


def test_a_changed_file_is_read_again(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = _loads(monkeypatch)
    Engine.from_directory(rules)
    path = rules / "beleid_damocles.yaml"
    old = "  damocles_waarschuwing_geldt_maanden:\n    waarde: 36"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, old.replace("36", "24")), encoding="utf-8")
    changed = Engine.from_directory(rules)
    assert len(loads) == 2
    assert changed.ruleset.parameters["damocles_waarschuwing_geldt_maanden"] == 24
    assert len(_entries(cache_dir)) == 2


def test_a_profile_is_part_of_the_key(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loads = _loads(monkeypatch)
    profile = sorted(PROFILES.glob("*.yaml"))[0]
    plain = Engine.from_directory(rules)
    with_profile = Engine.from_directory(rules, profile=profile)
    again = Engine.from_directory(rules, profile=profile)
    assert len(loads) == 2
    assert plain.ruleset.profile is None
    assert with_profile.ruleset.profile is not None and again.ruleset == with_profile.ruleset


def test_another_version_or_code_never_reuses_an_entry(rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache.key(rules, None)
    monkeypatch.setattr(cache, "__version__", "999.0")
    assert cache.key(rules, None) != key
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_code_fingerprint", lambda: "other code")
    assert cache.key(rules, None) != key


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", pickle.dumps({"format": cache.FORMAT, "key": "another", "program": None}), pickle.dumps(["something", "else"])],
    ids=["empty", "garbage", "other-key", "not-ours"],
)
def test_an_unreadable_entry_is_ignored_and_rebuilt(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes) -> None:
    Engine.from_directory(rules)
    (entry,) = _entries(cache_dir)
    entry.write_bytes(damage)
    loads = _loads(monkeypatch)
    engine = Engine.from_directory(rules)
    assert len(loads) == 1
    assert engine.ruleset.rules
    assert cache.load(entry.stem) is not None, "the entry was not rebuilt"


def test_an_entry_others_may_write_is_never_opened(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Engine.from_directory(rules)
    (entry,) = _entries(cache_dir)
    os.chmod(entry, 0o666)
    assert cache.load(entry.stem) is None
    os.chmod(entry, 0o600)
    os.chmod(cache_dir, 0o777)
    assert cache.load(entry.stem) is None
    os.chmod(cache_dir, 0o700)
    assert cache.load(entry.stem) is not None


def test_switched_off_nothing_is_written(tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEERBAAR_CACHE", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    Engine.from_directory(rules)
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_the_default_place_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEERBAAR_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.directory() == tmp_path / "xdg" / "weerbaar-rules"
    monkeypatch.setenv("XDG_CACHE_HOME", "relatief")  # the XDG spec: a relative path is ignored
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.directory() == tmp_path / "home" / ".cache" / "weerbaar-rules"


def test_an_unwritable_cache_is_no_error(tmp_path: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("WEERBAAR_CACHE", str(blocked / "cache"))
    assert Engine.from_directory(rules).ruleset.rules


def test_a_broken_ruleset_says_the_same_with_the_cache_and_stores_nothing(cache_dir: Path, rules: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = rules / "beleid_damocles.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("    when:\n", "    wanneer:\n", 1), encoding="utf-8")
    monkeypatch.setenv("WEERBAAR_CACHE", "0")
    with pytest.raises(RulesetError) as without:
        Engine.from_directory(rules)
    monkeypatch.setenv("WEERBAAR_CACHE", str(cache_dir))
    for _ in range(2):
        with pytest.raises(RulesetError) as with_cache:
            Engine.from_directory(rules)
        assert str(with_cache.value) == str(without.value)
    assert not _entries(cache_dir)


def test_the_cli_prints_the_same_from_the_cache(tmp_path: Path) -> None:
    env = {**os.environ, "WEERBAAR_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(EXAMPLE), "--format", "json"]
    first = subprocess.run(command, capture_output=True, env=env, check=True)
    assert len(_entries(tmp_path / "cache")) == 1
    second = subprocess.run(command, capture_output=True, env=env, check=True)
    off = subprocess.run(command, capture_output=True, env={**env, "WEERBAAR_CACHE": "0"}, check=True)
    assert first.stdout == second.stdout == off.stdout
    assert first.stderr == second.stderr == off.stderr
