"""The `rules` command line: evaluate, explain, schema, test.

Every expected failure is a `WeerbaarError`: one line on stderr naming the file
and place, exit code 2 for bad input and 1 otherwise, never a traceback.
Output goes to a temporary file first, so nothing is half-written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator

import click

from .errors import CaseError, ProfileError, WeerbaarError

FORMATS = ("text", "json", "md", "dot", "svg", "png")
REPO_RULES = Path(__file__).resolve().parent.parent / "rulesets" / "nl"


def default_rules() -> Path:
    env = os.environ.get("WEERBAAR_REGELS")
    if env:
        return Path(env)
    local = Path("rulesets/nl")
    return local if local.is_dir() else REPO_RULES


def profile_path(rules: Path, gemeente: str | None, profiel: Path | None) -> Path | None:
    """`--profiel FILE` wins; else `--gemeente NAME` (or the case's gemeente) names rulesets/gemeenten/NAME.yaml."""
    if profiel is not None:
        return profiel
    if not gemeente:
        return None
    directory = rules.parent / "gemeenten"
    path = directory / f"{gemeente}.yaml"
    if not path.is_file():  # the case may spell the municipality as people write it: "Strengdam", "Den Haag"
        path = directory / f"{'_'.join(gemeente.lower().replace('-', ' ').split())}.yaml"
    if not path.is_file():
        known = sorted(p.stem for p in directory.glob("*.yaml")) if directory.is_dir() else []
        raise ProfileError(f"onbekend gemeenteprofiel '{gemeente}' (beschikbaar: {', '.join(known) or 'geen'})")
    return path


def _parse_date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CaseError(f"--peildatum: ongeldige datum '{value}' (verwacht JJJJ-MM-DD)") from None


def write_output(data: str | bytes, output: Path | None) -> None:
    """Write atomically: a failure never leaves a half-written file."""
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    directory = output.parent if str(output.parent) else Path(".")
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=".rules-", suffix=".tmp")
    try:
        payload = data if isinstance(data, bytes) else data.encode("utf-8")
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
        os.replace(tmp, output)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def guarded(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn our errors into one clear line and an exit code."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except WeerbaarError as exc:
            click.echo(f"fout: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("afgebroken", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug of ours: still one line, and set WEERBAAR_DEBUG=1 for the traceback
            if os.environ.get("WEERBAAR_DEBUG"):
                raise
            click.echo(f"interne fout ({type(exc).__name__}): {exc} — meld dit; WEERBAAR_DEBUG=1 toont de details", err=True)
            sys.exit(1)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


@click.group()
@click.version_option(package_name="weerbaar-rules")
def main() -> None:
    """weerbaar-rules: welk bestuurlijk instrument past bij deze zaak van ondermijning?"""


_engines: dict[tuple[str, str | None], Any] = {}


def engine_for(rules: Path, profile: Path | None) -> Any:
    from .evaluation import Engine

    key = (str(rules), str(profile) if profile else None)
    if key not in _engines:
        engine = Engine.from_directory(rules, profile=profile)
        for warning in engine.ruleset.warnings:
            click.echo(f"waarschuwing: {warning}", err=True)
        _engines[key] = engine
    return _engines[key]


def render(decision: Any, fmt: str, volledig: bool) -> str | bytes:
    from . import render as r

    if fmt == "json":
        return r.to_json(decision)
    if fmt == "md":
        return r.to_markdown(decision)
    if fmt == "text":
        return r.to_text(decision, volledig=volledig)
    from . import dot

    return dot.render(decision, fmt, volledig=volledig)


rules_option = click.option(
    "--regels", "rules", type=click.Path(path_type=Path), default=None, help="Map met de landelijke regels (standaard rulesets/nl)."
)
gemeente_option = click.option("--gemeente", default=None, help="Gemeenteprofiel uit rulesets/gemeenten/NAAM.yaml.")
profiel_option = click.option("--profiel", type=click.Path(path_type=Path), default=None, help="Pad naar een profielbestand.")
peildatum_option = click.option("--peildatum", default=None, help="Pas het recht toe dat op deze datum gold (JJJJ-MM-DD).")


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@rules_option
@gemeente_option
@profiel_option
@peildatum_option
@click.option("--volledig", is_flag=True, help="Toon ook wat niet relevant is voor de aanbeveling.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Schrijf naar dit bestand.")
@click.option("--jobs", "-j", type=int, default=0, help="Processen voor een batch (standaard: alle kernen).")
@guarded
def evaluate(
    path: Path,
    fmt: str,
    rules: Path | None,
    gemeente: str | None,
    profiel: Path | None,
    peildatum: str | None,
    volledig: bool,
    output: Path | None,
    jobs: int,
) -> None:
    """Beoordeel een zaak (JSON/YAML), of een batch: een map of een JSON-lines-bestand (een besluit per regel)."""
    from .caseio import load_case

    rules = rules or default_rules()
    day = _parse_date(peildatum)
    if path.is_dir() or path.suffix == ".jsonl":
        if fmt not in ("json", "text"):
            raise CaseError(f"{path}: een batch geeft JSON-lines; --format {fmt} kan alleen voor een enkele zaak")
        write_output("".join(batch(path, rules, gemeente, profiel, day, jobs)), output)
        return
    case = load_case(path)
    engine = engine_for(rules, profile_path(rules, gemeente or case.gemeente, profiel))
    decision = engine.evaluate(case, peildatum=day)
    write_output(render(decision, fmt, volledig), output)


# -- batch --------------------------------------------------------------------

_worker_engine: Any = None


def _init_worker(rules: str, profile: str | None) -> None:
    global _worker_engine
    from .evaluation import Engine

    _worker_engine = Engine.from_directory(rules, profile=profile)


def _evaluate_chunk(chunk: list[tuple[str, str]], day: str | None) -> list[str]:
    from .model import Case
    from .render import to_json_line

    out = []
    for _, data in chunk:
        case = Case.model_validate_json(data)
        out.append(to_json_line(_worker_engine.evaluate(case, peildatum=dt.date.fromisoformat(day) if day else None)))
    return out


def batch(path: Path, rules: Path, gemeente: str | None, profiel: Path | None, day: dt.date | None, jobs: int) -> Iterator[str]:
    """Evaluate many cases on all cores; output keeps the input order. One profile for the whole batch."""
    from .caseio import iter_cases

    profile = profile_path(rules, gemeente, profiel)
    engine_for(rules, profile)  # fail fast on a bad ruleset, before starting processes
    cases = [(where, case.model_dump_json()) for where, case in iter_cases(path)]
    workers = jobs or os.cpu_count() or 1
    size = max(1, min(200, len(cases) // (workers * 4) or 1))
    chunks = [cases[i : i + size] for i in range(0, len(cases), size)]
    show = sys.stderr.isatty()
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(str(rules), str(profile) if profile else None)) as pool:
        futures = [pool.submit(_evaluate_chunk, chunk, day.isoformat() if day else None) for chunk in chunks]
        with click.progressbar(length=len(cases), label="zaken", file=sys.stderr if show else open(os.devnull, "w")) as bar:
            for future, chunk in zip(futures, chunks):
                lines = future.result()
                bar.update(len(chunk))
                yield from lines


@main.command()
@click.option("--besluit", is_flag=True, help="Het schema van het besluit (uitvoer) in plaats van de zaak (invoer).")
@guarded
def schema(besluit: bool) -> None:
    """Print het JSON Schema van een zaakbestand (of met --besluit: van het besluit)."""
    from .schema import case_schema, decision_schema, render

    click.echo(render(decision_schema() if besluit else case_schema()), nl=False)


@main.command()
@click.argument("path", type=click.Path(path_type=Path))
@click.argument("instrument")
@rules_option
@gemeente_option
@profiel_option
@peildatum_option
@guarded
def explain(path: Path, instrument: str, rules: Path | None, gemeente: str | None, profiel: Path | None, peildatum: str | None) -> None:
    """Waarom wel of niet: leg de status van een instrument voor deze zaak uit."""
    from .caseio import load_case
    from .why import explain_instrument

    rules = rules or default_rules()
    case = load_case(path)
    engine = engine_for(rules, profile_path(rules, gemeente or case.gemeente, profiel))
    decision = engine.evaluate(case, peildatum=_parse_date(peildatum))
    click.echo(explain_instrument(decision, instrument))


@main.command("test")
@click.argument("directories", nargs=-1, type=click.Path(path_type=Path))
@rules_option
@click.option("--coverage", "--dekking", "show_coverage", is_flag=True, help="Toon de regels die geen scenario afvuurt of tegenhoudt.")
@guarded
def test_command(directories: tuple[Path, ...], rules: Path | None, show_coverage: bool) -> None:
    """Draai de scenario's (zaak + verwacht besluit) in mappen (standaard cases/ en scenarios/ bij de regels)."""
    from .scenarios import run_directory

    rules = rules or default_rules()
    if not directories:
        directories = tuple(d for d in (Path("cases"), rules / "scenarios") if d.is_dir()) or (Path("cases"),)
    results = [result for directory in directories for result in run_directory(directory, rules)]
    failed = [r for r in results if not r.ok]
    for result in results:
        click.echo(result.report())
    click.echo(f"{len(results) - len(failed)} van {len(results)} scenario's geslaagd")
    if show_coverage:
        from .coverage import coverage
        from .ruleset import load_ruleset

        click.echo(coverage(results, [load_ruleset(rules)]).report())
    sys.exit(1 if failed else 0)


@main.command("migrate")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None, help="Schrijf naar dit bestand (standaard: de uitvoer).")
@guarded
def migrate_command(path: Path, output: Path | None) -> None:
    """Zet een zaakbestand van versie 1 om naar versie 2 (JSON)."""
    from .caseio import validate
    from .migrate import from_v1, is_v1
    from .yamlio import load

    data = load(path, CaseError).data
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
    from .check import ERROR, check_directory, summary

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
    from .diff import default_jobs, diff, to_json, to_text
    from .evaluation import Engine

    engines = [Engine.from_directory(path, profile=profiel) for path in (old, new)]
    directories = corpus_dirs or tuple(d for d in (Path("cases"),) if d.is_dir())
    directories += tuple(d for d in (old / "scenarios", new / "scenarios") if d.is_dir() and d not in directories)
    with _progress_bar("zaken vergelijken") as progress:
        report = diff(engines[0], engines[1], directories, hypothesis_profile, aantal, max_verschillen, jobs or default_jobs(), zaad, progress)
    click.echo(to_json(report) if fmt == "json" else to_text(report, str(old), str(new)), nl=False)
    sys.exit(0 if report.safe else 1)


@contextlib.contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr when it is a terminal (rich); nothing otherwise, so pipes and logs stay clean."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Luister op dit adres; standaard alleen deze computer.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="Poort (0: een vrije poort).")
@rules_option
@gemeente_option
@profiel_option
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Processen die zaken beoordelen.")
@click.option("--tijdslimiet", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True, help="Seconden per zaak; dan afgebroken.")
@click.option("--max-omvang", type=click.IntRange(min=1), default=2048, show_default=True, help="Grootste verzoek in kB.")
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
    openapi: bool,
) -> None:
    """Start de HTTP-API en de webpagina; de server bewaart niets."""
    try:  # imported here, so `rules evaluate` never pays for the web stack
        from .serve import server
    except ImportError as exc:
        if exc.name not in ("fastapi", "uvicorn", "starlette"):
            raise
        raise WeerbaarError("rules serve heeft FastAPI en uvicorn nodig: pip install 'weerbaar-rules[serve]'") from None
    if openapi:
        click.echo(server.openapi_text(), nl=False)
        return
    from .serve.worker import Settings

    settings = Settings(rules=str(rules or default_rules()), gemeente=gemeente, profiel=str(profiel) if profiel else None)
    server.run(settings, host, port, workers, tijdslimiet, max_omvang * 1024)


if __name__ == "__main__":  # pragma: no cover
    main()
