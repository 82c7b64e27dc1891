"""The HTTP API and the web page of `rules serve`.

The front end only speaks HTTP: it caps the request body, hands the case to an
evaluation process (see `pool.py`) and returns that process's bytes untouched,
so `POST /api/beoordeling` is byte-identical to `rules evaluate --format json`.
The OpenAPI document is generated from the pydantic models of case and
decision; the request body is read raw (not parsed by FastAPI) so that a bad
case gets the CLI's one-line message, never FastAPI's error list that echoes
the input. Nothing is stored, and the access log holds method, path, status
and time only.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Query, Request
from fastapi import Path as FastPath
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..case.model import Case
from ..core.version import __version__
from ..decision.model import Decision
from ..decision.part import KEY_PATTERN
from ..decision.schema import case_schema, decision_schema
from ..core.errors import validation_message
from .pool import Busy, Pool, TimeLimit, TooMany, WorkerLost
from .worker import BODY_TYPES, JSON_TYPE, MEDIA_TYPES, YAML_TYPE, Job, error_body

log = logging.getLogger("weerbaar_rules.serve")

STATIC = Path(__file__).resolve().parent / "static"
LOOPBACK_NAMES = ("localhost",)
METHODS = frozenset(("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"))  # another is the client's word: not logged
SECURITY_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (
        b"content-security-policy",
        (
            b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        ),
    ),
]


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    time_limit: float
    loopback_only: bool


# -- response models (they make the OpenAPI document) ----------------------------


class Fout(BaseModel):
    """Every error: one Dutch line that names the place (file, line, field), never a value from the case."""

    fout: str = Field(examples=["zaak.json: locatie: verplicht veld ontbreekt"])


class Uitleg(BaseModel):
    instrument: str
    naam: str
    status: str
    uitleg: str = Field(description="De tekst van `rules explain ZAAK INSTRUMENT`.")


class CatalogusInstrument(BaseModel):
    id: str
    naam: str
    categorie: str
    spoor: str = Field(description="Instrumenten in hetzelfde spoor zijn alternatieven voor elkaar.")
    bevoegd: str
    ingrijpendheid: int
    grondslag: list[dict[str, Any]]
    omschrijving: str | None


class Regelset(BaseModel):
    naam: str
    versie: str
    hash: str = Field(description="sha256 over alle bestanden van de regelset; staat ook in het ontvangstbewijs van elk besluit.")


class Profiel(BaseModel):
    naam: str = Field(description="De naam voor de parameter `gemeente`.")
    profiel: str
    versie: str | None
    hash: str


class Versie(BaseModel):
    engine_versie: str
    regelset: Regelset
    standaardprofiel: str | None = Field(description="Het profiel van `--gemeente`/`--profiel` bij het starten, of null.")
    profielen: list[Profiel]


class Gezondheid(BaseModel):
    status: Literal["ok"]
    werkprocessen: int
    bezig: int


# -- plumbing --------------------------------------------------------------------


class Problem(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


def _fault(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(error_body(message), status_code=status, media_type=JSON_TYPE, headers=headers)


def _loggable(path: str, known: frozenset[str]) -> str:
    """The path as the access log may show it: a route of ours, never a word the client chose (`/api/uitleg/{instrument}`)."""
    if path in known:
        return path
    if path.startswith("/api/uitleg/"):
        return "/api/uitleg/{instrument}"
    return "(onbekend-pad)"


def _cross_site(headers: dict[bytes, bytes], host: str) -> bool:
    """Did a page of another site send this (a form, a fetch)? Then the browser says so in Sec-Fetch-Site or Origin.

    Programs (curl, a case-management system) send neither and are let through; the page of this
    server itself sends `same-origin` and its own origin.
    """
    site = headers.get(b"sec-fetch-site")
    if site is not None and site.lower() not in (b"same-origin", b"none"):
        return True
    origin = headers.get(b"origin")
    if origin is None:
        return False
    return origin.decode("latin-1").lower() not in (f"http://{host}".lower(), f"https://{host}".lower())


def _host_allowed(host: str) -> bool:
    name = host.rsplit("]", 1)[0].lstrip("[") if host.startswith("[") else host.split(":", 1)[0]
    if name.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


CROSS_SITE = "verzoek van een andere website geweigerd: alleen de pagina van deze server en programma's zonder Origin mogen de API gebruiken"


class Guard:
    """Outermost layer: Host check when bound to loopback, no API call from another site, security headers, and the access log.

    The log has method, route, status and time: for a path the client chose (an unknown
    instrument, an unknown address) only the route it matched.
    """

    def __init__(self, app: ASGIApp, loopback_only: bool, known_paths: frozenset[str]) -> None:
        self.app = app
        self.loopback_only = loopback_only
        self.known_paths = known_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                own = list(message.get("headers", []))
                # Only a ruleset part says how long it may be kept (it never changes under its key); all else: no-store.
                cached = any(name.lower() == b"cache-control" for name, _ in own)
                message["headers"] = [*own, *(h for h in SECURITY_HEADERS if not (cached and h[0] == b"cache-control"))]
            await send(message)

        try:
            headers = dict(scope["headers"])
            host = headers.get(b"host", b"").decode("latin-1")
            if self.loopback_only and not _host_allowed(host):
                # A page elsewhere on the web could otherwise reach this server through DNS rebinding.
                await _fault(400, "Host-header hoort niet bij deze server (die luistert alleen op deze computer)")(
                    scope, receive, send_with_headers
                )
            elif scope["path"].startswith("/api/") and _cross_site(headers, host):
                # A "simple request" (a form, text/plain) from any page the user visits needs no preflight:
                # without this, every web page could keep the workers busy. Following a link to / is fine.
                await _fault(403, CROSS_SITE)(scope, receive, send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            log.info("%s %s %d %.1f ms", scope["method"] if scope["method"] in METHODS else "(onbekend)", _loggable(scope["path"], self.known_paths), status, elapsed)


async def _read_body(request: Request, cap: int) -> bytes:
    """The body, refused as soon as it passes the cap (by its header, or while it streams in)."""
    too_big = Problem(413, f"zaak: het verzoek is te groot (maximaal {cap} bytes)")
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise Problem(400, "Content-Length is geen getal")
        if int(length) > cap:
            raise too_big
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap:
                raise too_big
            chunks.append(chunk)
    except ClientDisconnect:  # nobody left to answer; without this uvicorn would log a traceback
        raise Problem(400, "verzoek afgebroken door de client") from None
    return b"".join(chunks)


def _is_yaml(request: Request) -> bool:
    """JSON or YAML by the Content-Type; anything else (a form, text/plain: what another site can send unasked) is 415."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind not in BODY_TYPES:
        raise Problem(415, "verzoek: de body moet JSON (Content-Type: application/json) of YAML (application/yaml) zijn")
    return kind == YAML_TYPE


