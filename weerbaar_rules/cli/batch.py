"""Batch evaluation: every case of a directory or JSON-lines file, streamed, in input order, on several processes.

One bad record never costs the good ones: every record gets exactly one output
line naming its source (`bron`), with the decision (`besluit`), the report
written (`rapport`) or the error (`fout`); the summary goes to stderr and the
exit code says whether anything was bad (docs/cli.md).

Memory does not grow with the batch: records are read lazily, each worker has
at most two chunks in hand (the one it evaluates and the next, so it never
waits for the main process between chunks), and results are written as soon as
every earlier one is, so at most two chunks per worker wait in the main process.

Workers are spawned (not forked: the parent may hold threads and the engine's
C state) and die with their parent, also when it is killed with SIGKILL
(Linux: PR_SET_PDEATHSIG; elsewhere a watchdog thread). A worker that dies
ends the batch with a `BatchError`; the output file is then not written.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import queue
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from types import TracebackType
from typing import Any, NoReturn, Self

from ..core.errors import BatchError, WeerbaarError
from ..core.safetext import one_line
from ..core.yamlio import MAX_BYTES

CHUNK = 16
IN_HAND = 2  # chunks a worker holds: while it sends one result, the next chunk is already in its pipe
EXTENSIONS = {"text": "txt", "md": "md", "dot": "dot", "svg": "svg", "png": "png"}
_ENVELOPE = '{{"bron":{source},"besluit":{decision}}}\n'
# A record's output line, its exit code, and (key, profile) of the ruleset part its decision refers to, if any.
Result = tuple[str, int, tuple[str, str | None] | None]


@dataclass(frozen=True)
class Record:
    """One input of a batch: a case file, a JSON line, or a line already refused (too long, not UTF-8)."""

    source: str
    path: str | None = None
    text: str | None = None
    line: int = 0
    problem: str | None = None
    report: str | None = None  # file name of its report in report mode


@dataclass(frozen=True)
class Settings:
    """What every worker needs to evaluate and render a record (picklable)."""

    rules: str
    profile: str | None  # --profiel / --gemeente: one profile for all; None: each case's own gemeente
    fixed_profile: bool
    peildatum: str | None
    fmt: str
    volledig: bool
    report_dir: str | None
    jsonl: str | None = None  # the JSON-lines file, for error places


def _case_files(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.iterdir() if p.suffix in (".json", ".yaml", ".yml") and not p.name.endswith(".verwacht.yaml") and p.is_file()
    )


def _report_names(files: list[Path], extension: str) -> list[str]:
    stems = [p.stem for p in files]
    return [f"{p.stem if stems.count(p.stem) == 1 else p.name}.{extension}" for p in files]


def records(path: Path, fmt: str | None = None) -> Iterator[Record]:
    """The records of a batch, read lazily (a JSON-lines file may be larger than memory); `fmt` names their reports."""
    extension = EXTENSIONS[fmt] if fmt else None
    if path.is_dir():
        files = _case_files(path)
        names = _report_names(files, extension) if extension else [None] * len(files)
        for file, name in zip(files, names):
            yield Record(source=str(file), path=str(file), report=name)
        return
    try:
        handle = path.open("rb")
    except OSError as exc:
        from ..core.errors import CaseError

        raise CaseError(f"{path}: kan niet gelezen worden ({exc.strerror})") from None
    with handle:
        number = 0
        while True:
            raw = handle.readline(MAX_BYTES + 1)
            if not raw:
                return
            number += 1
            source = f"{path}:{number}"
            report = f"{path.stem}-{number}.{extension}" if extension else None
            if len(raw) > MAX_BYTES and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(1 << 20)
                yield Record(source=source, problem=f"regel is te lang (meer dan {MAX_BYTES} bytes)", report=report)
                continue
            if not raw.strip():
                continue
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Record(source=source, problem=f"geen geldige UTF-8 (byte {exc.start})", report=report)
                continue
            yield Record(source=source, text=text.rstrip("\r\n"), line=number, report=report)


def count(path: Path) -> int | None:
    """How many records, for the progress bar (cheap: counts newlines); None when unknown."""
    if path.is_dir():
        return len(_case_files(path))
    if not path.is_file():
        return None
    total, last = 0, b"\n"
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            total += block.count(b"\n")
            last = block[-1:]
    return total + (last != b"\n")


# -- evaluating one record (in a worker, or in the main process with -j 1) ----------------------------


class Evaluator:
    """Evaluates records under one set of settings; engines are compiled once per profile and process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.day = dt.date.fromisoformat(settings.peildatum) if settings.peildatum else None

    def engine(self, profile: str | None) -> Any:
        from ..evaluation import shared_engine

        # The process's engine (with -j 1, the one the command already built), made with the collector paused
        # and then frozen: in a worker that evaluates thousands of cases, full collections would walk it again.
        return shared_engine(Path(self.settings.rules), Path(profile) if profile else None)

    def __call__(self, record: Record) -> Result:
        """The output line of a record, its exit code (0, or that of its error), and the ruleset part its decision names."""
        try:
            return self._evaluate(record)
        except WeerbaarError as exc:
            return _error_line(record.source, str(exc)), exc.exit_code, None
        except Exception as exc:  # a bug of ours must not cost the other records
            message = f"interne fout ({type(exc).__name__}) bij deze zaak — meld dit; WEERBAAR_DEBUG=1 toont de details"
            if os.environ.get("WEERBAAR_DEBUG"):
                raise
            return _error_line(record.source, message), 1, None

    def _evaluate(self, record: Record) -> Result:
        from ..case.io import case_from_json, load_case
        from ..core.errors import CaseError

        settings = self.settings
        if record.problem is not None:
            raise CaseError(f"{record.source}: {record.problem}")
        if record.path is not None:
            case = load_case(record.path)
        else:
            case = case_from_json(record.text or "", settings.jsonl or record.source, record.line)
        profile = settings.profile
        if not settings.fixed_profile and case.gemeente:
            from ..language.resources import profile_path

            profile = str(profile_path(Path(settings.rules), None, None, case.gemeente, record.source))
        decision = self.engine(profile).evaluate(case, peildatum=self.day)
        if settings.report_dir is None:
            from ..render import to_json_line

            line = _ENVELOPE.format(
                source=json.dumps(record.source, ensure_ascii=False), decision=to_json_line(decision, settings.volledig).rstrip("\n")
            )
            return line, 0, None if settings.volledig else (decision.part_key, profile)
        from ..render import rendered
        from .output import write_file

        data = rendered(decision, settings.fmt, settings.volledig)
        target = Path(settings.report_dir) / (record.report or "rapport")
        write_file(target, data if isinstance(data, bytes) else data.encode("utf-8"))
        return json.dumps({"bron": record.source, "rapport": str(target)}, ensure_ascii=False) + "\n", 0, None


