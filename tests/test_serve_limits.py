"""Issue 22, `rules serve` under attack: each defect of the report has its reproduction here.

Graphviz outliving the time limit, cross-site requests that were evaluated,
input words echoed in errors, unbounded answers, English in a message, and one
client starving another. Everything runs against the real server on loopback.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from weerbaar_rules.core.errors import EvaluationError

from .conftest import CASES, drug_case_data
from .serve_support import Server

EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"
MARK = "Jansen_123456782"


def crowded_case(activities: int, items: int) -> dict[str, Any]:
    """Valid, but every activity names every information item: the full graph grows with activities × items."""
    informatie = [{"id": f"i{k}", "bron": "politie", "grondslag": "wpg_16"} for k in range(items)]
    activity = drug_case_data()["activiteiten"][0]
    activiteiten = [{**activity, "informatie": [f"i{k}" for k in range(items)]} for _ in range(activities)]
    return drug_case_data(activiteiten=activiteiten, informatie=informatie)


def marked_processes(mark: str, name: str) -> list[int]:
    """Live processes called `name` whose environment carries `mark` (only those this test started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != name:
                continue
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            if mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone meanwhile, or not ours
            continue
    return found


def wait_until_gone(mark: str, name: str, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := marked_processes(mark, name)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


# -- 1. Graphviz outlives the time limit ----------------------------------------------------------------


def test_a_render_past_its_timeout_leaves_no_dot_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from weerbaar_rules import Case, Engine
    from weerbaar_rules.render import dot

    from .conftest import RULES

    mark = f"weerbaar-test-{uuid.uuid4()}"
    monkeypatch.setenv("WEERBAAR_TEST_MARK", mark)
    decision = Engine.from_directory(RULES).evaluate(Case.model_validate(crowded_case(20, 20)))
    started = time.monotonic()
    with pytest.raises(EvaluationError, match="Graphviz had meer dan 0.3 s nodig"):
        dot.render(decision, "svg", volledig=True, timeout=0.3)
    assert time.monotonic() - started < 2
    assert wait_until_gone(mark, "dot", 1.0) == []


def test_a_slow_graph_is_cut_off_and_its_dot_stops_with_the_worker() -> None:
    mark = f"weerbaar-test-{uuid.uuid4()}"
    running = Server("--tijdslimiet", "1", env={"WEERBAAR_TEST_MARK": mark})
    try:
        body = json.dumps(crowded_case(25, 25))  # about 1,800 arrows: under the drawing limit, seconds for dot
        seen: set[int] = set()
        answered = threading.Event()

        def watch() -> None:  # the limit must have cut off a running dot, not an evaluation before it
            while not answered.is_set():
                seen.update(marked_processes(mark, "dot"))
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            answer = running.post("/api/graaf?formaat=svg&volledig=true", body)
        finally:
            answered.set()
            watcher.join()
        assert seen, "dot never ran"
        assert answer.status == 422, answer.body
        assert answer.json() == {"fout": "zaak: de beoordeling duurde langer dan 1 s en is afgebroken"}
        assert wait_until_gone(mark, "dot", 0.5) == []
        assert running.post("/api/beoordeling", EXAMPLE.read_bytes()).status == 200
    finally:
        running.stop()
    assert wait_until_gone(mark, "dot", 0.5) == []


# -- 2. cross-site requests -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Any:
    running = Server("--workers", "1")
    yield running
    running.stop()


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "", "text/yaml", "application/jsonx"],
)
def test_only_json_and_yaml_bodies_are_accepted(server: Server, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    answer = server.request("POST", "/api/beoordeling", EXAMPLE.read_bytes(), headers)
    assert answer.status == 415, answer.body
    assert answer.json() == {"fout": "verzoek: de body moet JSON (Content-Type: application/json) of YAML (application/yaml) zijn"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},  # another port on this computer is another site's page
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example", "Content-Type": "text/plain"},
    ],
)
def test_a_request_from_another_site_is_refused(server: Server, headers: dict[str, str]) -> None:
    answer = server.request("POST", "/api/beoordeling", EXAMPLE.read_bytes(), {"Content-Type": "application/json", **headers})
    assert answer.status == 403, answer.body
    assert answer.json() == {
        "fout": "verzoek van een andere website geweigerd: alleen de pagina van deze server en programma's zonder Origin mogen de API gebruiken"
    }
    catalogue = server.request("GET", "/api/instrumenten", headers=headers)
    assert catalogue.status == 403


