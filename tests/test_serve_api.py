"""`rules serve`: the HTTP API, tested against the real server process on loopback.

Every answer about a case is compared with what the CLI prints for the same
case and options (through click's runner: the same code path as `rules`), so
"the same engine and the same explanation" is checked, not assumed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from weerbaar_rules.cli import main
from weerbaar_rules.language.ruleset import load_ruleset

from .conftest import CASES, PROFILES, RULES, drug_case_data
from .serve_support import Server, rules_command

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"
INCOMPLETE = CASES / "onvolledige_feiten_drugs_woning.json"
PERSONAL = "Jan Jansen Kerkstraat 12"
ACCESS_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (GET|POST|HEAD|PUT|DELETE) \S+ \d{3} \d+\.\d ms$")


def cli(*args: str) -> bytes:
    result = CliRunner().invoke(main, [*args, "--regels", str(RULES)] if args[0] in ("evaluate", "explain") else list(args))
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--workers", "2")
    yield running
    running.stop()


def example_runs() -> list[tuple[Path, str | None]]:
    """Every example case, nationally and with each profile it has an expected decision for."""
    runs: list[tuple[Path, str | None]] = []
    for case in sorted(CASES.glob("*.json")):
        runs.append((case, None))
        for expected in sorted(CASES.glob(f"{case.stem}.*.verwacht.yaml")):
            runs.append((case, expected.name.split(".")[1]))
    return runs


# -- the same answers as the CLI ------------------------------------------------------------------


def test_every_example_case_is_byte_identical_to_rules_evaluate_json(server: Server) -> None:
    runs = example_runs()
    assert len(runs) > 50
    for case, gemeente in runs:
        query = f"?gemeente={gemeente}" if gemeente else ""
        answer = server.post(f"/api/beoordeling{query}", case.read_bytes())
        assert answer.status == 200, (case.name, answer.body[:300])
        assert answer.headers["content-type"] == "application/json"
        expected = cli("evaluate", str(case), "--format", "json", *(["--gemeente", gemeente] if gemeente else []))
        assert answer.body == expected, (case.name, gemeente)


def test_yaml_body_and_parameters_give_what_the_cli_gives(server: Server, tmp_path: Path) -> None:
    data = json.loads(INCOMPLETE.read_text(encoding="utf-8"))
    data["gemeente"] = "Strengdam"  # the case's own municipality chooses the profile, as in the CLI
    path = tmp_path / "zaak.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    answer = server.post("/api/beoordeling", path.read_bytes(), "application/yaml")
    assert answer.status == 200, answer.body
    assert answer.body == cli("evaluate", str(path), "--format", "json")
    assert answer.json()["ontvangstbewijs"]["profiel"] == "strengdam"

    answer = server.post(
        "/api/beoordeling?peildatum=2019-06-01&gemeente=milderveen", path.read_bytes(), "application/yaml; charset=utf-8"
    )
    assert answer.status == 200, answer.body
    assert answer.body == cli("evaluate", str(path), "--format", "json", "--peildatum", "2019-06-01", "--gemeente", "milderveen")
    assert answer.json()["peildatum"] == "2019-06-01"


def test_report_graph_and_explanation_are_the_clis(server: Server) -> None:
    body = INCOMPLETE.read_bytes()
    for fmt, volledig in (("md", False), ("text", False), ("text", True)):
        answer = server.post(f"/api/rapport?formaat={fmt}&volledig={str(volledig).lower()}", body)
        assert answer.status == 200
        assert answer.body == cli("evaluate", str(INCOMPLETE), "--format", fmt, *(["--volledig"] if volledig else []))
    assert server.post("/api/rapport", body).headers["content-type"].startswith("text/markdown")
    for fmt in ("svg", "dot", "png"):
        answer = server.post(f"/api/graaf?formaat={fmt}", body)
        assert answer.status == 200, (answer.body, server.stderr[-3000:])
        assert answer.body == cli("evaluate", str(INCOMPLETE), "--format", fmt), fmt
    assert server.post("/api/graaf", body).headers["content-type"] == "image/svg+xml"
    svg = server.post("/api/graaf", EXAMPLE.read_bytes()).text
    assert 'id="instrument:sluiting_13b_opiumwet"' in svg  # what the page links from
    for instrument in ("sluiting_13b_opiumwet", "huisverbod", "sluiting_174a_gemeentewet"):
        answer = server.post(f"/api/uitleg/{instrument}", body)
        assert answer.status == 200
        assert (answer.json()["uitleg"] + "\n").encode("utf-8") == cli("explain", str(INCOMPLETE), instrument)
        assert answer.json()["instrument"] == instrument


def test_a_case_can_be_checked_and_comes_back_as_given(server: Server) -> None:
    answer = server.post("/api/zaak", INCOMPLETE.read_bytes())
    assert answer.status == 200
    assert answer.json() == json.loads(INCOMPLETE.read_text(encoding="utf-8"))
    # what the page sends back after an upload gets the same decision as the file itself
    assert server.post("/api/beoordeling", answer.body).body == cli("evaluate", str(INCOMPLETE), "--format", "json")


def test_catalogue_schemas_version_and_health(server: Server) -> None:
    ruleset = load_ruleset(RULES)
    catalogue = server.request("GET", "/api/instrumenten").json()
    assert [i["id"] for i in catalogue] == [i.id for i in ruleset.instruments]
    assert all(i["grondslag"] and i["bevoegd"] for i in catalogue)
    # authorities and legal bases are dated: on a peildatum the catalogue says what a decision of that day says
    for day in ("2016-05-01", "2026-11-01"):
        decision = server.post(f"/api/beoordeling?peildatum={day}", EXAMPLE.read_bytes()).json()
        catalogue = server.request("GET", f"/api/instrumenten?peildatum={day}").json()
        shown = {i["id"]: (i["bevoegd"], i["grondslag"]) for i in catalogue}
        assert {i["id"]: (i["bevoegd"], i["grondslag"]) for i in decision["instrumenten"]} == shown, day

    assert server.request("GET", "/api/schema/zaak").json() == json.loads(cli("schema"))
    assert server.request("GET", "/api/schema/besluit").json() == json.loads(cli("schema", "--besluit"))

    version = server.request("GET", "/api/versie").json()
    assert version["regelset"]["hash"] == ruleset.hash
    assert {p["naam"] for p in version["profielen"]} == {p.stem for p in PROFILES.glob("*.yaml")}
    receipt = server.post("/api/beoordeling?gemeente=strengdam", EXAMPLE.read_bytes()).json()["ontvangstbewijs"]
    strengdam = next(p for p in version["profielen"] if p["naam"] == "strengdam")
    assert (receipt["ruleset_hash"], receipt["profiel_hash"], receipt["engine_versie"]) == (
        version["regelset"]["hash"],
        strengdam["hash"],
        version["engine_versie"],
    )
    assert server.request("GET", "/api/gezondheid").json() == {"status": "ok", "werkprocessen": 2, "bezig": 0}


def test_the_ruleset_part_is_served_once_by_key_and_joins_every_decision(server: Server) -> None:
    from weerbaar_rules.decision.model import Decision
    from weerbaar_rules.render import to_text

    for gemeente in (None, "strengdam"):
        query = f"?gemeente={gemeente}" if gemeente else ""
        decision = server.post(f"/api/beoordeling{query}", EXAMPLE.read_bytes()).json()
        key = decision["graaf"]["regelsetdeel"]
        answer = server.request("GET", f"/api/regelset/{key}")
        assert answer.status == 200, answer.body[:300]
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["etag"] == f'"{key}"'
        published = cli("graaf", "--regelset", "--regels", str(RULES), *(["--gemeente", gemeente] if gemeente else []))
        assert answer.json() == json.loads(published)  # what `rules graaf --regelset` prints
        assert server.request("GET", f"/api/regelset/{key}", headers={"If-None-Match": f'"{key}"'}).status == 304
        back = Decision.model_validate(decision, context={"regelsetdeel": answer.json()})
        whole = server.post(f"/api/beoordeling{query}{'&' if query else '?'}volledig=true", EXAMPLE.read_bytes()).json()
        assert back.whole_graph() == whole["graaf"]
        assert to_text(back) == cli("evaluate", str(EXAMPLE), *(["--gemeente", gemeente] if gemeente else [])).decode("utf-8")
    unknown = server.request("GET", "/api/regelset/" + "0" * 64)
    assert unknown.status == 404 and "onbekend" in unknown.json()["fout"] and "0" * 64 not in unknown.json()["fout"]
    assert server.request("GET", "/api/regelset/kapot").status == 422


def test_parallel_requests_each_get_their_own_answer(server: Server) -> None:
    cases = [EXAMPLE, INCOMPLETE, CASES / "cafe_beschieting_174.json", CASES / "huisverbod_huiselijk_geweld.json"]
    expected = {case: cli("evaluate", str(case), "--format", "json") for case in cases}
    with ThreadPoolExecutor(4) as pool:  # one client may have 4 requests at a time (--per-client)
        answers = list(pool.map(lambda case: (case, server.post("/api/beoordeling", case.read_bytes())), cases * 6))
    for case, answer in answers:
        assert answer.status == 200
        assert answer.body == expected[case], case.name


# -- bad input: 4xx, one line, place named, nothing echoed ---------------------------------------------


def _case(**changes: Any) -> str:
    return json.dumps(drug_case_data(**changes))


BAD = [
    # (path, body, content type, status, words the message must contain)
    ("/api/beoordeling", '{"zaak_id": "x",', "application/json", 422, "zaak.json:1:"),
    ("/api/beoordeling", "zaak_id: [x\n", "application/yaml", 422, "zaak.yaml:"),
    ("/api/beoordeling", "", "application/json", 422, "zaak.json: bestand is leeg"),
    ("/api/beoordeling", b"\xff\xfe{}", "application/json", 422, "geen geldige UTF-8"),
    ("/api/beoordeling", "[1, 2]", "application/json", 422, "een zaak is een object"),
    (
        "/api/beoordeling",
        _case(locatie={"type": "woning", "adress": "x"}),
        "application/json",
        422,
        "locatie: het 2e veld is onbekend; bedoelde je 'adres'?",
    ),
    ("/api/beoordeling", json.dumps({"schema_versie": "2"}), "application/json", 422, "zaak_id: verplicht veld ontbreekt"),
    ("/api/beoordeling", "[" * 200 + "]" * 200, "application/json", 422, "te diep genest"),
    ("/api/beoordeling?peildatum=2026-02-30", _case(), "application/json", 422, "peildatum: ongeldige datum"),
    ("/api/beoordeling?gemeente=atlantis", _case(), "application/json", 422, "onbekend gemeenteprofiel"),
    ("/api/beoordeling?gemeente=../gemeenten/strengdam", _case(), "application/json", 422, "een naam uit de profielcatalogus, geen pad"),
    ("/api/beoordeling", _case(gemeente="/etc/passwd"), "application/json", 422, "een naam uit de profielcatalogus, geen pad"),
    ("/api/rapport?formaat=pdf", _case(), "application/json", 422, "formaat: ongeldige waarde; toegestaan:"),
    ("/api/graaf?volledig=misschien", _case(), "application/json", 422, "volledig: verwacht true of false"),
    ("/api/uitleg/geen_instrument", _case(), "application/json", 404, "instrument: onbekend (bekend: "),
    ("/api/bestaat_niet", _case(), "application/json", 404, "onbekend adres"),
]


@pytest.mark.parametrize("path, body, content_type, status, words", BAD, ids=[f"{i}-{b[4][:30]}" for i, b in enumerate(BAD)])
def test_bad_input_is_one_clear_line(
    server: Server, path: str, body: str | bytes, content_type: str, status: int, words: str
) -> None:
    answer = server.post(path, body, content_type)
    assert answer.status == status, answer.body
    assert answer.headers["content-type"] == "application/json"
    message = answer.json()["fout"]
    assert words in message
    assert "\n" not in message and "Traceback" not in message and 'File "' not in message
    assert list(answer.json()) == ["fout"]


def test_a_too_large_body_is_refused_whether_announced_or_streamed(server: Server) -> None:
    big = b'{"zaak_id": "' + b"x" * (2048 * 1024) + b'"}'
    answer = server.post("/api/beoordeling", big)
    assert answer.status == 413
    assert answer.json()["fout"].startswith("zaak: het verzoek is te groot")

    # without a Content-Length (chunked), the cap applies while the body streams in
    import http.client

    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    conn.request(
        "POST",
        "/api/beoordeling",
        body=iter([big[i : i + 65536] for i in range(0, len(big), 65536)]),
        headers={"Content-Type": "application/json"},
        encode_chunked=True,
    )
    response = conn.getresponse()
    assert response.status == 413
    conn.close()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(drug_case_data(zaak_id={"naam": PERSONAL}), id="wrong-type"),
        pytest.param(drug_case_data(locatie={"type": "woning", "adres": [PERSONAL]}), id="wrong-type-in-list"),
        pytest.param(drug_case_data(locatie={"type": PERSONAL}), id="enum"),
        pytest.param(drug_case_data(peildatum=PERSONAL), id="date"),
    ],
)
def test_no_value_from_the_case_is_echoed(server: Server, data: dict[str, object]) -> None:
    answer = server.post("/api/beoordeling", json.dumps(data))
    assert answer.status == 422
    assert "Jansen" not in answer.json()["fout"]


# -- nothing kept -----------------------------------------------------------------------------------------


def test_access_log_holds_method_path_status_and_time_only(server: Server) -> None:
    marker = "Pietje-Puk-Dorpsstraat-1"
    server.post(f"/api/beoordeling?gemeente={marker}", _case(zaak_id=marker, locatie={"type": "woning", "adres": marker}))
    server.post("/api/beoordeling", _case(zaak_id=marker))
    server.post("/api/beoordeling", _case(locatie={"type": marker}))
    server.request("GET", f"/api/bestaat/niet?{marker}")
    lines = server.stderr.splitlines()
    assert any(line.endswith("ms") and " POST /api/beoordeling 200 " in line for line in lines)
    assert marker not in server.stderr
    for line in lines:
        assert ACCESS_LINE.match(line), line


def test_nothing_is_written_to_disk(tmp_path: Path) -> None:
    places = {name: tmp_path / name for name in ("cwd", "home", "tmp", "cache")}
    for place in places.values():
        place.mkdir()
    env = {"HOME": str(places["home"]), "TMPDIR": str(places["tmp"]), "XDG_CACHE_HOME": str(places["cache"])}
    running = Server(cwd=places["cwd"], env=env)
    try:
        body = INCOMPLETE.read_bytes()
        for path in (
            "/api/beoordeling",
            "/api/rapport",
            "/api/graaf",
            "/api/graaf?formaat=png",
            "/api/uitleg/huisverbod",
            "/api/zaak",
        ):
            assert running.post(path, body).status == 200, path
    finally:
        running.stop()
    assert {name: sorted(p.rglob("*")) for name, p in places.items()} == {name: [] for name in places}


def test_a_case_that_takes_too_long_is_cut_off_and_the_server_goes_on(tmp_path: Path) -> None:
    running = Server("--tijdslimiet", "1")
    try:
        # Valid YAML that takes seconds to read (90,000 small mappings): the limit must stop it, not wait for it.
        slow = "zaak_id: traag\nx:\n" + "- {a: 1, b: 2}\n" * 90_000
        started = time.monotonic()
        answer = running.post("/api/beoordeling", slow, "application/yaml")
        took = time.monotonic() - started
        assert answer.status == 422
        assert answer.json() == {"fout": "zaak: de beoordeling duurde langer dan 1 s en is afgebroken"}
        assert took < 4, took
        # the killed worker is replaced; the next case waits for it and gets its decision
        answer = running.post("/api/beoordeling", EXAMPLE.read_bytes())
        assert answer.status == 200
        assert answer.body == cli("evaluate", str(EXAMPLE), "--format", "json")
    finally:
        running.stop()


def test_a_worker_that_died_while_idle_costs_no_request() -> None:
    running = Server("--workers", "1")
    try:
        front = running.process.pid
        children = Path(f"/proc/{front}/task/{front}/children").read_text().split()
        workers = [
            int(p) for p in children if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
        ]  # not the resource tracker
        assert len(workers) == 1
        os.kill(workers[0], signal.SIGKILL)  # what the OOM killer does
        deadline = time.monotonic() + 30
        while Path(f"/proc/{workers[0]}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":  # dead, not yet reaped
            assert time.monotonic() < deadline
            time.sleep(0.01)
        answer = running.post("/api/beoordeling", EXAMPLE.read_bytes())
        assert answer.status == 200, answer.body
        assert answer.body == cli("evaluate", str(EXAMPLE), "--format", "json")
        assert running.request("GET", "/api/gezondheid").json()["werkprocessen"] == 1
    finally:
        running.stop()


# -- the server's own edges ---------------------------------------------------------------------------------


def test_binds_to_loopback_and_refuses_other_host_names(server: Server) -> None:
    assert server.host == "127.0.0.1"  # the fixture gives no --host
    refused = server.request("GET", "/api/versie", headers={"Host": "aanvaller.example:8080"})
    assert refused.status == 400
    assert "Host-header" in refused.json()["fout"]
    assert server.request("GET", "/api/versie", headers={"Host": f"localhost:{server.port}"}).status == 200


def test_page_and_answers_carry_protective_headers(server: Server) -> None:
    page = server.request("GET", "/")
    assert page.status == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "default-src 'none'" in page.headers["content-security-policy"]
    answer = server.post("/api/beoordeling", EXAMPLE.read_bytes())
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "server" not in answer.headers
    # the page loads nothing from elsewhere
    for asset in ("/", "/static/app.js", "/static/stijl.css"):
        text = server.request("GET", asset).text
        assert not re.search(r"(src|href)=\"(https?:)?//", text), asset
        assert "@import" not in text and "fonts.googleapis" not in text


def test_openapi_file_in_docs_is_the_generated_one(server: Server) -> None:
    from weerbaar_rules.serve.server import openapi_text

    committed = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert committed == openapi_text(), "docs/openapi.json is out of date: rules serve --openapi > docs/openapi.json"
    assert server.request("GET", "/api/openapi.json").json() == json.loads(committed)
    document = json.loads(committed)
    schemas = document["components"]["schemas"]
    assert {"Case", "Decision", "Fout", "Locatie", "InstrumentDecision", "MissingFact"} <= set(schemas)
    case_body = document["paths"]["/api/beoordeling"]["post"]["requestBody"]["content"]
    assert case_body["application/json"]["schema"] == {"$ref": "#/components/schemas/Case"}
    # every reference resolves inside the document
    refs = set(re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', committed))
    assert refs <= set(schemas), refs - set(schemas)


def test_a_bad_ruleset_or_a_taken_port_stops_the_server_with_one_line() -> None:
    broken = ROOT / "tests" / "fixtures" / "check" / "kapot"
    done = subprocess.run(
        [*rules_command(), "serve", "--port", "0", "--regels", str(broken)],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("fout: ") and "regels.yaml" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*rules_command(), "serve", "--port", str(port)], check=False, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 2
    assert done.stderr.startswith(f"fout: 127.0.0.1:{port}: kan hier niet luisteren")


def test_rules_evaluate_does_not_load_the_web_stack() -> None:
    code = (
        "import sys; from weerbaar_rules.cli import main\n"
        f"try: main(['evaluate', {str(EXAMPLE)!r}, '--format', 'json'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert done.stderr.strip() == "[]", done.stderr


def test_serve_without_its_extra_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m.startswith("weerbaar_rules.serve")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "fastapi", None)  # what Python does when the package is absent
    result = CliRunner().invoke(main, ["serve", "--openapi"])
    assert result.exit_code == 1
    assert result.output.strip() == "fout: rules serve heeft FastAPI en uvicorn nodig: pip install 'weerbaar-rules[serve]'"
