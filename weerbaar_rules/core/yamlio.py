"""Safe YAML/JSON reading that refuses what would silently change or hang a decision.

Error messages must name the line, so the loader keeps a side table from each
constructed mapping to its line and from each key to the line of that key.
Only `yaml.SafeLoader` is used: a ruleset or case file can never construct
Python objects.

What is refused here, with the file and the line, before any model sees the
data: a key that occurs twice in one mapping or object (the last one would
silently win and a fact would be lost), a date that does not exist, NaN and
infinity, integers beyond 2**53 (the engine compares numbers as doubles),
more than 20 MB read (counted on the bytes read, so stdin, FIFOs and devices
are capped too), more than 64 levels of nesting, and aliases: none at all in
a case file, and in a ruleset no more than a few thousand nodes of expansion,
so a few hundred bytes of nested anchors cannot hang the loader.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Container, Iterator
from pathlib import Path
from typing import Any

import yaml

from .errors import WeerbaarError
from .safetext import one_line

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_INT = 2**53
MAX_ALIAS_NODES = 10_000  # nodes an alias may add to a ruleset file (the largest national file has ~1,700 in all)
STDIN = "-"


# libyaml's safe loader is ten times faster (it matters for the cold start of `rules`); both only build plain data.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


Position = tuple[int, int | None]  # line, and column where known (both from 1)


class _Refused(Exception):
    """Loader-level refusal with the position it concerns."""

    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message = message
        self.mark = mark


def _key_text(key: object) -> str:
    return one_line(key, 60)


def place(loc: tuple[Any, ...], shown: Container[str] | None = None) -> str:
    """A location in the data as people read it: `activiteiten[0].informatie` (key names made safe and short).

    With `shown` (the field names of the case model) a key that is not one of them is the
    writer's own word, perhaps personal data: the place stops before it (the message
    gives line and column).
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif shown is not None and part not in shown:
            return f"{out}, in een onbekend veld" if out else "een onbekend veld"
        else:
            text = one_line(part, 40)
            out += f".{text}" if out else text
    return out or "(hele bestand)"


def _twice(key: object, shown: Container[str] | None, container: str) -> str:
    """A duplicate key: named when it is a known field (or nothing is private), else by its line and column only."""
    named = f"sleutel '{_key_text(key)}'" if shown is None or (isinstance(key, str) and key in shown) else "een sleutel"
    return f"{named} staat twee keer in {container} (de tweede zou de eerste stil vervangen)"


# PyYAML's problems in Dutch; the quoted part they carry (a tag, a character) is the writer's text and is left out.
_YAML_PROBLEMS = (
    ("could not determine a constructor for the tag", "een YAML-tag (!…) wordt niet gelezen; schrijf de waarde zonder tag"),
    ("found undefined tag handle", "een onbekende YAML-tag (!…); schrijf de waarde zonder tag"),
    ("found unknown escape character", "een onbekende escape (\\…) in tekst tussen dubbele aanhalingstekens"),
    ("found character", "een teken dat hier niet mag (een tab om in te springen, of @ of ` aan het begin van een waarde)"),
    ("found a tab character", "een tab waar met spaties moet worden ingesprongen"),
    ("mapping values are not allowed here", "hier mag geen 'sleutel: waarde' staan (aanhalingstekens vergeten, of verkeerd ingesprongen?)"),
    ("could not find expected ':'", "verwacht een ':' na de sleutel"),
    ("found unexpected end of stream", "het bestand houdt onverwacht op (een aanhalingsteken of haakje niet gesloten?)"),
    ("expected ',' or ']'", "verwacht ',' of ']'"),
    ("expected ',' or '}'", "verwacht ',' of '}'"),
    ("expected <block end>", "verkeerd ingesprongen (hier verwacht een sleutel of een '-' op de juiste inspringing)"),
    ("did not find expected", "verkeerd ingesprongen (hier verwacht een sleutel of een '-' op de juiste inspringing)"),
    ("expected alphabetic or numeric character", "ongeldige naam van een anker, alias of tag"),
    ("found undefined alias", "een alias (*naam) zonder anker"),
    ("found duplicate anchor", "een anker (&naam) staat twee keer"),
    ("expected '<document start>'", "meer dan één document (---) in één bestand"),
    ("expected a single document", "meer dan één document (---) in één bestand"),
    ("found unhashable key", "een sleutel moet een naam zijn, geen lijst of mapping"),
    ("found duplicate", "een YAML-directive (%…) staat twee keer"),
    ("found incompatible YAML document", "een YAML-versie die niet wordt gelezen (alleen 1.x)"),
    ("expected the node content", "hier verwacht een waarde"),
    ("found unexpected ':'", "een ':' die hier niet kan (zet de tekst tussen aanhalingstekens)"),
)


