"""The engine on durable_rules: isolation, threads, failing actions, runaway chains, no leaks."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from weerbaar_rules import Case, Engine, EvaluationError
from weerbaar_rules.engine import backend
from weerbaar_rules.render import to_json

from .conftest import CASES


def _case(**overrides: object) -> Case:
    data = {
        "schema_versie": "2",
        "zaak_id": "iso",
        "peildatum": "2026-11-01",
        "locatie": {"type": "woning"},
        "activiteiten": [
            {"type": "drugshandel", "opiumwet_lijst": "I", "hoeveelheid": {"eenheid": "handelshoeveelheid"}, "plek": "in_pand", "datum": "2026-10-01", "informatie": ["p"]}
        ],
        "informatie": [{"id": "p", "bron": "politie", "grondslag": "wpg_16"}],
    }
    data.update(overrides)
    return Case.model_validate(data)


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def test_no_fact_leaks_between_cases(engine: Engine) -> None:
    drugs = _case()
    empty = _case(zaak_id="leeg", activiteiten=[], informatie=[])
    first = engine.evaluate(empty)
    engine.evaluate(drugs)
    again = engine.evaluate(empty)
    assert to_json(first) == to_json(again)
    assert "sluiting_13b_opiumwet" not in again.aanbevolen
    assert "sluiting_13b_opiumwet" in engine.evaluate(drugs).aanbevolen


def test_same_case_gives_byte_identical_json(engine: Engine) -> None:
    case = _case()
    assert to_json(engine.evaluate(case)) == to_json(engine.evaluate(case))


def test_threads_share_one_engine_safely(engine: Engine) -> None:
    cases = [_case(zaak_id=f"t{i}", activiteiten=[] if i % 2 else _case().activiteiten) for i in range(40)]
    expected = {c.zaak_id: to_json(engine.evaluate(c)) for c in cases}
    results: dict[str, str] = {}
    errors: list[BaseException] = []

    def work(chunk: list[Case]) -> None:
        try:
            for case in chunk:
                results[case.zaak_id] = to_json(engine.evaluate(case))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(cases[i::4],)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert results == expected


TINY = {
    "__start": {"all": [{"z": {"_t": "zaak"}}]},
    "grow": {"all": [{"n": {"_t": "teller"}}]},
}


def test_exception_in_action_reaches_caller_and_engine_survives(engine: Engine) -> None:
    def boom(match: backend.Match) -> list[dict[str, object]]:
        if match.rule == "grow":
            raise RuntimeError("fout in actie")
        return []

    with pytest.raises(RuntimeError, match="fout in actie"):
        backend.run("test_boom", TINY, [{"_t": "zaak", "_p": "z"}, {"_t": "teller", "_p": "n0"}], boom, 100)
    # The session was cleaned up: the same ruleset and the real engine keep working.
    backend.run("test_boom", TINY, [{"_t": "zaak", "_p": "z"}], lambda m: [], 100)
    assert engine.evaluate(_case()).aanbevolen


def test_runaway_chain_is_stopped() -> None:
    counter = iter(range(10**9))

    def forever(match: backend.Match) -> list[dict[str, object]]:
        return [{"_t": "teller", "_p": f"n{next(counter)}"}] if match.rule == "grow" else []

    with pytest.raises(EvaluationError, match="kring"):
        backend.run("test_runaway", TINY, [{"_t": "zaak", "_p": "z"}, {"_t": "teller", "_p": "start"}], forever, 500)
    backend.run("test_runaway", TINY, [{"_t": "zaak", "_p": "z"}], lambda m: [], 500)


def test_firing_limit_applies_to_engine(engine: Engine) -> None:
    tight = Engine(engine.ruleset, max_firings=3)
    with pytest.raises(EvaluationError):
        tight.evaluate(_case())


def test_too_many_properties_are_rejected_before_the_engine() -> None:
    fact = {"_t": "zaak", "_p": "z", **{f"f{i}": i for i in range(300)}}
    with pytest.raises(EvaluationError, match="eigenschappen"):
        backend.run("test_props", TINY, [fact], lambda m: [], 10)


def test_ten_thousand_evaluations_neither_crash_nor_leak(engine: Engine) -> None:
    cases = [Case.model_validate(json.loads(p.read_text())) for p in sorted(CASES.glob("*.json"))]
    for case in cases * 3:  # warm up allocator and caches
        engine.run(case)
    before = _rss_kb()
    for i in range(10_000):
        engine.run(cases[i % len(cases)])
    growth = _rss_kb() - before
    # Flat memory: a leak of even 1 KB per evaluation would show as ~10 MB.
    assert growth < 5_000, f"geheugen groeide {growth} KB over 10.000 evaluaties"
    assert backend.compiled_count() < 50


def test_reused_session_is_empty_between_cases(engine: Engine) -> None:
    """Sessions are reused (creating one costs the C code a memset per join node); nothing may stay behind."""
    engine.run(_case())
    for stratum in engine.program.strata:
        handle = backend._HANDLES[stratum.name]
        sid = backend._OPEN[handle]
        assert backend._dre.get_facts(handle, sid) == "[]"


def test_session_is_replaced_after_an_error() -> None:
    def boom(match: backend.Match) -> list[dict[str, object]]:
        if match.rule == "grow":
            raise RuntimeError("fout in actie")
        return []

    backend.run("test_replace", TINY, [{"_t": "zaak", "_p": "z"}], lambda m: [], 100)
    handle = backend._HANDLES["test_replace"]
    first = backend._OPEN[handle]
    with pytest.raises(RuntimeError):
        backend.run("test_replace", TINY, [{"_t": "zaak", "_p": "z"}, {"_t": "teller", "_p": "n0"}], boom, 100)
    assert handle not in backend._OPEN
    seen: list[backend.Match] = []
    backend.run("test_replace", TINY, [{"_t": "zaak", "_p": "z"}, {"_t": "teller", "_p": "n1"}], lambda m: seen.append(m) or [], 100)
    assert backend._OPEN[handle] != first
    # The fact of the failed case is gone with its session: only this case's counter fires.
    assert sorted(seen) == [backend.Match("__start", ("z",)), backend.Match("grow", ("n1",))]


def test_provenance_is_read_exactly_from_hostile_values() -> None:
    """Firings are read with a regular expression; values that look like a provenance key must not confuse it."""
    hostile = 'x","_p":"vals\\\\"_p": "ook vals'
    seen: list[backend.Match] = []
    facts = [{"_t": "zaak", "_p": "z", "naam": hostile}, {"_t": "teller", "_p": 'n"\\1', "tekst": '"_p":"nee"'}]
    backend.run("test_hostile", TINY, facts, lambda m: seen.append(m) or [], 100)
    assert sorted(seen) == [backend.Match("__start", ("z",)), backend.Match("grow", ('n"\\1',))]