CASE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "De zaak als JSON, of als YAML met Content-Type application/yaml (zoals `rules evaluate zaak.yaml`).",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Case"}},
            "application/yaml": {"schema": {"$ref": "#/components/schemas/Case"}},
        },
    }
}
GUARDED: dict[int | str, dict[str, Any]] = {
    400: {"model": Fout, "description": "Een `Host`-header van elders terwijl de server alleen op loopback luistert, of een kapot verzoek."},
    403: {"model": Fout, "description": "Het verzoek komt van een andere website (`Origin` of `Sec-Fetch-Site`)."},
}
EVALUATED: dict[int | str, dict[str, Any]] = {
    **GUARDED,
    422: {
        "model": Fout,
        "description": "De zaak of een parameter klopt niet, of de beoordeling duurde langer dan `--tijdslimiet`.",
    },
    429: {
        "model": Fout,
        "description": "Dit clientadres heeft al `--per-client` verzoeken lopen of wachten (Retry-After).",
        "headers": {"Retry-After": {"schema": {"type": "string"}, "description": "Seconden om te wachten."}},
    },
    500: {"model": Fout, "description": "Interne fout (zonder details)."},
    503: {
        "model": Fout,
        "description": "Alle werkprocessen bleven bezet; probeer het opnieuw (Retry-After).",
        "headers": {"Retry-After": {"schema": {"type": "string"}, "description": "Seconden om te wachten."}},
    },
}
ERRORS: dict[int | str, dict[str, Any]] = {
    **EVALUATED,
    413: {"model": Fout, "description": "Het verzoek is groter dan `--max-omvang`, of het antwoord zou groter worden dan `--max-antwoord`."},
    415: {"model": Fout, "description": "De body is geen JSON (`application/json`) of YAML (`application/yaml`)."},
}
PEILDATUM = Query(
    None, description="Pas het recht toe dat op deze datum gold (JJJJ-MM-DD); standaard de peildatum van de zaak, anders vandaag."
)
GEMEENTE = Query(
    None, description="Gemeenteprofiel uit de catalogus (zie /api/versie); standaard dat van de server, anders dat van de zaak."
)
CATALOGUE_DAY = Query(None, description="Het recht van deze datum (JJJJ-MM-DD); standaard vandaag.")
VOLLEDIG = Query(False, description="Ook wat niet relevant is voor de aanbeveling.")
WHOLE_GRAPH = Query(
    False, description="Het besluit met de hele graaf (zelfstandig, om te archiveren); standaard alleen wat deze zaak toevoegt aan het regelsetdeel."
)
# A ruleset part never changes under its key: a client or proxy may keep it for good.
PART_CACHE = "public, max-age=31536000, immutable"


