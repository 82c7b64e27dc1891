"""Batch evaluation (issues #12 and #15): one bad record never costs the good ones, output streams in input
order with its source, reports per case into a directory, a progress bar on a terminal, and worker
processes that never outlive the batch."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from weerbaar_rules.cli import main

from .conftest import CASES

GOOD: dict[str, Any] = json.loads((CASES / "drugshandel_woning_harddrugs.json").read_text(encoding="utf-8"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert isinstance(result.exception, SystemExit) or result.exception is None, repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def case(zaak_id: str, **changes: Any) -> str:
    return json.dumps({**GOOD, "zaak_id": zaak_id, **changes})


def mixed_jsonl(tmp_path: Path) -> Path:
    """Good, malformed, invalid, not UTF-8, blank, good: the bad ones must not cost the good ones."""
    path = tmp_path / "zaken.jsonl"
    lines = [
        case("Z-1").encode(),
        b'{"zaak_id": "Z-2", "locatie": {',
        case("Z-3", locatie={"type": "kasteel"}).encode(),
        b'{"zaak_id": "Z-4\xff"}',
        b"   ",
        case("Z-6", locatie={"type": "lokaal"}).replace('"type": "lokaal"', '"type": "woning", "type": "lokaal"').encode(),
        case("Z-7").encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_bad_records_do_not_cost_the_good_ones(tmp_path: Path, jobs: str) -> None:
    path = mixed_jsonl(tmp_path)
    code, out, err = run("evaluate", str(path), "-j", jobs)
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["bron"] for r in records] == [f"{path}:{n}" for n in (1, 2, 3, 4, 6, 7)]
    assert [r["besluit"]["zaak_id"] for r in records if "besluit" in r] == ["Z-1", "Z-7"]
    errors = {r["bron"].rsplit(":", 1)[1]: r["fout"] for r in records if "fout" in r}
    assert set(errors) == {"2", "3", "4", "6"}
    assert errors["2"].startswith(f"{path}:2:") and "ongeldige JSON" in errors["2"]
    assert errors["3"].startswith(f"{path}:3:") and ": locatie.type: ongeldige waarde" in errors["3"] and "kasteel" not in errors["3"]
    assert "geen geldige UTF-8" in errors["4"]
    assert "sleutel 'type' staat twee keer" in errors["6"]
    assert all("\n" not in r["fout"] for r in records if "fout" in r)
    assert err == "batch: 6 zaken, 2 beoordeeld, 4 met een fout (zie de regels met \"fout\")\n"


def test_a_good_batch_exits_0_and_matches_single_evaluations(tmp_path: Path) -> None:
    path = tmp_path / "zaken.jsonl"
    path.write_text("".join(case(f"Z-{n}") + "\n" for n in range(5)), encoding="utf-8")
    code, out, err = run("evaluate", str(path), "-j", "2")
    assert code == 0 and err == "batch: 5 zaken beoordeeld\n"
    single = json.loads(run("evaluate", str(CASES / "drugshandel_woning_harddrugs.json"), "--format", "json")[1])
    for number, line in enumerate(out.splitlines()):
        assert json.loads(line) == {"bron": f"{path}:{number + 1}", "besluit": {**single, "zaak_id": f"Z-{number}"}}


def test_directory_batch_names_each_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(case("A"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("zaak_id: B\nlocatie: {type: kasteel}\n", encoding="utf-8")
    (tmp_path / "c.json").write_text(case("C"), encoding="utf-8")
    (tmp_path / "c.verwacht.yaml").write_text("aanbevolen: []\n", encoding="utf-8")  # an expectation, not a case
    code, out, _ = run("evaluate", str(tmp_path))
    assert code == 2
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["bron"] for r in records] == [str(tmp_path / n) for n in ("a.json", "b.yaml", "c.json")]
    assert records[1]["fout"].startswith(f"{tmp_path / 'b.yaml'}:2:") and ": locatie.type" in records[1]["fout"]


def test_batch_honours_each_cases_gemeente(tmp_path: Path) -> None:
    path = tmp_path / "zaken.jsonl"
    path.write_text(case("L") + "\n" + case("S", gemeente="Strengdam") + "\n" + case("X", gemeente="../gemeenten/strengdam") + "\n", encoding="utf-8")
    code, out, _ = run("evaluate", str(path), "-j", "1")
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 2
    assert records[0]["besluit"]["ontvangstbewijs"]["profiel"] is None
    assert records[1]["besluit"]["ontvangstbewijs"]["profiel"] == "strengdam"
    assert "geen pad" in records[2]["fout"]


def test_output_file_holds_every_line_even_with_bad_records(tmp_path: Path) -> None:
    path = mixed_jsonl(tmp_path)
    target = tmp_path / "uit.jsonl"
    code, out, _ = run("evaluate", str(path), "-o", str(target), "-j", "2")
    assert code == 2 and out == ""
    assert len(target.read_text(encoding="utf-8").splitlines()) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["uit.jsonl", "uit.regelsetdelen.jsonl", "zaken.jsonl"]  # no temporary file left


@pytest.mark.parametrize(("fmt", "extension", "start"), [("text", "txt", "Besluitadvies zaak"), ("md", "md", "# Advies bestuurlijk instrument")])
def test_reports_per_case_into_a_directory(tmp_path: Path, fmt: str, extension: str, start: str) -> None:
    cases = tmp_path / "zaken"
    cases.mkdir()
    for name, text in (("a.json", case("A")), ("a.yaml", "zaak_id: AY\nlocatie: {type: woning}\n"), ("b.json", "{")):
        (cases / name).write_text(text, encoding="utf-8")
    reports = tmp_path / "rapporten"
    code, out, _ = run("evaluate", str(cases), "--format", fmt, "-o", str(reports), "-j", "2")
    assert code == 2
    assert sorted(p.name for p in reports.iterdir()) == [f"a.json.{extension}", f"a.yaml.{extension}"]  # same stem: full names
    assert (reports / f"a.json.{extension}").read_text(encoding="utf-8").startswith(f"{start}")
    records = [json.loads(line) for line in out.splitlines()]
    assert [r.get("rapport") for r in records[:2]] == [str(reports / f"a.json.{extension}"), str(reports / f"a.yaml.{extension}")]
    assert "fout" in records[2] and records[2]["bron"] == str(cases / "b.json")


def test_report_formats_over_a_batch_need_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "zaken.jsonl"
    path.write_text(case("A") + "\n", encoding="utf-8")
    code, out, err = run("evaluate", str(path), "--format", "md")
    assert code == 2 and out == "" and "geef met -o een map" in err
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    code, _, err = run("evaluate", str(path), "--format", "md", "-o", str(tmp_path / "bestand"))
    assert code == 2 and "is geen map" in err


def test_progress_bar_only_on_a_terminal(tmp_path: Path) -> None:
    path = tmp_path / "zaken.jsonl"
    path.write_text("".join(case(f"Z-{n}") + "\n" for n in range(3)), encoding="utf-8")
    plain = subprocess.run([sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(path), "-j", "1"], capture_output=True, text=True, check=False)
    assert plain.returncode == 0 and plain.stderr == "batch: 3 zaken beoordeeld\n"
    main_fd, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a terminal has a width
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(path), "-j", "1", "-o", str(tmp_path / "uit.jsonl")],
            stderr=terminal, stdout=subprocess.DEVNULL,
        )
        os.close(terminal)
        shown = b""
        while True:
            try:
                block = os.read(main_fd, 4096)
            except OSError:
                break
            if not block:
                break
            shown += block
        assert process.wait(timeout=120) == 0
    finally:
        os.close(main_fd)
    assert b"zaken:" in shown and b"/3 [" in shown and b"batch: 3 zaken beoordeeld" in shown


# -- workers die with the batch ----------------------------------------------------------------


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def start_batch(tmp_path: Path, count: int = 4000) -> tuple[subprocess.Popen[str], set[int], Path]:
    path = tmp_path / "zaken.jsonl"
    path.write_text("".join(case(f"Z-{n}") + "\n" for n in range(count)), encoding="utf-8")
    target = tmp_path / "uit.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(path), "-j", "2", "-o", str(target)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        time.sleep(0.1)
        workers = {pid for pid in children(process.pid) if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()}
    assert len(workers) == 2, "the batch did not start two workers"
    time.sleep(2.0)  # let them compile and start working
    assert process.poll() is None, "the batch finished before it could be interrupted; make it larger"
    return process, workers, target


def wait_gone(pids: set[int]) -> set[int]:
    deadline = time.monotonic() + 20
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(pids)


needs_linux = pytest.mark.skipif(not sys.platform.startswith("linux") or (os.cpu_count() or 1) < 2, reason="needs /proc and two cores")


@needs_linux
def test_sigterm_of_the_batch_ends_the_workers_and_writes_nothing(tmp_path: Path) -> None:
    process, workers, target = start_batch(tmp_path)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM
    assert "afgebroken (SIGTERM)" in err and "Traceback" not in err
    assert not wait_gone(workers)
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["zaken.jsonl"]


@needs_linux
def test_sigkill_of_the_batch_ends_the_workers(tmp_path: Path) -> None:
    process, workers, target = start_batch(tmp_path)
    process.kill()
    process.wait(timeout=60)
    assert not wait_gone(workers)
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["zaken.jsonl"]


@needs_linux
def test_a_killed_worker_ends_the_batch_with_a_clear_message(tmp_path: Path) -> None:
    process, workers, target = start_batch(tmp_path)
    victim = min(workers)
    os.kill(victim, signal.SIGKILL)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    assert err.startswith(f"fout: een werkproces (pid {victim}) is onverwacht gestopt (signaal SIGKILL)") and err.count("\n") == 1
    assert not wait_gone(workers)
    assert not target.exists() and [p.name for p in tmp_path.iterdir()] == ["zaken.jsonl"]


@needs_linux
def test_big_records_with_two_chunks_in_hand_do_not_deadlock(tmp_path: Path) -> None:
    # Each worker holds two chunks; a chunk of large lines does not fit in a pipe's buffer. Without a
    # worker that keeps reading its pipe, the main process would block sending the second chunk while
    # the worker blocks sending the first result.
    padding = " " * 60_000
    path = tmp_path / "groot.jsonl"
    path.write_text("".join(case(f"G-{n}")[:-1] + padding + "}\n" for n in range(80)), encoding="utf-8")
    target = tmp_path / "uit.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "weerbaar_rules.cli", "evaluate", str(path), "-j", "2", "-o", str(target)],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert done.returncode == 0, done.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["besluit"]["zaak_id"] for line in lines] == [f"G-{n}" for n in range(80)]
