"""The evaluation side of `rules serve`: one process that holds the engines and answers jobs.

A worker is a separate process so that a case that takes too long can be cut
off for real: the front end kills the process and starts a new one (a thread
cannot be stopped, and durable_rules never releases the GIL). It does exactly
what the CLI does for one case — the same reading, validation, profile choice,
engine and renderers — so an answer over HTTP is byte-identical to the CLI's.
Nothing is written anywhere: the case arrives as bytes and leaves as a decision.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import sys
import traceback
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ..core import children
from ..core.errors import CaseError, WeerbaarError
from ..core.safetext import one_line

log = logging.getLogger("weerbaar_rules.serve")

JSON_TYPE = "application/json"
YAML_TYPE = "application/yaml"
BODY_TYPES = (JSON_TYPE, YAML_TYPE)  # the only bodies the API reads (415 otherwise: see app._is_yaml)
MEDIA_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "svg": "image/svg+xml",
    "dot": "text/vnd.graphviz; charset=utf-8",
    "png": "image/png",
    "advies": "application/json",  # the page's view of the advice (render/page.py)
}


@dataclass(frozen=True)
class Settings:
    """What the server was started with; sent to every worker (it must pickle)."""

    rules: str
    gemeente: str | None = None
    profiel: str | None = None
    time_limit: float = 10.0  # also the longest Graphviz may draw
    max_answer: int = 4096 * 1024  # bytes one answer may have
    max_edges: int = 2000  # arrows Graphviz may be asked to draw for one answer


@dataclass(frozen=True)
class Job:
    """One request for a worker: what to do with which case body."""

    kind: str  # "beoordeling", "rapport", "graaf", "uitleg", "zaak", "catalogus", "regelset"
    body: bytes
    yaml: bool
    peildatum: dt.date | None = None
    gemeente: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: bytes


def error_body(message: str) -> bytes:
    """The one error shape of the API: `{"fout": "<one line>"}`."""
    return json.dumps({"fout": " ".join(message.split())}, ensure_ascii=False).encode("utf-8")


def error_reply(status: int, message: str) -> Reply:
    return Reply(status, JSON_TYPE, error_body(message))


def engine_for(rules: Path, profile: Path | None) -> Any:
    """The worker's compiled engine; a ruleset's warnings go to the server's stderr once, as the CLI's do."""
    from ..evaluation import shared_engine

    return shared_engine(rules, profile, lambda warning: print(f"waarschuwing: {one_line(warning)}", file=sys.stderr))


class Worker:
    """The engines of one worker process, and the handling of one job at a time."""

    def __init__(self, settings: Settings) -> None:
        from ..language.resources import catalogue, profile_path

        self.settings = settings
        self.rules = Path(settings.rules)
        self.default_profile = profile_path(self.rules, settings.gemeente, Path(settings.profiel) if settings.profiel else None)
        self.base = engine_for(self.rules, None)
        # Compile every engine now, so no request pays for it (and so a broken profile stops the server at once).
        self.engines = {name: engine_for(self.rules, path) for name, path in catalogue(self.rules).items()}
        self.profiles = list(self.engines)
        engine_for(self.rules, self.default_profile)

    def info(self) -> dict[str, Any]:
        """What the front end shows in /api/versie: taken from the engines that answer."""
        from ..core.version import __version__

        ruleset = self.base.ruleset
        default = engine_for(self.rules, self.default_profile).ruleset.profile
        return {
            "engine_versie": __version__,
            "regelset": {"naam": ruleset.name, "versie": ruleset.version, "hash": ruleset.hash},
            "standaardprofiel": default.naam if default else None,
            "profielen": [
                {"naam": name, "profiel": p.naam, "versie": p.versie, "hash": p.hash}
                for name, engine in self.engines.items()
                if (p := engine.ruleset.profile) is not None
            ],
        }

    # -- one job --------------------------------------------------------------

    def handle(self, job: Job) -> Reply:
        """Any failure becomes one line: a WeerbaarError keeps its words (422 for bad input, as the CLI's exit 2), a bug only its type."""
        try:
            return self._handle(job)
        except WeerbaarError as exc:
            return error_reply(422 if exc.exit_code == 2 else 500, str(exc))
        except Exception as exc:  # a bug of ours: never a traceback or a value to the client
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            log.error("interne fout (%s) in %s:%s", type(exc).__name__, Path(frame.filename).name, frame.lineno)
            if os.environ.get("WEERBAAR_DEBUG"):
                log.exception("details")
            return error_reply(500, f"interne fout ({type(exc).__name__}) — meld dit")

    def _case(self, job: Job) -> Any:
        from ..case.io import field_names, validate
        from ..core.yamlio import decode, load

        name = "zaak.yaml" if job.yaml else "zaak.json"
        located = load(Path(name), CaseError, decode(job.body, name, CaseError), shown=field_names())
        return validate(located.data, name, located)

    def _engine(self, job: Job, case: Any) -> Any:
        from ..language.resources import find_profile

        # A request names a profile from the catalogue, never a path (that needs --profiel when starting the server).
        if job.gemeente:
            return engine_for(self.rules, find_profile(job.gemeente, self.rules, "gemeente", echo=False))
        if case.gemeente and self.default_profile is None:
            return engine_for(self.rules, find_profile(case.gemeente, self.rules, "zaak.gemeente", from_case=True, echo=False))
        return engine_for(self.rules, self.default_profile)

    def catalogue(self, day: dt.date) -> list[dict[str, Any]]:
        """The instruments as the law stood on `day` (authorities and legal bases are dated, like in a decision)."""
        return [
            {
                "id": inst.id,
                "naam": inst.naam,
                "categorie": inst.categorie,
                "spoor": inst.spoor,
                "bevoegd": inst.authority_on(day),
                "ingrijpendheid": inst.ingrijpendheid,
                "grondslag": [dict(c) for c in self.base.citations(inst.id, day)],
                "omschrijving": inst.omschrijving,
            }
            for inst in self.base.ruleset.instruments
        ]

    def _handle(self, job: Job) -> Reply:
        from ..render import rendered

        if job.kind == "catalogus":
            rows = self.catalogue(job.peildatum or dt.date.today())
            return Reply(200, JSON_TYPE, json.dumps(rows, ensure_ascii=False).encode("utf-8"))
        if job.kind == "regelset":
            return self._part(str(job.options["sleutel"]))
        case = self._case(job)
        if job.kind == "zaak":
            return self._bounded(job.kind, Reply(200, JSON_TYPE, case.model_dump_json(exclude_unset=True).encode("utf-8")))
        decision = self._engine(job, case).evaluate(case, peildatum=job.peildatum)
        if job.kind == "uitleg":
            return self._explain(decision, str(job.options["instrument"]))
        fmt = {"beoordeling": "json"}.get(job.kind) or str(job.options["formaat"])
        drawing = {"timeout": self.settings.time_limit, "max_edges": self.settings.max_edges}
        output = rendered(decision, fmt, bool(job.options.get("volledig", False)), **drawing)
        return self._bounded(job.kind, Reply(200, MEDIA_TYPES[fmt], output if isinstance(output, bytes) else output.encode("utf-8")))

    def _part(self, key: str) -> Reply:
        """The ruleset part of one of the engines this worker answers with (the key is the client's words: not repeated)."""
        from ..decision.io import part_json
        from ..decision.ruleset_part import part_of

        engines = [self.base, engine_for(self.rules, self.default_profile), *self.engines.values()]
        parts = {part.key: part for part in (part_of(engine.ruleset) for engine in engines)}
        found = parts.get(key)
        if found is None:
            return error_reply(404, f"regelsetdeel: onbekend op deze server (bekend: {', '.join(sorted(parts))})")
        return Reply(200, JSON_TYPE, part_json(found, line=True).encode("utf-8"))

    def _bounded(self, kind: str, reply: Reply) -> Reply:
        """The answer, or 413 when it is larger than the server lets one request make it produce."""
        if len(reply.body) <= self.settings.max_answer:
            return reply
        what = {"beoordeling": "het besluit", "rapport": "het rapport", "graaf": "de graaf", "uitleg": "de uitleg"}.get(kind, "het antwoord")
        advice = " of vraag het rapport" if kind == "beoordeling" else ""
        limit = self.settings.max_answer // 1024
        return error_reply(413, f"antwoord: {what} zou groter worden dan {limit} kB (--max-antwoord); maak de zaak kleiner{advice}")

    def _explain(self, decision: Any, instrument: str) -> Reply:
        from ..render.why import explain_instrument

        if instrument not in decision.instruments:  # the path is the client's words: not repeated
            return error_reply(404, f"instrument: onbekend (bekend: {', '.join(sorted(decision.instruments))})")
        text = explain_instrument(decision, instrument)
        inst = decision.instruments[instrument]
        answer = {"instrument": inst.id, "naam": inst.naam, "status": inst.status, "uitleg": text}
        return self._bounded("uitleg", Reply(200, JSON_TYPE, json.dumps(answer, ensure_ascii=False).encode("utf-8")))


def serve_forever(conn: Connection, settings: Settings) -> None:
    """Entry point of a worker process: report ready (or the error), then answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the front end, which stops the workers in order
    children.lead_own_group()  # Graphviz joins this group, so the pool's kill of the group stops it too
    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO)
    try:
        worker = Worker(settings)
        conn.send(("klaar", worker.info()))
    except WeerbaarError as exc:
        conn.send(("fout", str(exc), exc.exit_code))
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the front end is gone
            return
        if job is None:
            return
        conn.send(worker.handle(job))