def _yaml_problem(problem: object, shown: Container[str] | None) -> str:
    text = str(problem or "")
    dutch = next((words for english, words in _YAML_PROBLEMS if text.startswith(english)), None)
    if dutch is not None:
        return dutch
    return "de structuur klopt hier niet" if shown is not None else one_line(text)


class _LineLoader(_SafeBase):  # type: ignore[misc,valid-type]
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: dict[int, int] = {}
        self.key_lines: dict[int, dict[Any, Position] | list[Position]] = {}
        self.keep: list[Any] = []
        self._tags: dict[tuple[Any, ...], str] = {}
        self.shown: Container[str] | None = None

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        """The implicit tag of a node, as PyYAML's resolver gives it, once per distinct node text in this document.

        The C parser asks the Python resolver about every node, and a ruleset
        repeats the same keys and values hundreds of times; the answer depends
        only on these arguments (the safe loader has no path resolvers).
        """
        key = (kind, value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = self._tags[key] = super().resolve(kind, value, implicit)
        return tag

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        merges = sum(1 for key, _ in node.value if key.tag == "tag:yaml.org,2002:merge")
        explicit = len(node.value) - merges
        self.flatten_mapping(node)  # merged pairs first; explicit keys after them may override those
        first_explicit = len(node.value) - explicit
        mapping: dict[Any, Any] = {}
        lines: dict[Any, Position] = {}
        merged: set[Any] = set()  # keys that came in through `<<`: one explicit key may override each
        for position, (key_node, value_node) in enumerate(node.value):
            key = self.construct_object(key_node, deep=True)
            try:
                seen = key in mapping
            except TypeError:
                raise _Refused("een sleutel moet een naam zijn, geen lijst of mapping", key_node.start_mark) from None
            if position < first_explicit:
                merged.add(key)
            elif seen and key not in merged:
                raise _Refused(_twice(key, self.shown, "deze mapping"), key_node.start_mark)
            else:
                merged.discard(key)
            mapping[key] = self.construct_object(value_node, deep=True)
            lines[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        self.lines[id(mapping)] = node.start_mark.line + 1
        self.key_lines[id(mapping)] = lines
        self.keep.append(mapping)
        return mapping

    def construct_list(self, node: yaml.SequenceNode) -> list[Any]:
        items = [self.construct_object(child, deep=True) for child in node.value]
        self.lines[id(items)] = node.start_mark.line + 1
        self.key_lines[id(items)] = [(child.start_mark.line + 1, child.start_mark.column + 1) for child in node.value]
        self.keep.append(items)
        return items

    def construct_checked_int(self, node: yaml.ScalarNode) -> int:
        if len(node.value) > 24:
            raise _Refused(f"getal met {len(node.value)} tekens is te groot (maximaal 2^53)", node.start_mark)
        value = int(self.construct_yaml_int(node))
        if abs(value) > MAX_INT:
            raise _Refused("getal is te groot (maximaal 2^53)", node.start_mark)
        return value

    def construct_checked_float(self, node: yaml.ScalarNode) -> float:
        value = float(self.construct_yaml_float(node))
        if not math.isfinite(value):
            raise _Refused(".nan en .inf zijn geen getallen waarmee een regel of zaak kan rekenen", node.start_mark)
        return value

    def construct_checked_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return self.construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            raise _Refused("deze datum bestaat niet (verwacht JJJJ-MM-DD, een bestaande datum)", node.start_mark) from None


    def construct_plain(self, root: yaml.Node) -> Any:
        """Build a document without anchors, merge keys or explicit tags, as `construct_document` would, but faster.

        PyYAML's constructor runs every node through a generic dispatch (it
        must allow for recursive structures and generator constructors); that
        was most of the time of loading the rulesets, which every `rules`
        command pays at its start. Plain YAML needs none of it: mappings and
        lists are built here, with the same line tables and the same
        refusals in the same document order, and scalars go to the same
        constructors. Anything else, and nesting deeper than MAX_DEPTH (so
        that also keeps its own message), raises `_NotPlain`, and the caller
        uses `construct_document` instead.
        """
        constructors = self.yaml_constructors
        lines, key_lines, keep = self.lines, self.key_lines, self.keep
        str_tag = "tag:yaml.org,2002:str"

        def scalar(node: yaml.Node) -> Any:
            if node.tag == str_tag:
                return node.value
            constructor = constructors.get(node.tag)
            if constructor is None or node.tag not in _PLAIN_SCALARS:
                raise _NotPlain
            return constructor(self, node)

        def build(node: yaml.Node, depth: int) -> Any:
            if depth > MAX_DEPTH:
                raise _NotPlain
            if isinstance(node, yaml.ScalarNode):
                return scalar(node)
            if isinstance(node, yaml.MappingNode):
                if node.tag != yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG:
                    raise _NotPlain
                mapping: dict[Any, Any] = {}
                table: dict[Any, Position] = {}
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode) or key_node.tag in _SPECIAL_KEYS:
                        raise _NotPlain
                    key = scalar(key_node)
                    if key in mapping:
                        raise _Refused(_twice(key, self.shown, "deze mapping"), key_node.start_mark)
                    mapping[key] = build(value_node, depth + 1)
                    mark = key_node.start_mark
                    table[key] = (mark.line + 1, mark.column + 1)
                lines[id(mapping)] = node.start_mark.line + 1
                key_lines[id(mapping)] = table
                keep.append(mapping)
                return mapping
            if node.tag != yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG:
                raise _NotPlain
            items = [build(child, depth + 1) for child in node.value]
            lines[id(items)] = node.start_mark.line + 1
            key_lines[id(items)] = [(child.start_mark.line + 1, child.start_mark.column + 1) for child in node.value]
            keep.append(items)
            return items

        return build(root, 1)


class _NotPlain(Exception):
    """The document uses a YAML feature `construct_plain` leaves to PyYAML's own constructor."""


# Scalars `construct_plain` builds itself (through the constructors registered below); a merge key (`<<`) or
# value key (`=`) changes its mapping, so it is left to `construct_document`.
_PLAIN_SCALARS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "null", "bool", "int", "float", "timestamp")
)
_SPECIAL_KEYS = frozenset(("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, lambda loader, node: loader.construct_mapping(node, deep=True))
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, lambda loader, node: loader.construct_list(node))
_LineLoader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: loader.construct_checked_int(node))
_LineLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: loader.construct_checked_float(node))
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_checked_timestamp(node))