def test_same_origin_and_scripts_without_origin_still_work(server: Server) -> None:
    body = EXAMPLE.read_bytes()
    for headers in (
        {},
        {"Origin": server.url},
        {"Origin": server.url, "Sec-Fetch-Site": "same-origin"},
        {"Host": f"localhost:{server.port}", "Origin": f"http://localhost:{server.port}"},
        {"Sec-Fetch-Site": "none"},
    ):
        answer = server.request("POST", "/api/beoordeling", body, {"Content-Type": "application/json", **headers})
        assert answer.status == 200, (headers, answer.body)
    # a link from elsewhere to the page itself opens it (a navigation reads nothing and evaluates nothing)
    assert server.request("GET", "/", headers={"Sec-Fetch-Site": "cross-site"}).status == 200


# -- 3. no word of the input in any answer or in the log --------------------------------------------------


def _marked_requests() -> list[tuple[str, str, bytes, str]]:
    good = drug_case_data()
    activity = good["activiteiten"][0]
    yaml_case = "zaak_id: T\nlocatie: {type: woning}\n"
    return [
        ("POST", "/api/beoordeling", json.dumps({**good, MARK: 1}).encode(), "application/json"),
        ("POST", "/api/beoordeling", json.dumps({**good, "locatie": {"type": "woning", MARK: 1}}).encode(), "application/json"),
        (
            "POST",
            "/api/beoordeling",
            json.dumps({**good, "betrokkenen": [{"id": "b1", "rollen": ["bewoner"], MARK: "x"}]}).encode(),
            "application/json",
        ),
        ("POST", "/api/beoordeling", json.dumps({**good, "activiteiten": [{**activity, MARK: True}]}).encode(), "application/json"),
        ("POST", "/api/beoordeling", json.dumps({**good, MARK[:-1]: 1}).encode(), "application/json"),  # close to nothing known
        ("POST", "/api/beoordeling", ('{"zaak_id": "T", "%s": 1, "%s": 2}' % (MARK, MARK)).encode(), "application/json"),
        ("POST", "/api/beoordeling", ('{"zaak_id": "T", "%s": {"a": NaN}}' % MARK).encode(), "application/json"),
        ("POST", "/api/beoordeling", ('{"%s": {"a": 1, "a": 2}}' % MARK).encode(), "application/json"),
        ("POST", "/api/beoordeling", f"{yaml_case}{MARK}: 1\n".encode(), "application/yaml"),
        ("POST", "/api/beoordeling", f"{yaml_case}{MARK}: 1\n{MARK}: 2\n".encode(), "application/yaml"),
        ("POST", "/api/beoordeling", f"{yaml_case}zaak_nummer: !{MARK} x\n".encode(), "application/yaml"),
        ("POST", "/api/beoordeling", f"zaak_id: !{MARK} T\n".encode(), "application/yaml"),
        ("POST", "/api/beoordeling", f"zaak_id: !!{MARK} T\n".encode(), "application/yaml"),
        ("POST", "/api/beoordeling", f"%TAG !{MARK}! tag:x,2000:\n---\nzaak_id: T\n".encode(), "application/yaml"),
        ("POST", "/api/beoordeling", f"{MARK}:\n  - [\n".encode(), "application/yaml"),
        ("POST", f"/api/beoordeling?gemeente={MARK}", json.dumps(good).encode(), "application/json"),
        ("POST", f"/api/beoordeling?peildatum={MARK}", json.dumps(good).encode(), "application/json"),
        ("POST", f"/api/rapport?formaat={MARK}", json.dumps(good).encode(), "application/json"),
        ("POST", f"/api/graaf?volledig={MARK}", json.dumps(good).encode(), "application/json"),
        ("POST", f"/api/uitleg/{MARK}", json.dumps(good).encode(), "application/json"),
        ("POST", f"/api/{MARK}", json.dumps(good).encode(), "application/json"),
        ("GET", f"/api/instrumenten?peildatum={MARK}", b"", ""),
        ("POST", "/api/beoordeling", json.dumps(good).encode(), f"text/{MARK}"),
        ("POST", "/api/beoordeling", json.dumps({**good, "gemeente": MARK}).encode(), "application/json"),
    ]


def test_no_word_of_the_input_comes_back_or_reaches_the_log() -> None:
    running = Server()
    try:
        for method, path, body, content_type in _marked_requests():
            headers = {"Content-Type": content_type} if content_type else {}
            answer = running.request(method, path, body or None, headers)
            assert answer.status < 500, (path, body[:80], answer.status, answer.body)
            assert MARK not in answer.body.decode("utf-8", "replace"), (path, body[:80], answer.body)
            assert MARK.lower() not in answer.body.decode("utf-8", "replace").lower(), answer.body
            assert not any(MARK in f"{k}: {v}" for k, v in answer.headers.items()), answer.headers
            if answer.status >= 400:
                message = answer.json()["fout"]
                assert message and "\n" not in message
    finally:
        log = running.stop()
    assert MARK not in log, log[-2000:]