def _error_line(source: str, message: str) -> str:
    """The error of one record as a JSON line: its source and the one-line message (which names the place)."""
    return json.dumps({"bron": source, "fout": one_line(message)}, ensure_ascii=False) + "\n"


# -- worker processes ----------------------------------------------------------------------------------


def _die_with_parent(parent: int) -> None:
    """Make this worker end when the batch's main process ends, however it ends."""
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    else:  # pragma: no cover - no prctl: poll for the parent

        def watch() -> None:
            while os.getppid() == parent:
                threading.Event().wait(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent ended before the line above took effect
        os._exit(1)


def _worker(connection: Connection, settings: Settings, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    # A thread takes chunks off the pipe as they come, so the main process never blocks sending the next
    # chunk while this worker is blocked sending a result: with two chunks in hand, that would deadlock.
    inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()

    def receive() -> None:
        while True:
            try:
                message = connection.recv()
            except (EOFError, OSError):
                message = None
            inbox.put(message)
            if message is None:
                return

    threading.Thread(target=receive, daemon=True, name="rules-ontvanger").start()
    try:
        evaluate = Evaluator(settings)
        while True:
            message = inbox.get()
            if message is None:
                return
            number, chunk = message
            connection.send((number, [evaluate(record) for record in chunk]))
    except Exception as exc:  # noqa: BLE001 - reported by the main process as one line
        try:
            connection.send(("fout", one_line(f"{type(exc).__name__}: {exc}")))
        except OSError:
            pass


@dataclass
class _Worker:
    process: Any
    connection: Connection
    in_hand: int = 0  # chunks sent to it whose results have not come back


@dataclass
class Pool:
    """Spawned worker processes, each with its own pipe and at most IN_HAND chunks in hand."""

    size: int
    settings: Settings
    workers: list[_Worker] = field(default_factory=list)

    def __enter__(self) -> Self:
        context = multiprocessing.get_context("spawn")
        for _ in range(self.size):
            mine, theirs = context.Pipe()
            process = context.Process(target=_worker, args=(theirs, self.settings, os.getpid()), daemon=True, name="rules-werker")
            process.start()
            theirs.close()
            self.workers.append(_Worker(process, mine))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            for worker in self.workers:
                try:
                    worker.connection.send(None)
                except OSError:
                    pass
            for worker in self.workers:
                worker.process.join(timeout=5)
        for worker in self.workers:
            if worker.process.is_alive():
                worker.process.kill()
            worker.process.join(timeout=5)
            worker.connection.close()

    def map(self, chunks: Iterable[list[Record]]) -> Iterator[list[Result]]:
        """Results chunk by chunk, in the order of `chunks`, while later chunks are still being evaluated."""
        pending = iter(enumerate(chunks))
        exhausted = False
        waiting: dict[int, list[Result]] = {}
        owner: dict[Connection, _Worker] = {}
        next_number = 0
        while True:
            for worker in self.workers:
                while not exhausted and worker.in_hand < IN_HAND:
                    item = next(pending, None)
                    if item is None:
                        exhausted = True
                        break
                    try:
                        worker.connection.send(item)
                    except OSError:
                        self._died(worker)
                    worker.in_hand += 1
                    owner[worker.connection] = worker
            busy = [w for w in self.workers if w.in_hand]
            if not busy:
                return
            ready = wait([w.connection for w in busy] + [w.process.sentinel for w in busy])
            for ready_one in ready:
                if not isinstance(ready_one, Connection) or ready_one not in owner:
                    continue  # a sentinel: a process ended; its connection tells us (EOF) or did already
                worker = owner[ready_one]
                try:
                    number, result = worker.connection.recv()
                except (EOFError, OSError):
                    self._died(worker)
                if number == "fout":
                    raise BatchError(f"een werkproces kon niet starten: {result}")
                worker.in_hand -= 1
                waiting[number] = result
            for worker in busy:
                if worker.in_hand and not worker.process.is_alive() and not worker.connection.poll():
                    self._died(worker)
            while next_number in waiting:
                yield waiting.pop(next_number)
                next_number += 1

    def _died(self, worker: _Worker) -> NoReturn:
        worker.process.join(timeout=1)
        code = worker.process.exitcode
        how = f"signaal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exitcode {code}"
        raise BatchError(f"een werkproces (pid {worker.process.pid}) is onverwacht gestopt ({how}); de batch is afgebroken")


# -- the whole batch -------------------------------------------------------------------------------------


@dataclass
class Summary:
    total: int = 0
    bad: int = 0
    exit_code: int = 0
    parts: dict[str, str | None] = field(default_factory=dict)  # ruleset part key -> the profile it was made with

    def add(self, code: int, part: tuple[str, str | None] | None = None) -> None:
        self.total += 1
        if part is not None:
            self.parts.setdefault(part[0], part[1])
        if code:
            self.bad += 1
            self.exit_code = 1 if 1 in (code, self.exit_code) else 2

    def text(self) -> str:
        if not self.bad:
            return f"batch: {self.total} zaken beoordeeld"
        return f"batch: {self.total} zaken, {self.total - self.bad} beoordeeld, {self.bad} met een fout (zie de regels met \"fout\")"


def _chunks(items: Iterable[Record], size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run(
    inputs: Iterable[Record],
    settings: Settings,
    jobs: int,
    write: Callable[[str], None],
    advance: Callable[[int], None],
) -> Summary:
    """Evaluate every record and `write` its line in input order; `jobs` 1 stays in this process."""
    summary = Summary()
    if jobs <= 1:
        evaluate = Evaluator(settings)
        for record in inputs:
            line, code, part = evaluate(record)
            write(line)
            summary.add(code, part)
            advance(1)
        return summary
    with Pool(jobs, settings) as pool:
        for results in pool.map(_chunks(inputs, CHUNK)):
            for line, code, part in results:
                write(line)
                summary.add(code, part)
            advance(len(results))
    return summary


def parts_file(output: Path) -> Path:
    """Where a batch's ruleset parts go: beside its output, `besluiten.jsonl` -> `besluiten.regelsetdelen.jsonl`."""
    return output.with_name(f"{output.stem if output.suffix else output.name}.regelsetdelen.jsonl")


def parts_text(summary: Summary, rules: str) -> str:
    """The ruleset parts the batch's decisions refer to, one JSON line each, sorted by key (so a batch gives one file)."""
    from ..decision.io import part_json
    from ..decision.ruleset_part import part_of
    from ..language.ruleset import load_ruleset

    lines = []
    for key, profile in sorted(summary.parts.items()):
        part = part_of(load_ruleset(Path(rules), Path(profile) if profile else None))
        assert part.key == key, "a worker's ruleset part and this process's must be the same"
        lines.append(part_json(part, line=True))
    return "".join(lines)
