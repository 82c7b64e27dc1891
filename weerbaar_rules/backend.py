"""The one module that talks to durable_rules.

It drives the extension module `durable_rules_engine` directly, because the
`durable.lang` / `Host` layers are unsafe in a library (a process-wide
singleton, timer threads that run actions on their own, swallowed exceptions,
leaks on teardown; see docs/engine.md). The pattern used here:

* each compiled stratum is created once per process and cached by content;
* per case a fresh session id, all facts asserted as one batch, the actions
  drained in a loop, and the session deleted in `finally`;
* every stratum has a sentinel rule that always fires, because deleting a
  session in which nothing fired can crash the C code;
* a firing limit stops runaway chains; an error in an action is abandoned in
  the engine and raised to the caller;
* the C engine has no locks and never releases the GIL, so one process-wide
  lock serialises access (scale with processes, not threads).
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import durable_rules_engine as _dre

from .errors import EvaluationError

_LOCK = threading.RLock()
_HANDLES: dict[str, int] = {}
_SESSIONS = itertools.count(1)

# Reply codes of assert_facts / assert_fact.
_OK, _NOT_HANDLED, _OBSERVED = 0, 1, 2
MAX_PROPERTIES = 200


@dataclass(frozen=True)
class Match:
    """One firing as the engine reported it: the rule name and, per pattern alias, the matched fact(s)."""

    rule: str
    facts: tuple[tuple[str, dict[str, Any]], ...]


_EXPONENT = re.compile(r"[0-9][eE][-+]?[0-9]")


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
    text = json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys)
    if _EXPONENT.search(text) or "Infinity" in text or "NaN" in text:
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
        raise EvaluationError(f"feit {fact.get('_p')} heeft te veel eigenschappen ({len(fact)})")


def _matches(message: str) -> Iterable[Match]:
    for rule, matched in json.loads(message).items():
        groups = matched if isinstance(matched, list) else [matched]
        facts = tuple((alias, fact) for group in groups for alias, fact in group.items())
        yield Match(rule, facts)


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
    and reaches the caller unchanged; the session is always deleted.
    """
    with _LOCK:
        handle = _handle(name, definition)
        sid = str(next(_SESSIONS))
        batch = []
        for fact in facts:
            _check(fact)
            batch.append({**fact, "sid": sid})
        try:
            result = _dre.assert_facts(handle, dumps(batch))
        except _dre.error as exc:
            raise EvaluationError(f"feiten konden niet aan durable_rules worden doorgegeven: {exc}") from None
        offset = result[1]
        in_action = False
        try:
            started = _dre.start_action_for_state(handle, offset)
            message = started[1] if started else None
            firings = 0
            while message:
                in_action = True
                for match in _matches(message):
                    firings += 1
                    if firings > max_firings:
                        raise EvaluationError(
                            f"meer dan {max_firings} regelafvuringen voor een zaak: de regels lijken in een kring te lopen"
                        )
                    for new in on_match(match):
                        _check(new)
                        code = _dre.assert_fact(handle, dumps({**new, "sid": sid}))
                        if code[0] not in (_OK, _NOT_HANDLED, _OBSERVED):
                            raise EvaluationError(f"afgeleid feit kon niet worden toegevoegd (code {code[0]})")
                message = _dre.complete_and_start_action(handle, offset)
                in_action = False
        except BaseException:
            if in_action:
                try:
                    _dre.abandon_action(handle, offset)
                except _dre.error:
                    pass
            raise
        finally:
            _dre.delete_state(handle, sid)


def compiled_count() -> int:
    """How many durable rulesets this process holds (they are never torn down: that leaks in the C code)."""
    return len(_HANDLES)
