"""The `rules` command line: evaluate, explain, schema, test, check, diff.

Every expected failure is a `WeerbaarError`: one line on stderr naming the file
and place, exit code 2 for bad input and 1 otherwise, never a traceback
(docs/cli.md lists the exit codes). Case-supplied text in that line is made
safe (no newline or escape sequence can forge a second line). Output goes to a
temporary file first, so nothing is half-written, and a batch streams its
lines in input order (weerbaar_rules/batch.py).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import click

from ..core.errors import CaseError, WeerbaarError
from ..core.safetext import one_line
from ..language.resources import national_rules, profile_path
from ..render import FORMATS
from . import click_nl

click_nl.install()


def default_rules() -> Path:
    """The ruleset used without --regels: WEERBAAR_REGELS, else the national rules that ship with the package."""
    return national_rules()


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CaseError(f"--peildatum: ongeldige datum '{one_line(value, 40)}' (verwacht JJJJ-MM-DD)") from None


def write_output(data: str | bytes, output: Path | None) -> None:
    """To stdout, or atomically to `output` (see weerbaar_rules/output.py for what is refused)."""
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
        return
    from .output import write_file

    write_file(output, payload)


class Stopped(BaseException):
    """SIGTERM or SIGHUP (timeout, cron, systemd): unwind so that temporary files and workers are cleaned up."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def _stoppable() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _stop) for signum in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into one clear line and an exit code."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with _stoppable():
                return func(*args, **kwargs)
        except WeerbaarError as exc:
            click.echo(f"fout: {one_line(exc)}", err=True)
            sys.exit(exc.exit_code)
        except Stopped as exc:
            click.echo(f"afgebroken ({signal.Signals(exc.signum).name}); er is niets half geschreven", err=True)
            sys.exit(128 + exc.signum)
        except KeyboardInterrupt:
            click.echo("afgebroken", err=True)
            sys.exit(130)
        except BrokenPipeError:  # the reader went away (`| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(141)
        except Exception as exc:  # a bug of ours: still one line, and set WEERBAAR_DEBUG=1 for the traceback
            if os.environ.get("WEERBAAR_DEBUG"):
                raise
            click.echo(f"interne fout ({type(exc).__name__}): {one_line(exc, 300)} — meld dit; WEERBAAR_DEBUG=1 toont de details", err=True)
            sys.exit(1)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group()
@click.version_option(package_name="weerbaar-rules")
def main() -> None:
    """weerbaar-rules: welk bestuurlijk instrument past bij deze zaak van ondermijning?"""


def engine_for(rules: Path, profile: Path | None) -> Any:
    """The process's compiled engine for these rules and profile; its warnings go to stderr once."""
    from ..evaluation import shared_engine

    return shared_engine(rules, profile, warn)


def warn(warning: str) -> None:
    click.echo(f"waarschuwing: {one_line(warning)}", err=True)


rules_option = click.option(
    "--regels", "rules", type=click.Path(path_type=Path), default=None, metavar="MAP",
    help="Map met de landelijke regels (standaard de meegeleverde regels, of WEERBAAR_REGELS).",
)
gemeente_option = click.option("--gemeente", default=None, metavar="NAAM", help="Gemeenteprofiel uit de profielcatalogus (naast de regels: gemeenten/).")
profiel_option = click.option("--profiel", type=click.Path(path_type=Path), default=None, metavar="PAD", help="Pad naar een profielbestand buiten de catalogus.")
peildatum_option = click.option("--peildatum", default=None, metavar="DATUM", help="Pas het recht toe dat op deze datum gold (JJJJ-MM-DD).")


@main.command()
@click.argument("path", type=click.Path(path_type=Path), metavar="ZAAK")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None, help="Uitvoer (standaard text; json voor een batch).")
@rules_option
@gemeente_option
@profiel_option
@peildatum_option
@click.option("--volledig", is_flag=True, help="Toon ook wat niet relevant is voor de aanbeveling.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="PAD", help="Schrijf naar dit bestand (batch met text/md/dot/svg/png: naar deze map, een rapport per zaak).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="AANTAL", help="Processen voor een batch (standaard en hoogstens: het aantal kernen).")
@guarded
def evaluate(
    path: Path,
    fmt: str | None,
    rules: Path | None,
    gemeente: str | None,
    profiel: Path | None,
    peildatum: str | None,
    volledig: bool,
    output: Path | None,
    jobs: int | None,
) -> None:
    """Beoordeel een zaak (JSON/YAML; - leest stdin), of een batch: een map of een JSON-lines-bestand."""
    from ..case.io import load_case
    from ..core.yamlio import STDIN, display_name
    from ..render import rendered

    rules = rules or default_rules()
    day = _parse_date(peildatum)
    if str(path) != STDIN and (path.is_dir() or path.suffix.lower() == ".jsonl"):  # a batch (cli/batch.py)
        evaluate_batch(path, rules, gemeente, profiel, day, fmt or "json", volledig, output, jobs)
        return
    if output is not None:
        from .output import check_target

        check_target(output)  # refuse a bad target before the work
    case = load_case(path)
    engine = engine_for(rules, profile_path(rules, gemeente, profiel, case.gemeente, display_name(path)))
    decision = engine.evaluate(case, peildatum=day)
    write_output(rendered(decision, fmt or "text", volledig), output)