def test_an_unknown_field_is_named_by_its_place_and_a_typo_by_the_known_field(server: Server) -> None:
    good = drug_case_data()
    answer = server.post("/api/beoordeling", json.dumps({**good, "betrokkenen": [{"id": "b1", "rollen": ["bewoner"], MARK: 1}]}))
    assert answer.json()["fout"] == (
        "zaak.json:1:"
        + str(json.dumps({**good, "betrokkenen": [{"id": "b1", "rollen": ["bewoner"], MARK: 1}]}).index(MARK))
        + ": betrokkenen[0]: het 3e veld is onbekend (een typefout laat een feit stilletjes wegvallen)"
    )
    answer = server.post("/api/beoordeling", json.dumps({**good, "peildatun": "2026-11-01"}))
    assert answer.json()["fout"].endswith(": het 7e veld van de zaak is onbekend; bedoelde je 'peildatum'?"), answer.body
    answer = server.post("/api/uitleg/geen_instrument", json.dumps(good))
    assert answer.status == 404
    assert answer.json()["fout"].startswith("instrument: onbekend (bekend: ")


# -- 4. bounded answers ----------------------------------------------------------------------------------------


def test_an_answer_larger_than_the_limit_is_refused() -> None:
    running = Server("--max-antwoord", "64")
    try:
        answer = running.post("/api/beoordeling", EXAMPLE.read_bytes())
        assert answer.status == 413, answer.status
        assert answer.json() == {
            "fout": "antwoord: het besluit zou groter worden dan 64 kB (--max-antwoord); maak de zaak kleiner of vraag het rapport"
        }
        assert running.post("/api/rapport?formaat=md", EXAMPLE.read_bytes()).status == 200
    finally:
        running.stop()


def test_a_graph_too_large_to_draw_is_refused_before_graphviz_starts(server: Server) -> None:
    answer = server.post("/api/graaf?formaat=svg&volledig=true", json.dumps(crowded_case(200, 50)))
    assert answer.status == 422, answer.body
    message = answer.json()["fout"]
    assert message.startswith("graaf: te groot om te tekenen (") and "maximaal 2000 pijlen" in message, message
    assert server.post("/api/graaf?formaat=dot&volledig=true", json.dumps(crowded_case(30, 30))).status == 200


# -- 5. Dutch ---------------------------------------------------------------------------------------------------


def test_a_bad_format_is_refused_in_dutch(server: Server) -> None:
    answer = server.post("/api/rapport?formaat=pdf", json.dumps(drug_case_data()))
    assert answer.json() == {"fout": "formaat: ongeldige waarde; toegestaan: 'md', 'text' of 'advies'"}
    answer = server.post("/api/graaf?formaat=pdf", json.dumps(drug_case_data()))
    assert answer.json() == {"fout": "formaat: ongeldige waarde; toegestaan: 'svg', 'dot' of 'png'"}


# -- fairness: one client cannot starve another -----------------------------------------------------------------


def _post_from(server: Server, source: str, path: str, body: bytes, content_type: str, out: list[Any]) -> None:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60, source_address=(source, 0))
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": content_type})
        response = conn.getresponse()
        out.append((response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), time.monotonic()))
    finally:
        conn.close()


def test_one_client_cannot_starve_another() -> None:
    running = Server("--workers", "1", "--per-client", "2")
    try:
        slow = ("zaak_id: traag\nx:\n" + "- {a: 1, b: 2}\n" * 60_000).encode()  # a second or two to read, then 422
        hog: list[Any] = []
        threads = [
            threading.Thread(target=_post_from, args=(running, "127.0.0.1", "/api/beoordeling", slow, "application/yaml", hog))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        other: list[Any] = []
        _post_from(running, "127.0.0.2", "/api/beoordeling", EXAMPLE.read_bytes(), "application/json", other)
        for thread in threads:
            thread.join(60)
        statuses = sorted(status for status, *_ in hog)
        assert statuses == [422, 422, 429, 429], statuses
        # the other client waited for the one job that was running, not for the first client's queue
        assert other[0][0] == 200, other[0][2][:300]
        assert other[0][3] < max(done for status, _, _, done in hog if status == 422)
        refused = next(r for r in hog if r[0] == 429)
        assert refused[1]["retry-after"] == "1"
        assert json.loads(refused[2]) == {
            "fout": "te veel verzoeken tegelijk van dit adres (maximaal 2); wacht op een antwoord en probeer het dan opnieuw"
        }
    finally:
        running.stop()


def test_the_limits_are_in_the_api_document() -> None:
    text = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    for words in ("--max-antwoord", "--per-client", "429", "415", "403", "Origin", "Sec-Fetch-Site", "2000 pijlen"):
        assert words in text, words
    assert os.path.exists(Path(__file__).resolve().parent.parent / "docs" / "openapi.json")
