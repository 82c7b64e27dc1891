"""An OpenAPI-driven fuzz of the whole API of `rules serve` (schemathesis), against the real server on loopback.

Every operation of docs/openapi.json gets a bounded number of generated
requests (valid and invalid cases, odd parameters and paths); every answer
must be no 5xx and must fit what the document promises: its status, media
type, body schema and headers. Bounded in count and time (see MAX_EXAMPLES,
and the whole run is timed), so CI stays fast.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .serve_support import Server  # noqa: E402

MAX_EXAMPLES = 25  # per operation (10 operations); fewer when an operation has fewer distinct inputs
FUZZ_SECONDS = 60.0  # the whole fuzz, all operations together
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, response_headers_conformance)
_started: list[float] = []
_sent: list[str] = []


@pytest.fixture(scope="module")
def fuzzed_server() -> Iterator[Server]:
    running = Server("--workers", "2", "--tijdslimiet", "5")
    yield running
    log = running.stop()
    if _started:
        statuses = sorted({sent.rsplit(" ", 1)[1] for sent in _sent})
        operations = {sent.rsplit(" ", 1)[0] for sent in _sent}
        took = time.monotonic() - _started[0]
        print(f"\nfuzz: {len(_sent)} verzoeken over {len(operations)} operaties in {took:.1f} s; statussen {statuses}")
    assert "interne fout" not in log, log[-3000:]


# The committed document: test_serve_api checks that it is exactly what the server serves. (Loading it from the
# running server needs schemathesis' lazy fixture loader, which does not work with pytest 9.)
schema = schemathesis.openapi.from_path(str(Path(__file__).resolve().parent.parent / "docs" / "openapi.json"))


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    phases=[Phase.generate],  # not schemathesis' thousands of explicit coverage examples
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_every_operation_answers_as_documented(case: Any, fuzzed_server: Server) -> None:
    if not _started:
        _started.append(time.monotonic())
    assert time.monotonic() - _started[0] < FUZZ_SECONDS, "the fuzz took longer than its budget"
    response = case.call_and_validate(base_url=fuzzed_server.url, checks=CHECKS, timeout=30)
    _sent.append(f"{case.operation.label} {response.status_code}")
