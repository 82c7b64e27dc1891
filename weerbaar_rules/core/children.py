"""Helper programs (Graphviz's `dot`) that can never outlive the time they were given.

A child runs with a timeout and in a process group: on its own (the CLI, the
library), so a time-out kills the whole group; or, inside a server worker that
called `lead_own_group`, in the worker's group, so that the server killing the
worker with `killpg` (its own time limit) takes every child along instead of
leaving it to PID 1. Nothing is written to disk: input and output go through pipes.
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass

_in_worker_group = False


class ChildTimeout(Exception):
    """The child ran past its timeout and was killed with its group."""


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: bytes
    stderr: bytes


def lead_own_group() -> None:
    """Make this process the leader of a process group that its children join (a server worker calls this once)."""
    global _in_worker_group
    os.setpgid(0, 0)
    _in_worker_group = True


def kill_group(pid: int) -> None:
    """SIGKILL the process group led by `pid` (a worker and its children); quiet if it is gone already."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(args: list[str], data: bytes, timeout: float) -> Finished:
    """Run `args` with `data` on stdin; past `timeout` seconds the child (and its group) is killed and ChildTimeout raised."""
    group = os.getpgrp() if _in_worker_group else 0  # 0: a new group whose id is the child's pid
    with subprocess.Popen(
        args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, process_group=group
    ) as child:
        try:
            stdout, stderr = child.communicate(data, timeout=timeout)
        except BaseException as exc:
            if group == 0:
                kill_group(child.pid)
            child.kill()
            child.communicate()
            if isinstance(exc, subprocess.TimeoutExpired):
                raise ChildTimeout() from None
            raise
    return Finished(child.returncode, stdout, stderr)
