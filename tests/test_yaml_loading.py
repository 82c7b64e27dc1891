"""The fast YAML constructor (`construct_plain`) builds what PyYAML's own constructor builds.

Every `rules` command loads the rulesets at its start, so plain YAML is built
without PyYAML's generic dispatch; anything unusual (tags, merge keys, aliases,
deep nesting) goes the old way. These tests hold the two to the same data, the
same line tables and the same refusals, on every YAML file of the repository,
on hand-written awkward documents and on generated ones.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from weerbaar_rules.core import yamlio
from weerbaar_rules.core.errors import CaseError, RulesetError

from .conftest import ROOT


def _canonical(obj: Any, loader: yamlio._LineLoader) -> Any:
    """The data with exact types and the line tables folded in, so two builds compare with ==."""
    if isinstance(obj, dict):
        table = loader.key_lines[id(obj)]
        assert isinstance(table, dict)
        return ("map", loader.lines[id(obj)], [(_canonical(k, loader), _canonical(v, loader), table[k]) for k, v in obj.items()])
    if isinstance(obj, list):
        return ("seq", loader.lines[id(obj)], [_canonical(v, loader) for v in obj], loader.key_lines[id(obj)])
    return (type(obj).__name__, repr(obj))


def _build(text: str, plain: bool) -> Any:
    loader = yamlio._LineLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_plain(node) if plain else loader.construct_document(node)
        return _canonical(data, loader)
    except yamlio._Refused as exc:
        return ("refused", exc.message, exc.mark.line, exc.mark.column)
    finally:
        loader.dispose()


def _load(path: Path, plain: bool, monkeypatch: pytest.MonkeyPatch, aliases: bool) -> str:
    """`yamlio.load` as a user sees it (data and line of the root, or the error line), with or without the fast path."""
    with monkeypatch.context() as patch:
        if not plain:
            patch.setattr(yamlio._LineLoader, "construct_plain", _never_plain)
        try:
            located = yamlio.load(path, RulesetError if aliases else CaseError, aliases=aliases)
        except (RulesetError, CaseError) as exc:
            return f"{type(exc).__name__}: {exc}"
    return f"{located.data!r} {located.position_at(())}"


def _never_plain(self: yamlio._LineLoader, node: yaml.Node) -> Any:
    raise yamlio._NotPlain


REPOSITORY_YAML = sorted(p for p in ROOT.rglob("*.yaml") if ".venv" not in p.parts)


def test_every_yaml_file_of_the_repository_builds_the_same_both_ways() -> None:
    assert len(REPOSITORY_YAML) > 50
    for path in REPOSITORY_YAML:
        text = path.read_text(encoding="utf-8-sig")
        if "*" not in text:
            assert _build(text, plain=True) == _build(text, plain=False), path


AWKWARD = {
    "duplicate": "a: 1\nb: 2\na: 3\n",
    "duplicate_nested": "x:\n  - y: 1\n    y: 2\n",
    "duplicate_bool": "true: 1\nTrue: 2\n",
    "duplicate_number": "1: a\n1.0: b\n",
    "duplicate_null": "~: 1\nnull: 2\n",
    "long_integer": "a: 123456789012345678901234567\n",
    "large_integer": "a: 9007199254740993\n",
    "nan": "a: .nan\n",
    "infinity_key": "-.inf: a\n",
    "no_such_date": "a: 2023-02-30\n",
    "no_such_date_key": "2020-02-31: a\n",
    "scalars": "a: yes\nb: No\nc: on\nd: ~\nf: 0x1F\ng: 0o17\nh: 1_000\ni: 1:30\nj: 1.5e3\nk: '1'\nl: 2023-02-28\nm: 2023-02-28T10:00:00Z\n",
    "keys": "1.5: a\n2: b\n2020-01-01: c\nfalse: d\n",
    "merge_key": "c:\n  <<: {x: 1}\n  y: 2\n",
    "merge_override": "c:\n  <<: {x: 1}\n  x: 2\n",
    "value_key": "=: 1\n",
    "python_tag": "a: !!python/object:os.system ls\n",
    "explicit_tags": "a: !!str 12\nb: !!int '7'\nc: !!binary aGVsbG8=\nd: !!set {x}\ne: !!omap [x: 1]\n",
    "unknown_tag": "a: !foo bar\n",
    "list_key": "? [a, b]\n: 1\n",
    "map_key": "? {a: 1}\n: 2\n",
    "depth_64": "".join("  " * i + f"k{i}:\n" for i in range(63)) + "  " * 63 + "v\n",
    "depth_65": "".join("  " * i + f"k{i}:\n" for i in range(64)) + "  " * 64 + "v\n",
    "deep_then_duplicate": "".join("  " * i + f"k{i}:\n" for i in range(70)) + "  " * 70 + "v\nk0: 2\n",
    "very_deep": "a: " + "[" * 500 + "]" * 500 + "\n",
    "star_in_text": "a: 'x*y'\nb: 1\nb: 2\n",
    "alias": "base: &b {x: 1}\nc: *b\n",
    "lists": "- 1\n- [2, {a: b}]\n- {}\n- []\n",
    "scalar_document": "42\n",
    "null_document": "null\n",
    "invalid": "a: [1, 2\n",
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_documents_load_and_are_refused_the_same_both_ways(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_text(AWKWARD[name], encoding="utf-8")
    for aliases in (True, False):
        assert _load(path, True, monkeypatch, aliases) == _load(path, False, monkeypatch, aliases)


def test_what_is_not_plain_goes_to_pyyamls_constructor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tags, merge keys and nesting beyond the limit are built by PyYAML's constructor; a plain file is not."""
    calls: list[str] = []
    original = yamlio._LineLoader.construct_document
    monkeypatch.setattr(yamlio._LineLoader, "construct_document", lambda self, node: calls.append("pyyaml") or original(self, node))
    for name in ("merge_key", "explicit_tags", "value_key", "depth_65", "scalars"):
        path = tmp_path / f"{name}.yaml"
        path.write_text(AWKWARD[name], encoding="utf-8")
        calls.clear()
        if name == "depth_65":
            with pytest.raises(RulesetError, match="te diep genest"):
                yamlio.load(path, RulesetError)
        else:
            yamlio.load(path, RulesetError)
        assert calls == ([] if name == "scalars" else ["pyyaml"]), name


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1900, 1, 1)),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), st.integers(0, 9)), inner, max_size=4)),
    max_leaves=30,
)


@given(data=_data, flow=st.booleans())
def test_generated_documents_build_the_same_both_ways(data: Any, flow: bool) -> None:
    text = yaml.safe_dump({"root": data}, default_flow_style=flow, allow_unicode=True)
    if "*" not in text:
        assert _build(text, plain=True) == _build(text, plain=False)