# -- batch --------------------------------------------------------------------


def evaluate_batch(
    path: Path,
    rules: Path,
    gemeente: str | None,
    profiel: Path | None,
    day: dt.date | None,
    fmt: str,
    volledig: bool,
    output: Path | None,
    jobs: int | None,
) -> None:
    """Evaluate every case of a batch; exit 2 when any record was bad (each has its error line)."""
    from . import batch
    from .output import AtomicFile, report_directory
    from .progress import progress

    profile = profile_path(rules, gemeente, profiel)
    engine_for(rules, profile)  # fail fast on a bad ruleset, before starting processes; -j 1 evaluates with it
    reports = fmt != "json"
    if reports and output is None:
        raise CaseError(f"{path}: --format {fmt} over een batch schrijft een rapport per zaak: geef met -o een map (of gebruik --format json)")
    if not path.exists():
        raise CaseError(f"{path}: bestand bestaat niet")
    settings = batch.Settings(
        rules=str(rules),
        profile=str(profile) if profile else None,
        fixed_profile=bool(gemeente or profiel),
        peildatum=day.isoformat() if day else None,
        fmt=fmt,
        volledig=volledig,
        report_dir=str(report_directory(output)) if reports and output is not None else None,
        jsonl=None if path.is_dir() else str(path),
    )
    workers = min(jobs or os.cpu_count() or 1, os.cpu_count() or 1)
    sink = AtomicFile(output) if output is not None and not reports else None

    def write(line: str) -> None:
        if sink:
            sink.write(line.encode("utf-8"))
        else:
            sys.stdout.write(line)

    total = batch.count(path) if sys.stderr.isatty() else None
    try:
        with progress(total, "zaken") as advance:
            summary = batch.run(batch.records(path, fmt if reports else None), settings, workers, write, advance)
    except BaseException:
        if sink:
            sink.discard()
        raise
    if sink:
        if summary.parts:
            # The decisions carry what their case adds to the graph; the ruleset's part goes beside them, once,
            # and before them: an output file is never there without the part its decisions name.
            try:
                with AtomicFile(batch.parts_file(sink.target)) as parts:
                    parts.write(batch.parts_text(summary, str(rules)).encode("utf-8"))
            except BaseException:
                sink.discard()
                raise
        sink.commit()
    sys.stdout.flush()
    click.echo(summary.text(), err=True)
    if summary.exit_code:
        sys.exit(summary.exit_code)


@main.command()
@click.option("--besluit", is_flag=True, help="Het schema van het besluit (uitvoer) in plaats van de zaak (invoer).")
@guarded
def schema(besluit: bool) -> None:
    """Print het JSON Schema van een zaakbestand (of met --besluit: van het besluit)."""
    from ..decision.schema import case_schema, decision_schema, render

    click.echo(render(decision_schema() if besluit else case_schema()), nl=False)


@main.command()
@click.argument("path", type=click.Path(path_type=Path), metavar="ZAAK")
@click.argument("instrument", required=False, metavar="[INSTRUMENT]")
@rules_option
@gemeente_option
@profiel_option
@peildatum_option
@guarded
def explain(path: Path, instrument: str | None, rules: Path | None, gemeente: str | None, profiel: Path | None, peildatum: str | None) -> None:
    """Waarom wel of niet: leg de status van een instrument voor deze zaak uit (zonder INSTRUMENT: alle instrumenten en hun status)."""
    from ..case.io import load_case
    from ..core.yamlio import display_name
    from ..render.why import explain_instrument, instrument_statuses

    rules = rules or default_rules()
    case = load_case(path)
    engine = engine_for(rules, profile_path(rules, gemeente, profiel, case.gemeente, display_name(path)))
    decision = engine.evaluate(case, peildatum=_parse_date(peildatum))
    click.echo(explain_instrument(decision, instrument) if instrument else instrument_statuses(decision))


