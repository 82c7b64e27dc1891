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
from collections.abc import Callable
from typing import Any, NamedTuple

import durable_rules_engine as _dre

from .errors import EvaluationError

_LOCK = threading.RLock()
_HANDLES: dict[str, int] = {}
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
    if handle is None:
        try:
            handle = _dre.create_ruleset(name, dumps(definition, sort_keys=True))
        except _dre.error as exc:
            raise EvaluationError(f"de regelset kon niet in durable_rules worden aangemaakt: {exc}") from None
        _HANDLES[name] = handle
    return handle


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


def compiled_count() -> int:
    """How many durable rulesets this process holds (they are never torn down: that leaks in the C code)."""
    return len(_HANDLES)
