"""The one module that talks to durable_rules.

It drives the extension module `durable_rules_engine` directly, because the
`durable.lang` / `Host` layers are unsafe in a library (a process-wide
singleton, timer threads that run actions on their own, swallowed exceptions,
leaks on teardown; see docs/engine.md). The pattern used here:

* each compiled stratum is created once per process and cached by content;
* each stratum keeps one session that is reused case after case: all facts
  are asserted as one batch, the actions drained in a loop, and afterwards
  every fact of the case (asserted and derived) is retracted again and the
  session is checked to be empty. Creating a session costs the C code a
  malloc and an 8 KB memset for every join node of the ruleset, which was
  two thirds of the time per case; retracting is cheap;
* any error, or a session that is not empty after the retraction, discards
  the session so the next case starts on a new one. It is deleted in the C
  engine only if something ever fired in it: deleting a session in which
  nothing fired can crash the C code (such a session is left alone);
* facts derived by firings are collected and asserted together whenever the
  queue of actions runs dry, until nothing new is derived (the fixpoint is
  the same, the engine is called less often);
* a firing limit stops runaway chains; an error in an action is abandoned in
  the engine and raised to the caller;
* the C engine has no locks and never releases the GIL, so one process-wide
  lock serialises access (scale with processes, not threads).

The C engine has fixed sizes that a growing ruleset runs into (see
docs/engine.md, "Capaciteit"). `capacity()` models its alpha network from the
JSON definition alone, so the compiler can split a stratum over several
rulesets before any of them reaches the engine.

Firings are read without decoding their JSON: only the rule name and the
provenance key (`_p`) of each matched fact are needed. A JSON string value
can never contain the unescaped text `"_p":"` (a quote inside a string is
always written `\\"`), so splitting on it finds exactly the provenance keys.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

import durable_rules_engine as _dre

from ..core.errors import EvaluationError

_LOCK = threading.RLock()
_HANDLES: dict[str, int] = {}
_REFUSED: dict[str, str] = {}  # rulesets durable_rules would not create, with the error
_SESSION_IDS = itertools.count(1)
_OPEN: dict[int, str] = {}  # handle -> its reusable session, empty between cases
_FIRED: set[tuple[int, str]] = set()  # sessions in which something fired: only those may be deleted

MAX_PROPERTIES = 200
PROVENANCE = "_p"  # every fact carries its provenance key under this name

_PROVENANCE = re.compile(r'"_p":"([^"\\]*)"')
_PROVENANCE_ESCAPED = re.compile(r'"_p":"((?:[^"\\]|\\.)*)"')


class Match(NamedTuple):
    """One firing as the engine reported it: the rule name and the provenance keys of the matched facts, in pattern order."""

    rule: str
    facts: tuple[str, ...]


def _float_text(value: float) -> str:
    """A float as durable_rules can read it.

    Its JSON reader misreads an exponent whose mantissa has no decimal point
    (``1e-05``, ``1e+16``, Python's own repr of such floats): the rest of the
    batch is silently lost or the process crashes. ``1.0e-05`` is read
    correctly. Infinity and NaN crash it too, so they never reach it.
    """
    if not math.isfinite(value):
        raise EvaluationError(f"getal {value} is niet eindig en kan niet aan de engine worden doorgegeven")
    text = repr(value)
    mantissa, exponent, rest = text.partition("e")
    if exponent and "." not in mantissa:
        text = f"{mantissa}.0e{rest}"
    return text


def _encode(obj: Any, sort_keys: bool = False) -> str:
    if isinstance(obj, float):
        return _float_text(obj)
    if isinstance(obj, dict):
        items = sorted(obj.items()) if sort_keys else obj.items()
        return "{" + ",".join(f"{json.dumps(str(k), ensure_ascii=False)}:{_encode(v, sort_keys)}" for k, v in items) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(_encode(v, sort_keys) for v in obj) + "]"
    return json.dumps(obj, ensure_ascii=False)


def dumps(obj: Any, sort_keys: bool = False) -> str:
    """JSON for durable_rules: the fast standard encoder unless a float needs the careful one."""
    text = json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":"))
    # Python writes every exponent with a sign (1e-05, 1e+16): a plain substring test finds them all,
    # much faster than a regular expression over the text (a string that merely contains them takes the careful path).
    if "e-" in text or "e+" in text or "Infinity" in text or "NaN" in text:
        return _encode(obj, sort_keys)
    return text


def _handle(name: str, definition: dict[str, Any]) -> int:
    handle = _HANDLES.get(name)
    if handle is not None:
        return handle
    refused = _REFUSED.get(name)
    if refused is None:
        try:
            handle = _HANDLES[name] = _dre.create_ruleset(name, dumps(definition, sort_keys=True))
            return handle
        except _dre.error as exc:
            # Never try again: a refused ruleset leaks what the C code had built (16 MB at five times the national rules).
            refused = _REFUSED[name] = f"de regelset kon niet in durable_rules worden aangemaakt: {exc}"
    raise EvaluationError(refused)


def _check(fact: dict[str, Any]) -> None:
    # The batch call silently corrupts state beyond about 251 properties per fact.
    if len(fact) > MAX_PROPERTIES:
        raise EvaluationError(f"feit {fact.get(PROVENANCE)} heeft te veel eigenschappen ({len(fact)})")


def _parse(message: str) -> Match:
    end = message.find('"', 2)
    if not message.startswith('{"') or not message.startswith('":{', end):
        # A list of frames (durable_rules' count/cap, which the compiler never uses): decode it fully.
        ((rule, frames),) = json.loads(message).items()
        groups = frames if isinstance(frames, list) else [frames]
        return Match(rule, tuple(fact[PROVENANCE] for group in groups for fact in group.values()))
    if "\\" in message:
        found = [json.loads(f'"{p}"') for p in _PROVENANCE_ESCAPED.findall(message, end)]
        return Match(message[2:end], tuple(found))
    return Match(message[2:end], tuple(_PROVENANCE.findall(message, end)))


def _discard(handle: int, sid: str) -> None:
    """Forget a session; delete it in the engine only if something fired in it (see module docstring)."""
    if _OPEN.get(handle) == sid:
        del _OPEN[handle]
    if (handle, sid) in _FIRED:
        _FIRED.discard((handle, sid))
        try:
            _dre.delete_state(handle, sid)
        except _dre.error:
            pass


def run(
    name: str,
    definition: dict[str, Any],
    facts: list[dict[str, Any]],
    on_match: Callable[[Match], list[dict[str, Any]]],
    max_firings: int,
) -> None:
    """Run one stratum for one case.

    `on_match` is called for every firing and returns new facts to assert in
    the same session (forward chaining). Any exception it raises stops the run
    and reaches the caller unchanged; the session is then discarded. Every
    fact must carry a provenance key (`_p`).
    """
    with _LOCK:
        handle = _handle(name, definition)
        sid = _OPEN.get(handle)
        if sid is None:
            sid = _OPEN[handle] = str(next(_SESSION_IDS))
        asserted: list[str] = []
        in_action = False
        offset = 0
        firings = 0
        try:
            pending = facts
            while pending:
                for fact in pending:
                    _check(fact)
                batch = dumps([{**fact, "sid": sid} for fact in pending])
                pending = []
                try:
                    offset = _dre.assert_facts(handle, batch)[1]
                except _dre.error as exc:
                    raise EvaluationError(f"feiten konden niet aan durable_rules worden doorgegeven: {exc}") from None
                asserted.append(batch[1:-1])
                started = _dre.start_action_for_state(handle, offset)
                message = started[1] if started else None
                while message:
                    in_action = True
                    firings += 1
                    if firings > max_firings:
                        raise EvaluationError(
                            f"meer dan {max_firings} regelafvuringen voor een zaak: de regels lijken in een kring te lopen"
                        )
                    derived = on_match(_parse(message))
                    if derived:
                        pending.extend(derived)
                    message = _dre.complete_and_start_action(handle, offset)
                    in_action = False
            if firings:
                _FIRED.add((handle, sid))
            _dre.retract_facts(handle, "[" + ",".join(asserted) + "]")
            if _dre.get_facts(handle, sid) != "[]":
                _discard(handle, sid)  # not empty after all: never reuse it
        except BaseException:
            if firings:
                _FIRED.add((handle, sid))
            if in_action:
                try:
                    _dre.abandon_action(handle, offset)
                except _dre.error:
                    pass
            _discard(handle, sid)
            raise


# -- capacity: the fixed sizes of the C engine -------------------------------------------------------
#
# Source: jruizgit/rules, src/rules (the code of durable-rules 2.0.28). `handleAlpha` (events.c) walks
# the alpha network of one fact depth first on a stack of MAX_STACK_SIZE = 64 nodes and fails with
# ERR_MAX_STACK_SIZE (303) when it is full. Building the network (rete.c, `linkAlpha`) gives each alpha
# node BETA_LIST_LENGTH = 256 slots for the rules that end there (else 108), NEXT_LIST_LENGTH = 128
# for `$nex` tests and the forward nodes of `$or` (else 107), NEXT_BUCKET_LENGTH = 512 buckets for
# the tests below it (else 106); `createTree` takes MAX_ACTIONS = 4096 rules (else 106). The slot
# lists are only checked once they are full and then read one slot past their end, so one slot less
# is usable. The budgets below keep a margin under each.

STACK_LIMIT = 64
STACK_BUDGET = 56
RULE_ENDS_BUDGET = 250
LINKS_BUDGET = 120
TESTS_BUDGET = 500
RULES_BUDGET = 4000

_OPERATORS = {"$lt": "lt", "$lte": "lte", "$gt": "gt", "$gte": "gte", "$neq": "neq", "$ex": "ex", "$nex": "nex"}


@dataclass(frozen=True)
class Capacity:
    """How much of the C engine's fixed sizes one durable_rules ruleset uses (the worst over its alpha nodes)."""

    stack: int  # upper bound of the alpha-node stack while one fact is matched
    rule_ends: int  # rules whose pattern ends at one alpha node
    links: int  # `$nex` tests and `$or` forward nodes below one alpha node
    tests: int  # other tests below one alpha node
    rules: int

    def exceeded(self) -> list[str]:
        """The budgets this ruleset goes over, in words for an error message (empty when it fits)."""
        over = []
        if self.stack > STACK_BUDGET:
            over.append(f"stapel van {self.stack} alfaknopen per feit (durable_rules: {STACK_LIMIT}, fout 303)")
        if self.rule_ends > RULE_ENDS_BUDGET:
            over.append(f"{self.rule_ends} regels op één alfaknoop (durable_rules: 256, fout 108)")
        if self.links > LINKS_BUDGET:
            over.append(f"{self.links} bestaanstoetsen en of-takken op één alfaknoop (durable_rules: 128, fout 107)")
        if self.tests > TESTS_BUDGET:
            over.append(f"{self.tests} toetsen onder één alfaknoop (durable_rules: 512, fout 106)")
        if self.rules > RULES_BUDGET:
            over.append(f"{self.rules} regels (durable_rules: 4096, fout 106)")
        return over


def _value_key(value: Any) -> tuple[str, Any]:
    # rete.c `compareValue` shares a node only for a value of the same JSON type (an int is no double).
    return (type(value).__name__, value)


class _Alpha:
    """One node of the alpha network as rete.c builds it, with what the stack bound needs kept up to date."""

    __slots__ = ("absent", "deepest", "height", "links", "op", "parents", "present", "prop", "pushed", "rule_ends", "share", "tests", "value")

    def __init__(self, prop: str | None, op: str, value: Any = None) -> None:
        self.prop = prop
        self.op = op  # eq, neq, lt, lte, gt, gte, ex, nex; "forward" for the join node of an $or
        self.value = value
        self.tests: dict[tuple[Any, ...], _Alpha] = {}
        self.links: list[_Alpha] = []  # $nex tests (shared) and forward nodes (one per $or)
        self.parents: list[_Alpha] = []  # more than one only for a forward node
        self.rule_ends = 0
        self.present: dict[str | None, list[_Alpha]] = {}  # the tests per property
        self.absent: dict[str | None, int] = {}  # the `$nex` tests per property
        self.share: dict[str | None, int] = {}  # per property: the children one fact can pass at once
        self.pushed = 0  # the children `handleAlpha` can push at once: forward nodes plus the shares
        self.deepest = 0  # the greatest height among the children
        self.height = 0  # the stack bound below this node (AlphaNetwork._update_heights)


class AlphaNetwork:
    """The alpha network of one ruleset, grown rule by rule: nodes shared exactly where `findAlpha` shares them.

    The compiler asks, unit after unit, whether a part of a stratum still fits
    (`split_stratum`). Rebuilding the network and walking all of it for every
    question cost a cold start ≈ 0.2 s. Here every node keeps its counts and
    its stack bound up to date as rules are added, so the question costs
    nothing and a whole stratum costs one build.
    """

    def __init__(self) -> None:
        self.root = _Alpha(None, "root")
        self.rules = 0
        self.rule_ends = 0
        self.links = 0
        self.tests = 0
        self._grown: list[_Alpha] = []  # nodes that got a child since the heights were brought up to date

    def add_rule(self, definition: dict[str, Any]) -> None:
        """Add one rule's patterns (its `all` list) as `createTree` does."""
        self.rules += 1
        for pattern in definition.get("all", ()):
            ((_, expression),) = pattern.items()
            end = self._add(expression, self.root)
            end.rule_ends += 1
            self.rule_ends = max(self.rule_ends, end.rule_ends)
        self._update_heights()

    @property
    def capacity(self) -> Capacity:
        return Capacity(stack=self.root.height, rule_ends=self.rule_ends, links=self.links, tests=self.tests, rules=self.rules)

    def _add(self, expression: dict[str, Any], parent: _Alpha) -> _Alpha:
        """Add one pattern expression below `parent`; the node where it ends."""
        ((key, value),) = expression.items()
        if key == "$and":
            for part in value:
                parent = self._add(part, parent)
            return parent
        if key == "$or":
            forward = _Alpha(None, "forward")  # `createForwardAlpha`: never shared
            for part in value:
                self._attach(self._add(part, parent), forward)
            return forward
        if key in _OPERATORS:
            ((prop, operand),) = value.items()
            return self._find(parent, prop, _OPERATORS[key], operand)
        return self._find(parent, key, "eq", value)

    def _find(self, parent: _Alpha, prop: str, op: str, value: Any) -> _Alpha:
        key = (prop, op, _value_key(value))
        if op == "nex":
            for node in parent.links:
                if node.op == "nex" and (node.prop, node.op, _value_key(node.value)) == key:
                    return node
        else:
            found = parent.tests.get(key)
            if found is not None:
                return found
        node = _Alpha(prop, op, value)
        if op != "nex":
            parent.tests[key] = node
        self._attach(parent, node)
        return node

    def _attach(self, parent: _Alpha, child: _Alpha) -> None:
        """Hang a new child under `parent` (a test is already in `parent.tests`) and recount what `parent` pushes.

        Forward nodes are always pushed; per property either its `$nex` tests
        (absent) or the tests that its one value meets (present), whichever is more.
        """
        child.parents.append(parent)
        self._grown.append(parent)
        if child.op == "forward":
            parent.links.append(child)
            parent.pushed += 1
        else:
            prop = child.prop
            if child.op == "nex":
                parent.links.append(child)
                parent.absent[prop] = parent.absent.get(prop, 0) + 1
            else:
                parent.present.setdefault(prop, []).append(child)
            share = max(_met(parent.present.get(prop, [])), parent.absent.get(prop, 0))
            parent.pushed += share - parent.share.get(prop, 0)
            parent.share[prop] = share
        self.links = max(self.links, len(parent.links))
        self.tests = max(self.tests, len(parent.tests))

    def _update_heights(self) -> None:
        """Bring the stack bounds up to date after some nodes got new children.

        The height of a node is an upper bound of the stack while one fact
        passes through its subtree. Processing a node pushes its matching
        children; each is popped in turn while the others wait. So a node that
        pushes m children reaches m, or m - 1 plus what the first child
        processed reaches. A new child is a leaf (height 0), so a grown node
        only recounts its own height; a changed height is passed on to the
        parents, which take in that one child. Iterative: deep rulesets must
        not hit Python's recursion limit.
        """
        work: list[tuple[_Alpha, _Alpha | None, int]] = [(node, None, 0) for node in dict.fromkeys(self._grown)]
        self._grown = []
        while work:
            node, child, before = work.pop()  # before: the child's height before it changed
            if child is not None:
                if child.height > node.deepest:
                    node.deepest = child.height
                elif child.height < before == node.deepest:  # its deepest child got lower: look at all of them
                    node.deepest = max(c.height for c in (*node.tests.values(), *node.links))
            height = max(node.pushed, node.pushed - 1 + node.deepest) if node.pushed else 0
            if height != node.height:
                work.extend((parent, node, node.height) for parent in node.parents)
                node.height = height


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _holds(op: str, constant: Any, value: Any) -> bool:
    """Whether a test can hold for a fact value; across JSON types it is assumed to (an upper bound)."""
    if op == "ex":
        return True
    if _number(constant) and _number(value):
        pass
    elif type(constant) is not type(value):
        return True
    if op == "eq":
        return bool(value == constant)
    if op == "neq":
        return bool(value != constant)
    return bool({"lt": value < constant, "lte": value <= constant, "gt": value > constant, "gte": value >= constant}[op])


def _candidates(constants: list[Any]) -> Iterator[Any]:
    """Fact values that between them meet every combination of these tests a real value can meet."""
    numbers = sorted({float(c) for c in constants if _number(c)})
    yield from constants
    if numbers:
        yield numbers[0] - 1
        yield numbers[-1] + 1
        yield from ((low + high) / 2 for low, high in itertools.pairwise(numbers))
    if any(isinstance(c, str) for c in constants):
        yield "\x00 geen van de getoetste waarden"
    if any(isinstance(c, bool) for c in constants):
        yield from (True, False)


def _met(tests: list[_Alpha]) -> int:
    """How many of these tests on one property a single fact value can meet at once."""
    if len(tests) < 2 or all(t.op == "eq" and isinstance(t.value, str) for t in tests):
        return min(len(tests), 1)  # one value equals at most one of several texts
    return max(sum(1 for t in tests if _holds(t.op, t.value, v)) for v in _candidates([t.value for t in tests]))


def capacity(definition: dict[str, Any]) -> Capacity:
    """What a ruleset definition would use of the C engine's fixed sizes, computed without the engine."""
    network = AlphaNetwork()
    for rule in definition.values():
        network.add_rule(rule)
    return network.capacity


def prepare(name: str, definition: dict[str, Any]) -> None:
    """Create a ruleset in the engine now (as the first case would), so an error shows before any case runs."""
    with _LOCK:
        _handle(name, definition)


def compiled_count() -> int:
    """How many durable rulesets this process holds (they are never torn down: that leaks in the C code)."""
    return len(_HANDLES)
