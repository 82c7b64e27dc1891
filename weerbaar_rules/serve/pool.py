"""A small pool of evaluation processes with a time limit per job.

`concurrent.futures` cannot stop one job that runs too long (its process pool
can only be shut down whole), so this pool keeps one pipe per process: a job
is sent to an idle process, the event loop waits until the pipe is readable or
the time limit passes, and on time-out the process is killed and replaced in
the background. Jobs that find every process busy wait in line, up to a limit,
and a process that comes free goes to the client that was served longest ago.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ..core.children import kill_group
from ..core.errors import WeerbaarError
from .worker import Job, Reply, Settings, serve_forever

log = logging.getLogger("weerbaar_rules.serve")

STARTUP_SECONDS = 120.0


class ServeError(WeerbaarError):
    """The server cannot start with these settings (like bad input to the CLI: exit 2)."""

    exit_code = 2


class Busy(Exception):
    """Every process stayed busy longer than the queue allows."""


class TimeLimit(Exception):
    """A job ran past the time limit; its process was killed."""


class WorkerLost(Exception):
    """A process died during a job (a crash in native code, killed from outside)."""


class _Process:
    """One worker process and its end of the pipe."""

    def __init__(self, settings: Settings) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process that runs an event loop
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=serve_forever, args=(child, settings), daemon=True, name="rules-serve-worker"
        )
        self.process.start()
        child.close()

    def ready(self, message: Any) -> dict[str, Any]:
        """The worker's first message: its engines' identity, or why it could not start."""
        if message[0] == "fout":
            self.stop()
            raise ServeError(message[1])
        return dict(message[1])

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(2)
        if self.process.exitcode is None:
            self.kill()
        self.conn.close()

    def kill(self) -> None:
        """SIGKILL the worker's whole process group: it and any Graphviz it started (core/children.py).

        Called before the worker is reaped (alive, or a zombie that still holds its pid), so the group
        id cannot belong to anyone else yet.
        """
        if self.process.pid is not None:
            kill_group(self.process.pid)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)
        self.conn.close()


async def _readable(conn: Connection, timeout: float) -> bool:
    """Wait until the pipe has data (or EOF) without a thread; False on time-out."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not future.done():
            future.set_result(None)

    loop.add_reader(conn.fileno(), wake)
    try:
        await asyncio.wait_for(future, timeout)
        return True
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(conn.fileno())


class TooMany(Exception):
    """This client already has as many requests running or waiting as one client may."""


@dataclass(eq=False)
class _Waiter:
    client: str
    future: asyncio.Future[_Process]
    order: int