def _rendered(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The documented answers of an endpoint that returns a rendering in one of these formats."""
    binary = {"png"}
    content = {MEDIA_TYPES[f]: {"schema": {"type": "string", **({"format": "binary"} if f in binary else {})}} for f in formats}
    return {200: {"content": content}, **ERRORS}


# -- the application ---------------------------------------------------------------


def create_app(pool: Pool | None, limits: Limits) -> FastAPI:
    """The app; `pool` may be None to generate the OpenAPI document only."""
    app = FastAPI(
        title="weerbaar-rules",
        version=__version__,
        summary="Welk bestuurlijk instrument past bij deze zaak van ondermijning?",
        description=(
            "Beoordeel een zaak met dezelfde regels en dezelfde uitleg als `rules evaluate`. "
            "De server bewaart niets: geen zaak op schijf, in het toegangslog alleen methode, pad, status en tijd."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN; the page must work offline
        redoc_url=None,
        generate_unique_id_function=lambda route: route.name,  # operationId "beoordeling", not "beoordeling_api_beoordeling_post"
    )

    async def dispatch(request: Request, kind: str, peildatum: dt.date | None, gemeente: str | None, **options: Any) -> Response:
        assert pool is not None, "create_app(None, …) only describes the API"
        if kind in ("catalogus", "regelset"):
            body, yaml = b"", False
        else:
            yaml = _is_yaml(request)
            body = await _read_body(request, limits.max_bytes)
        job = Job(kind=kind, body=body, yaml=yaml, peildatum=peildatum, gemeente=gemeente, options=options)
        try:
            reply = await pool.run(job, request.client.host if request.client else "")
        except TooMany:
            raise Problem(
                429,
                f"te veel verzoeken tegelijk van dit adres (maximaal {pool.per_client}); wacht op een antwoord en probeer het dan opnieuw",
                {"Retry-After": "1"},
            ) from None
        except Busy:
            raise Problem(503, "alle werkprocessen zijn bezet; probeer het zo opnieuw", {"Retry-After": "1"}) from None
        except TimeLimit:
            raise Problem(422, f"zaak: de beoordeling duurde langer dan {limits.time_limit:g} s en is afgebroken") from None
        except WorkerLost:
            raise Problem(500, "interne fout: het werkproces stopte tijdens de beoordeling — meld dit") from None
        headers = {"Cache-Control": PART_CACHE, "ETag": f'"{options["sleutel"]}"'} if kind == "regelset" and reply.status == 200 else None
        return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=headers)

    def info() -> dict[str, Any]:
        assert pool is not None, "create_app(None, …) only describes the API"
        return pool.info

    @app.exception_handler(Problem)
    async def problem(_: Request, exc: Problem) -> Response:
        return _fault(exc.status, str(exc), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(_: Request, exc: RequestValidationError) -> Response:
        error = exc.errors()[0]
        name = ".".join(str(p) for p in error.get("loc", ())[1:]) or "verzoek"  # a parameter of ours, never the client's word
        return _fault(422, f"{name}: {validation_message(error)}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> Response:
        words = {404: "onbekend adres (zie /api/openapi.json)", 405: "deze methode kan hier niet"}
        return _fault(exc.status_code, words.get(exc.status_code, f"HTTP-fout {exc.status_code}"), dict(exc.headers or {}))

    # -- case in, decision out --

    @app.post(
        "/api/beoordeling",
        response_model=Decision,
        responses=ERRORS,
        openapi_extra=CASE_BODY,
        summary="Beoordeel een zaak: het besluit als JSON",
        description="Byte voor byte gelijk aan `rules evaluate zaak.json --format json` met dezelfde peildatum en gemeente "
        "(met `volledig`: `--format json --volledig`). De graaf bevat wat deze zaak toevoegt; het deel dat elk besluit van "
        "deze regelset deelt staat onder `/api/regelset/{sleutel}` (`graaf.regelsetdeel`).",
        tags=["zaak"],
    )
    async def beoordeling(
        request: Request, peildatum: dt.date | None = PEILDATUM, gemeente: str | None = GEMEENTE, volledig: bool = WHOLE_GRAPH
    ) -> Response:
        return await dispatch(request, "beoordeling", peildatum, gemeente, volledig=volledig)

    @app.post(
        "/api/rapport",
        response_class=Response,
        responses=_rendered("md", "text", "advies"),
        openapi_extra=CASE_BODY,
        summary="Het advies als Markdown (voor een adviesnota) of als tekst",
        description="Gelijk aan `rules evaluate zaak.json --format md` (of `text`). `advies`: wat de webpagina toont, als JSON "
        "(dezelfde volgorde, rangorde van ontbrekende feiten en namen als tekst en Markdown).",
        tags=["zaak"],
    )
    async def rapport(
        request: Request,
        formaat: Literal["md", "text", "advies"] = Query("md"),
        volledig: bool = VOLLEDIG,
        peildatum: dt.date | None = PEILDATUM,
        gemeente: str | None = GEMEENTE,
    ) -> Response:
        return await dispatch(request, "rapport", peildatum, gemeente, formaat=formaat, volledig=volledig)

    @app.post(
        "/api/graaf",
        response_class=Response,
        responses=_rendered("svg", "dot", "png"),
        openapi_extra=CASE_BODY,
        summary="De verklarende graaf als SVG (of DOT, PNG)",
        description="Gelijk aan `rules evaluate zaak.json --format svg`. Knopen van instrumenten en regels hebben als id `instrument:ID` en `regel:ID`.",
        tags=["zaak"],
    )
    async def graaf(
        request: Request,
        formaat: Literal["svg", "dot", "png"] = Query("svg"),
        volledig: bool = VOLLEDIG,
        peildatum: dt.date | None = PEILDATUM,
        gemeente: str | None = GEMEENTE,
    ) -> Response:
        return await dispatch(request, "graaf", peildatum, gemeente, formaat=formaat, volledig=volledig)

    @app.post(
        "/api/uitleg/{instrument}",
        response_model=Uitleg,
        responses={404: {"model": Fout, "description": "Onbekend instrument."}, **ERRORS},
        openapi_extra=CASE_BODY,
        summary="Waarom (niet) dit instrument?",
        description="De uitleg van `rules explain zaak.json INSTRUMENT`.",
        tags=["zaak"],
    )
    async def uitleg(
        request: Request, instrument: str, peildatum: dt.date | None = PEILDATUM, gemeente: str | None = GEMEENTE
    ) -> Response:
        return await dispatch(request, "uitleg", peildatum, gemeente, instrument=instrument)

    @app.post(
        "/api/zaak",
        response_class=Response,
        responses={200: {"content": {JSON_TYPE: {"schema": {"$ref": "#/components/schemas/Case"}}}}, **ERRORS},
        openapi_extra=CASE_BODY,
        summary="Controleer een zaak en geef haar terug als JSON",
        description="Leest JSON of YAML zoals `rules evaluate`; geeft de zaak terug met alleen de velden die erin stonden.",
        tags=["zaak"],
    )
    async def zaak(request: Request) -> Response:
        return await dispatch(request, "zaak", None, None)

    # -- what the server knows --

    @app.get(
        "/api/instrumenten",
        response_model=list[CatalogusInstrument],
        responses=EVALUATED,
        summary="De catalogus van instrumenten, met bevoegd gezag en grondslag zoals die op de peildatum golden",
        tags=["regels"],
    )
    async def instrumenten(request: Request, peildatum: dt.date | None = CATALOGUE_DAY) -> Response:
        return await dispatch(request, "catalogus", peildatum, None)

    @app.get(
        "/api/regelset/{sleutel}",
        response_class=Response,
        responses={
            200: {"content": {JSON_TYPE: {"schema": {"type": "object"}}}, "description": "Het regelsetdeel (`rules graaf --regelset`)."},
            304: {"description": "Ongewijzigd (`If-None-Match`): een regelsetdeel verandert nooit onder zijn sleutel."},
            404: {"model": Fout, "description": "Deze server kent geen regelsetdeel met deze sleutel."},
            **GUARDED,
        },
        summary="Het regelsetdeel van de graaf: wat elk besluit van deze regelset (en dit profiel) deelt, op sleutel",
        description="De sleutel staat in elk besluit als `graaf.regelsetdeel`: de hash van de regelset, met die van het profiel "
        "erachter (`<regelset_hash>.<profiel_hash>`). Het antwoord mag voor altijd bewaard worden.",
        tags=["regels"],
    )
    async def regelset(request: Request, sleutel: str = FastPath(..., pattern=KEY_PATTERN)) -> Response:
        if request.headers.get("if-none-match") == f'"{sleutel}"':
            return Response(status_code=304, headers={"Cache-Control": PART_CACHE, "ETag": f'"{sleutel}"'})
        return await dispatch(request, "regelset", None, None, sleutel=sleutel)

    @app.get("/api/schema/zaak", responses=GUARDED, summary="Het JSON Schema van een zaak (`rules schema`)", tags=["regels"])
    async def schema_zaak() -> dict[str, Any]:
        return case_schema()

    @app.get("/api/schema/besluit", responses=GUARDED, summary="Het JSON Schema van het besluit (`rules schema --besluit`)", tags=["regels"])
    async def schema_besluit() -> dict[str, Any]:
        return decision_schema()

    @app.get(
        "/api/versie", response_model=Versie, responses=GUARDED, summary="Versie van engine, regelset en profielen (met hashes)", tags=["server"]
    )
    async def versie() -> Any:
        return {key: info()[key] for key in ("engine_versie", "regelset", "standaardprofiel", "profielen")}

    @app.get(
        "/api/gezondheid",
        response_model=Gezondheid,
        responses=GUARDED,
        summary="Leeft de server, en hoeveel werkprocessen zijn bezig?",
        tags=["server"],
    )
    async def gezondheid() -> Any:
        assert pool is not None
        return {"status": "ok", "werkprocessen": pool.alive, "bezig": pool.busy}

    # -- the page --

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
                tags=None,
            )
            components = document.setdefault("components", {}).setdefault("schemas", {})
            _, top = models_json_schema([(Case, "validation")], ref_template="#/components/schemas/{model}")
            for name, schema in top.get("$defs", {}).items():
                # $id would move the base of every $ref inside it away from this document.
                schema = {k: v for k, v in schema.items() if k not in ("$id", "$schema")}
                if components.get(name, schema) != schema:
                    raise RuntimeError(f"two different schemas are called {name} in the OpenAPI document")
                components[name] = schema
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def asgi(app: FastAPI, limits: Limits) -> ASGIApp:
    known = {getattr(route, "path", "") for route in app.routes if "{" not in getattr(route, "path", "{")}
    known |= {f"/static/{path.name}" for path in STATIC.iterdir()}
    return Guard(app, limits.loopback_only, frozenset(known))