@main.command("graaf")
@click.argument("path", type=click.Path(path_type=Path), metavar="[BESLUIT]", required=False)
@click.option("--regelset", "publish", is_flag=True, help="Print het regelsetdeel: wat elke graaf van deze regelset (en dit profiel) deelt.")
@click.option("--regelsetdeel", "part_file", type=click.Path(path_type=Path), default=None, metavar="PAD", help="Het regelsetdeel waarmee BESLUIT gemaakt is (JSON, of de .regelsetdelen.jsonl van een batch).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="dot", show_default=True, help="Weergave van BESLUIT.")
@click.option("--volledig", is_flag=True, help="Ook wat niet relevant is voor de aanbeveling; bij json: het besluit met de hele graaf.")
@rules_option
@gemeente_option
@profiel_option
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, metavar="PAD", help="Schrijf naar dit bestand.")
@guarded
def graaf_command(
    path: Path | None,
    publish: bool,
    part_file: Path | None,
    fmt: str,
    volledig: bool,
    rules: Path | None,
    gemeente: str | None,
    profiel: Path | None,
    output: Path | None,
) -> None:
    """Het regelsetdeel van de graaf (--regelset), of een weergave van een eerder besluit (BESLUIT, JSON) met zijn regelsetdeel."""
    from ..decision.io import part_json, read_decision, read_parts
    from ..render import rendered

    if publish == (path is not None):
        raise CaseError("geef --regelset (het regelsetdeel) of een BESLUIT (een weergave ervan), niet allebei en niet geen van beide")
    if output is not None:
        from .output import check_target

        check_target(output)
    if publish:
        from ..decision.ruleset_part import part_of
        from ..language.ruleset import load_ruleset

        rules = rules or default_rules()
        write_output(part_json(part_of(load_ruleset(rules, profile_path(rules, gemeente, profiel)))), output)
        return
    assert path is not None
    notices: list[str] = []
    decision = read_decision(path, read_parts(part_file) if part_file else None, notices)
    for notice in notices:
        warn(notice)
    write_output(rendered(decision, fmt, volledig), output)


@main.command("test")
@click.argument("directories", nargs=-1, type=click.Path(path_type=Path))
@rules_option
@click.option("--coverage", "--dekking", "show_coverage", is_flag=True, help="Toon de regels die geen scenario afvuurt of tegenhoudt.")
@guarded
def test_command(directories: tuple[Path, ...], rules: Path | None, show_coverage: bool) -> None:
    """Draai de scenario's (zaak + verwacht besluit) in mappen (standaard cases/ en scenarios/ bij de regels)."""
    from ..testing.scenarios import run_directory

    rules = rules or default_rules()
    if not directories:
        directories = tuple(d for d in (Path("cases"), rules / "scenarios") if d.is_dir()) or (Path("cases"),)
    results = [result for directory in directories for result in run_directory(directory, rules)]
    failed = [r for r in results if not r.ok]
    for result in results:
        click.echo(result.report())
    click.echo(f"{len(results) - len(failed)} van {len(results)} scenario's geslaagd")
    if show_coverage:
        from ..language.ruleset import load_ruleset
        from ..testing.coverage import coverage

        click.echo(coverage(results, [load_ruleset(rules)]).report())
    sys.exit(1 if failed else 0)