class Pool:
    """`size` worker processes; `run` sends a job to an idle one and waits at most `time_limit` seconds.

    Fair to clients (keyed by peer address): one client has at most `per_client` jobs running or
    waiting (more is TooMany, 429), and a process that comes free goes to the waiting job of the
    client that was served longest ago, so a client with a queue of slow cases cannot make another
    wait for that whole queue.
    """

    def __init__(self, settings: Settings, size: int, time_limit: float, queue_wait: float, per_client: int = 4) -> None:
        self.settings = settings
        self.size = size
        self.time_limit = time_limit
        self.queue_wait = queue_wait
        self.per_client = per_client
        self.info: dict[str, Any] = {}
        self._all: list[_Process] = []
        self._free: list[_Process] = []
        self._waiting: list[_Waiter] = []
        self._jobs: dict[str, int] = {}  # client -> jobs running or waiting
        self._served: dict[str, int] = {}  # client -> when it last got a process (a counter)
        self._clock = itertools.count()
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self) -> None:
        """Start every process and wait until each has compiled its engines; a bad ruleset stops here."""
        processes = [_Process(self.settings) for _ in range(self.size)]
        self._all = processes
        deadline = time.monotonic() + STARTUP_SECONDS
        try:
            for proc in processes:
                if not proc.conn.poll(max(0.0, deadline - time.monotonic())):
                    raise ServeError(f"een werkproces was na {STARTUP_SECONDS:.0f} s nog niet klaar met het laden van de regels")
                try:
                    self.info = proc.ready(proc.conn.recv())
                except EOFError:
                    raise ServeError("een werkproces stopte tijdens het opstarten (zie de meldingen hierboven)") from None
        except BaseException:
            self.close()
            raise
        self._free = list(processes)

    @property
    def alive(self) -> int:
        return len(self._all)

    @property
    def busy(self) -> int:
        return len(self._all) - len(self._free)

    async def run(self, job: Job, client: str = "") -> Reply:
        if self._jobs.get(client, 0) >= self.per_client:
            raise TooMany()
        self._jobs[client] = self._jobs.get(client, 0) + 1
        try:
            return await self._run(job, client)
        finally:
            self._jobs[client] -= 1
            if not self._jobs[client]:
                del self._jobs[client]
                self._served.pop(client, None)

    async def _run(self, job: Job, client: str) -> Reply:
        proc = await self._take(client)
        try:
            proc.conn.send(job)
        except OSError:
            # It died while idle (the OOM killer, a kill from outside) and never saw this job: give it to another.
            self._replace(proc)
            proc = await self._take(client)
            try:
                proc.conn.send(job)
            except OSError:
                self._replace(proc)
                raise WorkerLost() from None
        done = False
        try:
            if not await _readable(proc.conn, self.time_limit):
                raise TimeLimit()
            try:
                reply: Reply = proc.conn.recv()
            except (EOFError, OSError):
                raise WorkerLost() from None  # it died on this job: not retried, the next one might die the same way
            done = True
            return reply
        finally:
            if done:
                self._give(proc)
            else:  # timed out, died, or the request was cancelled mid-job: this process cannot be trusted with the next one
                self._replace(proc)

    async def _take(self, client: str) -> _Process:
        """A free process, waiting at most `queue_wait`; none is lost when the wait ends or the request is cancelled."""
        if self._free and not self._waiting:
            self._served[client] = next(self._clock)
            return self._free.pop()
        waiter = _Waiter(client, asyncio.get_running_loop().create_future(), next(self._clock))
        self._waiting.append(waiter)
        try:
            await asyncio.wait({waiter.future}, timeout=self.queue_wait)  # neither a time-out nor a cancel cancels the future
        except asyncio.CancelledError:
            if waiter.future.done():
                self._give(waiter.future.result())
            raise
        finally:
            if waiter in self._waiting:
                self._waiting.remove(waiter)
        if waiter.future.done():
            return waiter.future.result()
        waiter.future.cancel()
        raise Busy()

    def _give(self, proc: _Process) -> None:
        """A process is free: to the waiting client served longest ago (first come among equals), else to the free list."""
        waiting = [w for w in self._waiting if not w.future.done()]
        if not waiting:
            self._free.append(proc)
            return
        chosen = min(waiting, key=lambda w: (self._served.get(w.client, -1), w.order))
        self._waiting.remove(chosen)
        self._served[chosen.client] = next(self._clock)
        chosen.future.set_result(proc)

    def _replace(self, proc: _Process) -> None:
        proc.kill()
        self._all.remove(proc)
        task = asyncio.get_running_loop().create_task(self._start_one())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_one(self) -> None:
        proc = _Process(self.settings)
        self._all.append(proc)
        try:
            if not await _readable(proc.conn, STARTUP_SECONDS):
                raise ServeError("vervangend werkproces startte niet op tijd")
            proc.ready(proc.conn.recv())
        except (ServeError, EOFError, OSError) as exc:
            log.error("werkproces kon niet opnieuw starten (%s); nog %d over", type(exc).__name__, len(self._all) - 1)
            self._all.remove(proc)
            proc.kill()
            return
        self._give(proc)

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for proc in self._all:
            proc.stop()
        self._all = []
