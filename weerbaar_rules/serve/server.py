"""Starting `rules serve`: bind the socket, start the evaluation processes, run uvicorn, stop cleanly.

The socket is bound and the workers have compiled their engines before the
first line is printed, so whoever starts the server (a person, a test, a
service manager) can wait for that line instead of guessing with a sleep; a
bad ruleset or a port in use is one line and exit code 2, like the CLI.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import sys

import click
import uvicorn

from .app import Limits, asgi, create_app
from .pool import Pool, ServeError
from .worker import Settings

QUEUE_WAIT = 30.0  # seconds a request may wait for a free worker before it gets 503
MAX_CONNECTIONS = 100  # uvicorn answers 503 beyond this; each pending body may hold up to --max-omvang


def openapi_text() -> str:
    """The OpenAPI document as committed in docs/openapi.json (deterministic)."""
    app = create_app(None, Limits(max_bytes=0, time_limit=0, loopback_only=True))
    return json.dumps(app.openapi(), ensure_ascii=False, indent=2) + "\n"


def _bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except socket.gaierror as exc:
        raise ServeError(f"--host {host}: onbekend adres ({exc.strerror})") from None
    except OSError as exc:
        raise ServeError(f"{host}:{port}: kan hier niet luisteren ({exc.strerror})") from None
    return sock


def _loopback(sock: socket.socket) -> bool:
    return ipaddress.ip_address(sock.getsockname()[0]).is_loopback


def run(settings: Settings, host: str, port: int, workers: int, max_bytes: int, per_client: int) -> None:
    time_limit = settings.time_limit
    logging.basicConfig(format="%(asctime)s %(message)s", level=logging.INFO, stream=sys.stderr)
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    sock = _bind(host, port)
    pool = Pool(settings, workers, time_limit, QUEUE_WAIT, per_client)
    try:
        pool.start()
        limits = Limits(max_bytes=max_bytes, time_limit=time_limit, loopback_only=_loopback(sock))
        config = uvicorn.Config(
            asgi(create_app(pool, limits), limits),
            lifespan="off",
            log_config=None,
            access_log=False,  # uvicorn's would log the client address and the query string
            server_header=False,
            limit_concurrency=MAX_CONNECTIONS,
        )
        bound_host, bound_port = sock.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        if not limits.loopback_only:
            click.echo(
                "let op: de server is bereikbaar vanaf het netwerk, zonder inlog en zonder versleuteling; "
                "zet er een proxy met TLS en toegangscontrole voor",
                err=True,
            )
        processes = "1 werkproces" if workers == 1 else f"{workers} werkprocessen"
        click.echo(f"weerbaar-rules luistert op http://{shown}:{bound_port}/ ({processes}; Ctrl-C stopt)")
        sys.stdout.flush()
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        pool.close()
        sock.close()
