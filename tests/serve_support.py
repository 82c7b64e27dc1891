"""A real `rules serve` process on loopback for the API and browser tests.

The server prints its address only after its workers have compiled the rules,
so the tests wait for that line (and then for /api/gezondheid) instead of
sleeping. Its stderr (the access log) is collected while it runs.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .conftest import RULES

STARTUP_SECONDS = 120.0


def rules_command() -> list[str]:
    script = Path(sys.executable).with_name("rules")
    return [str(script)] if script.exists() else [sys.executable, "-m", "weerbaar_rules.cli"]


class Response:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Server:
    """`rules serve --port 0` with the given options; `stop()` returns everything it wrote to stderr."""

    def __init__(self, *options: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        command = [*rules_command(), "serve", "--port", "0", "--regels", str(RULES), *options]
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env={**os.environ, **(env or {})}
        )
        self._stderr: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._threads = [threading.Thread(target=target, daemon=True) for target in (self._drain_stdout, self._drain_stderr)]
        for thread in self._threads:
            thread.start()
        try:
            self.url = self._wait_for_address()
            self._wait_for_health()
        except BaseException:
            self.stop()
            raise
        parts = urlsplit(self.url)
        self.host, self.port = parts.hostname or "", parts.port or 0

    def _drain_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def _drain_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self._stderr.append(line)

    def _wait_for_address(self) -> str:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"rules serve did not start in {STARTUP_SECONDS:.0f} s: {''.join(self._stderr)}") from None
            if line is None:
                raise AssertionError(f"rules serve stopped: {''.join(self._stderr)}")
            if "luistert op " in line:
                return line.split("luistert op ", 1)[1].split()[0].rstrip("/")

    def _wait_for_health(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        delay = 0.01
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/api/gezondheid").status == 200:
                    return
            except OSError:
                pass
            time.sleep(delay)  # polling with back-off, not synchronisation by sleeping
            delay = min(delay * 2, 0.5)
        raise AssertionError("rules serve never became healthy")

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 60.0,
    ) -> Response:
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=timeout)
        try:
            payload = body.encode("utf-8") if isinstance(body, str) else body
            conn.request(method, path, body=payload, headers=headers or {})
            response = conn.getresponse()
            return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            conn.close()

    def post(self, path: str, body: bytes | str, content_type: str = "application/json", **kwargs: Any) -> Response:
        return self.request("POST", path, body, {"Content-Type": content_type}, **kwargs)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for thread in self._threads:
            thread.join(10)
        return self.stderr