@main.command("migrate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Schrijf naar dit bestand (standaard: de uitvoer).")
@guarded
def migrate_command(path: Path, output: Path | None) -> None:
    """Zet een zaakbestand van versie 1 om naar versie 2 (JSON)."""
    from ..case.io import field_names, validate
    from ..case.migrate import from_v1, is_v1
    from ..core.yamlio import load

    data = load(path, CaseError, shown=field_names()).data
    notes: list[str] = []
    if is_v1(data):
        data, notes = from_v1(data)
    validate(data, str(path))
    for note in notes:
        click.echo(f"let op: {note}", err=True)
    write_output(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", output)


@main.command("check")
@click.argument("directory", type=click.Path(path_type=Path), required=False)
@profiel_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@click.option("--strikt", is_flag=True, help="Ook waarschuwingen geven een exitcode 1.")
@guarded
def check_command(directory: Path | None, profiel: Path | None, fmt: str, strikt: bool) -> None:
    """Statische controle van een regelset: bronnen, velden, regels die nooit vuren, conflicten, geldigheid."""
    from ..lint import ERROR, check_directory, summary

    findings = check_directory(directory or default_rules(), profiel)
    if fmt == "json":
        click.echo(json.dumps({"bevindingen": [f.as_dict() for f in findings]}, ensure_ascii=False, indent=2))
    else:
        for finding in findings:
            click.echo(finding.text())
        click.echo(summary(findings))
    failed = any(f.level == ERROR for f in findings) or (strikt and bool(findings))
    sys.exit(1 if failed else 0)


@main.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "--zaken",
    "corpus_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Map met voorbeeldzaken (standaard cases/ als die bestaat); de scenarios/ van beide regelsets tellen altijd mee.",
)
@click.option("--aantal", type=click.IntRange(min=0), default=None, help="Aantal gegenereerde zaken (0 = geen; standaard 2000, thorough 20000).")
@click.option(
    "--hypothesis-profiel",
    "hypothesis_profile",
    type=click.Choice(("ci", "thorough")),
    default="ci",
    show_default=True,
    help="ci: vaste zaken en vaste verkleining (reproduceerbaar); thorough: meer zaken, elke keer andere.",
)
@click.option("--zaad", type=click.IntRange(min=0), default=None, help="Zaad voor de gegenereerde zaken (standaard 0 bij ci, willekeurig bij thorough).")
@click.option("--max-verschillen", type=click.IntRange(min=1), default=10, show_default=True, help="Zoveel soorten verschillen verkleinen en tonen.")
@click.option("--jobs", "-j", type=click.IntRange(min=0, max=256), default=0, help="Processen (standaard: alle kernen).")
@profiel_option
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
@guarded
def diff_command(
    old: Path,
    new: Path,
    corpus_dirs: tuple[Path, ...],
    aantal: int | None,
    hypothesis_profile: str,
    zaad: int | None,
    max_verschillen: int,
    jobs: int,
    profiel: Path | None,
    fmt: str,
) -> None:
    """Vergelijk twee versies van een regelset, gericht op wat er veranderde.

    Exitcode 1 bij een verschil in een besluit, en ook als een gewijzigde regel door geen enkele zaak werd bereikt.
    """
    from ..evaluation import Engine
    from ..testing.diff import default_jobs, diff, to_json, to_text
    from .progress import progress

    engines = [Engine.from_directory(path, profile=profiel) for path in (old, new)]
    directories = corpus_dirs or tuple(d for d in (Path("cases"),) if d.is_dir())
    directories += tuple(d for d in (old / "scenarios", new / "scenarios") if d.is_dir() and d not in directories)
    with progress(None, "zaken vergelijken") as advance:
        report = diff(engines[0], engines[1], directories, hypothesis_profile, aantal, max_verschillen, jobs or default_jobs(), zaad, advance)
    click.echo(to_json(report) if fmt == "json" else to_text(report, str(old), str(new)), nl=False)
    sys.exit(0 if report.safe else 1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Luister op dit adres; standaard alleen deze computer.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Poort (0: een vrije poort).")
@rules_option
@gemeente_option
@profiel_option
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Processen die zaken beoordelen.")
@click.option("--tijdslimiet", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True, help="Seconden per zaak; dan afgebroken.")
@click.option("--max-omvang", type=click.IntRange(min=1), default=2048, show_default=True, help="Grootste verzoek in kB.")
@click.option("--max-antwoord", type=click.IntRange(min=1), default=4096, show_default=True, help="Grootste antwoord in kB.")
@click.option("--per-client", type=click.IntRange(1, 100), default=4, show_default=True, help="Verzoeken tegelijk per clientadres.")
@click.option("--openapi", is_flag=True, help="Print het OpenAPI-document van de API en stop.")
@guarded
def serve_command(
    host: str,
    port: int,
    rules: Path | None,
    gemeente: str | None,
    profiel: Path | None,
    workers: int,
    tijdslimiet: float,
    max_omvang: int,
    max_antwoord: int,
    per_client: int,
    openapi: bool,
) -> None:
    """Start de HTTP-API en de webpagina; de server bewaart niets."""
    try:  # imported here, so `rules evaluate` never pays for the web stack
        from ..serve import server
    except ImportError as exc:
        if exc.name not in ("fastapi", "uvicorn", "starlette"):
            raise
        raise WeerbaarError("rules serve heeft FastAPI en uvicorn nodig: pip install 'weerbaar-rules[serve]'") from None
    if openapi:
        click.echo(server.openapi_text(), nl=False)
        return
    from ..serve.worker import Settings

    settings = Settings(
        rules=str(rules or default_rules()),
        gemeente=gemeente,
        profiel=str(profiel) if profiel else None,
        time_limit=tijdslimiet,
        max_answer=max_antwoord * 1024,
    )
    server.run(settings, host, port, workers, max_omvang * 1024, per_client)

