"""Safe YAML/JSON reading that remembers where each mapping stood in its file.

Error messages must name the line, so the loader keeps a side table from each
constructed mapping to its line. Only `yaml.SafeLoader` is used: a ruleset or
case file can never construct Python objects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import WeerbaarError

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64


# libyaml's safe loader is ten times faster (it matters for the cold start of `rules`); both only build plain data.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}
        self.keep: list[Any] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        mapping = super().construct_mapping(node, deep=deep)
        self.lines[id(mapping)] = node.start_mark.line + 1
        self.keep.append(mapping)
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),  # type: ignore[attr-defined]
)


class Located:
    """Parsed data plus the line of every mapping in it."""

    def __init__(self, path: Path, data: Any, lines: dict[int, int], keep: list[Any]) -> None:
        self.path = path
        self.data = data
        self._lines = lines
        self._keep = keep  # keeps ids in `lines` valid

    def line_of(self, obj: Any) -> int | None:
        return self._lines.get(id(obj))

    def line_at(self, loc: tuple[Any, ...]) -> int | None:
        """Line of the deepest mapping along a pydantic error location."""
        current = self.data
        line = self.line_of(current)
        for part in loc:
            try:
                current = current[part]
            except (KeyError, IndexError, TypeError):
                break
            line = self.line_of(current) or line
        return line


def _depth(obj: Any, limit: int) -> int:
    stack = [(obj, 1)]
    deepest = 0
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(current, dict):
            stack.extend((v, depth + 1) for v in current.values())
        elif isinstance(current, list):
            stack.extend((v, depth + 1) for v in current)
    return deepest


def read_text(path: Path, error: type[WeerbaarError]) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error(f"{path}: bestand is te groot ({size} bytes, maximaal {MAX_BYTES})")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise error(f"{path}: bestand bestaat niet") from None
    except IsADirectoryError:
        raise error(f"{path}: is een map, geen bestand") from None
    except UnicodeDecodeError as exc:
        raise error(f"{path}: geen geldige UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise error(f"{path}: kan niet gelezen worden ({exc.strerror})") from None
    if not text.strip():
        raise error(f"{path}: bestand is leeg")
    return text


def load(path: Path, error: type[WeerbaarError], text: str | None = None) -> Located:
    """Read a YAML or JSON file safely; any problem becomes `error` naming the file and line."""
    if text is None:
        text = read_text(path, error)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{exc.lineno}:{exc.colno}: ongeldige JSON: {exc.msg}") from None
        except RecursionError:
            raise error(f"{path}: te diep genest") from None
        located = Located(path, data, {}, [])
    else:
        loader = _LineLoader(text)
        try:
            data = loader.get_single_data()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"{mark.line + 1}:{mark.column + 1}" if mark else "?"
            raise error(f"{path}:{where}: ongeldige YAML: {exc.problem}") from None
        except yaml.YAMLError as exc:
            raise error(f"{path}: ongeldige YAML: {exc}") from None
        except RecursionError:
            raise error(f"{path}: te diep genest") from None
        finally:
            loader.dispose()
        located = Located(path, data, loader.lines, loader.keep)
    if _depth(located.data, MAX_DEPTH) > MAX_DEPTH:
        raise error(f"{path}: te diep genest (meer dan {MAX_DEPTH} niveaus)")
    return located