def _check_nodes(root: yaml.Node, aliases: bool) -> None:
    """Refuse aliases (case files) or their runaway expansion and cycles (rulesets), before anything is constructed.

    An alias is the same composed node reached twice; its expanded size is
    counted once per node (memoised), so the check is linear in the file even
    when the expansion is exponential.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        children: list[yaml.Node]
        if isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            children = []
        if closing:
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            open_nodes.discard(key)
            continue
        if key in open_nodes:
            raise _Refused("een alias verwijst naar zichzelf (een oneindige structuur)", node.start_mark)
        if key in sizes:
            if not aliases:
                raise _Refused("ankers en aliassen (&naam, *naam) zijn in een zaakbestand niet toegestaan", node.start_mark)
            continue
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in children)
    expanded = sizes[id(root)]
    if expanded - len(sizes) > MAX_ALIAS_NODES:
        raise _Refused(
            f"aliassen breiden dit bestand uit met {expanded - len(sizes)} knopen (maximaal {MAX_ALIAS_NODES})", root.start_mark
        )


# -- JSON ----------------------------------------------------------------------------------------

_LITERAL = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|true|false|null|NaN|-?Infinity")
_JSON_MESSAGES = {
    "Expecting value": "hier verwacht een waarde",
    "Expecting ',' delimiter": "hier verwacht een komma",
    "Expecting ':' delimiter": "hier verwacht een dubbele punt",
    "Expecting property name enclosed in double quotes": "hier verwacht een veldnaam tussen dubbele aanhalingstekens",
    "Extra data": "tekst na het einde van het JSON-object",
    "Unterminated string starting at": "tekst zonder afsluitend aanhalingsteken",
    "Invalid control character at": "ongeldig stuurteken in tekst",
    "Invalid \\escape": "ongeldige escape (\\) in tekst",
    "Invalid \\uXXXX escape": "ongeldige \\u-escape in tekst",
    "Illegal trailing comma before end of object": "komma voor het einde van het object",
    "Illegal trailing comma before end of array": "komma voor het einde van de lijst",
    "Unexpected UTF-8 BOM (decode using utf-8-sig)": "onverwachte BOM aan het begin",
}


class _JsonProblem(Exception):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _JsonProblem
    return result


def _json_int(text: str) -> int:
    if len(text) > 17 or abs(int(text)) > MAX_INT:
        raise _JsonProblem
    return int(text)


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _JsonProblem
    return value


def _json_constant(text: str) -> float:
    raise _JsonProblem


def _json_events(text: str) -> Iterator[tuple[str, tuple[Any, ...], int, str]]:
    """Walk a JSON text and yield (kind, path, position, token) for every key ("key", "dup") and value ("string", "literal", "open").

    Only run when an error must be placed (pydantic and our hooks know the path,
    not the position), so it may be slow; it stops quietly at invalid JSON.
    """
    # frame: [is_object, key or index, keys seen, expecting a key, expecting a value (arrays)]
    frames: list[list[Any]] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in " \t\r\n":
            index += 1
            continue
        top = frames[-1] if frames else None
        path = tuple(frame[1] for frame in frames)
        if char == '"':
            try:
                value, end = json.decoder.scanstring(text, index + 1)  # type: ignore[attr-defined]
            except ValueError:
                return
            if top is not None and top[0] and top[3]:
                kind = "dup" if value in top[2] else "key"
                top[2].add(value)
                top[1], top[3] = value, False
                yield kind, path[:-1] + (value,), index, value
            else:
                yield "string", path, index, value
            index = end
            continue
        if char in "{[":
            yield "open", path, index, char
            frames.append([True, None, set(), True, False] if char == "{" else [False, 0, None, False, True])
        elif char in "}]":
            if not frames:
                return
            frames.pop()
        elif char == ",":
            if top is None:
                return
            if top[0]:
                top[3] = True
            else:
                top[1] += 1
        elif char == ":":
            if top is None:
                return
            top[3] = False
        else:
            match = _LITERAL.match(text, index)
            if not match:
                return
            yield "literal", path, index, match.group()
            index = match.end()
            continue
        index += 1


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _json_problem(text: str, shown: Container[str] | None) -> tuple[int, str] | None:
    """The first duplicate key, NaN/Infinity or too large integer in document order, with its place."""
    for kind, path, index, token in _json_events(text):
        found = _json_refusal(kind, token, shown)
        if found:
            return index, f"{place(path, shown)}: {found}"
    return None


def _json_refusal(kind: str, token: str, shown: Container[str] | None) -> str | None:
    if kind == "dup":
        return _twice(token, shown, "dit object")
    if kind != "literal":
        return None
    if token in ("NaN", "Infinity", "-Infinity"):
        return f"{token} is geen getal waarmee een zaak kan rekenen"
    if token[0] in "-0123456789":
        if re.search(r"[.eE]", token):
            if not math.isfinite(float(token)):
                return "getal is te groot"
        elif len(token) > 17 or abs(int(token)) > MAX_INT:
            return f"getal met {len(token)} cijfers is te groot (maximaal 2^53)"
    return None


def parse_json(text: str, where: str, error: type[WeerbaarError], first_line: int = 1, shown: Container[str] | None = None) -> Any:
    """JSON with the same refusals as YAML (duplicate keys, NaN, huge integers); errors give line and column.

    `first_line` is the line of the text in its file (a record of a JSON-lines file); `shown`: see `place`.
    """
    try:
        return json.loads(
            text, object_pairs_hook=_unique, parse_int=_json_int, parse_float=_json_float, parse_constant=_json_constant
        )
    except json.JSONDecodeError as exc:
        message = next((dutch for english, dutch in _JSON_MESSAGES.items() if exc.msg.startswith(english)), exc.msg)
        raise error(f"{where}:{exc.lineno + first_line - 1}:{exc.colno}: ongeldige JSON: {message}") from None
    except _JsonProblem:
        problem = _json_problem(text, shown)
        if problem is None:  # pragma: no cover - the walk finds what the hooks found
            raise error(f"{where}: ongeldige JSON") from None
        line, column = _position(text, problem[0])
        raise error(f"{where}:{line + first_line - 1}:{column}: {problem[1]}") from None
    except RecursionError:
        raise error(f"{where}: te diep genest") from None


# -- files ---------------------------------------------------------------------------------------


class Located:
    """Parsed data plus the line of every mapping, key and list item in it."""

    def __init__(
        self,
        path: Path,
        data: Any,
        lines: dict[int, int],
        keep: list[Any],
        key_lines: dict[int, dict[Any, Position] | list[Position]] | None = None,
        json_text: str | None = None,
        first_line: int = 1,
    ) -> None:
        self.path = path
        self.data = data
        self._lines = lines
        self._key_lines = key_lines or {}
        self._keep = keep  # keeps ids in `lines` valid
        self._json_text = json_text
        self._first_line = first_line

    def line_of(self, obj: Any) -> int | None:
        return self._lines.get(id(obj))

    def line_at(self, loc: tuple[Any, ...]) -> int | None:
        """Line of the deepest key or list item along a pydantic error location (the offending key, not its mapping)."""
        position = self.position_at(loc)
        return position[0] if position else None

    def position_at(self, loc: tuple[Any, ...]) -> Position | None:
        """Line and column of the deepest key or list item along a pydantic error location."""
        if self._json_text is not None:
            return self._json_position(loc)
        current = self.data
        line = self.line_of(current)
        position: Position | None = (line, None) if line else None
        for part in loc:
            table = self._key_lines.get(id(current))
            if isinstance(table, dict) and isinstance(part, (str, int)):
                position = table.get(part, position)
            elif isinstance(table, list) and isinstance(part, int) and 0 <= part < len(table):
                position = table[part]
            try:
                current = current[part]
            except (KeyError, IndexError, TypeError):
                break
        return position

    def _json_position(self, loc: tuple[Any, ...]) -> Position | None:
        best: tuple[int, int] | None = None  # (length of the matched path, position)
        for kind, path, index, _ in _json_events(self._json_text or ""):
            if kind != "key" and path and isinstance(path[-1], str):
                continue  # an object member: its key's position was taken
            if len(path) <= len(loc) and path == loc[: len(path)] and (best is None or len(path) > best[0]):
                best = (len(path), index)
                if len(path) == len(loc):
                    break
        if best is None:
            return None
        line, column = _position(self._json_text or "", best[1])
        return line + self._first_line - 1, column


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


def display_name(path: Path) -> str:
    return "stdin" if str(path) == STDIN else str(path)


def read_bytes(path: Path, error: type[WeerbaarError], limit: int = MAX_BYTES) -> bytes:
    """At most `limit` bytes, counted while reading (a FIFO, stdin or /dev/zero has no size to `stat`)."""
    name = display_name(path)
    try:
        if str(path) == STDIN:
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with path.open("rb") as stream:
                data = stream.read(limit + 1)
    except FileNotFoundError:
        raise error(f"{name}: bestand bestaat niet") from None
    except IsADirectoryError:
        raise error(f"{name}: is een map, geen bestand") from None
    except OSError as exc:
        raise error(f"{name}: kan niet gelezen worden ({exc.strerror})") from None
    if len(data) > limit:
        raise error(f"{name}: bestand is te groot (meer dan {limit} bytes)")
    return data


def decode(data: bytes, where: str, error: type[WeerbaarError]) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(f"{where}: geen geldige UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise error(f"{where}: bestand is leeg")
    return text


def read_text(path: Path, error: type[WeerbaarError]) -> str:
    return decode(read_bytes(path, error), display_name(path), error)


def is_json(path: Path, text: str) -> bool:
    """A .json file is JSON; stdin is JSON when it starts like JSON, else YAML."""
    if str(path) == STDIN:
        return text.lstrip()[:1] in ("{", "[")
    return path.suffix.lower() == ".json"


def load(
    path: Path, error: type[WeerbaarError], text: str | None = None, aliases: bool = True, shown: Container[str] | None = None
) -> Located:
    """Read a YAML or JSON file safely; any problem becomes `error` naming the file and line.

    `aliases=False` refuses YAML anchors and aliases altogether (case files);
    otherwise their expansion is capped (rulesets may share a list of sources).
    `shown`: the only key names a message may repeat (a case's field names), see `place`.
    """
    name = display_name(path)
    if text is None:
        text = read_text(path, error)
    if is_json(path, text):
        located = Located(path, parse_json(text, name, error, shown=shown), {}, [], json_text=text)
    else:
        loader = _LineLoader(text)
        loader.shown = shown
        try:
            node = loader.get_single_node()
            if node is None:
                raise error(f"{name}: bestand is leeg")
            plain = "*" not in text  # an alias is written *name: without a '*' there is none to expand or refuse
            if plain:
                try:
                    data = loader.construct_plain(node)
                except _NotPlain:
                    plain = False
                    loader.lines, loader.key_lines, loader.keep = {}, {}, []
            else:
                _check_nodes(node, aliases)
            if not plain:
                data = loader.construct_document(node)
        except _Refused as exc:
            raise error(f"{name}:{exc.mark.line + 1}:{exc.mark.column + 1}: {exc.message}") from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"{mark.line + 1}:{mark.column + 1}" if mark else "?"
            raise error(f"{name}:{where}: ongeldige YAML: {_yaml_problem(exc.problem, shown)}") from None
        except yaml.YAMLError as exc:
            raise error(f"{name}: ongeldige YAML: {_yaml_problem(exc, shown)}") from None
        except RecursionError:
            raise error(f"{name}: te diep genest") from None
        finally:
            loader.dispose()
        located = Located(path, data, loader.lines, loader.keep, loader.key_lines)
        if plain:
            return located  # construct_plain stops deeper than MAX_DEPTH
    if _depth(located.data, MAX_DEPTH) > MAX_DEPTH:
        raise error(f"{name}: te diep genest (meer dan {MAX_DEPTH} niveaus)")
    return located
