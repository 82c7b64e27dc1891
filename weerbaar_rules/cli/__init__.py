"""The `rules` command: evaluate, batch, explain, test, check, diff, migrate, schema, serve.

`main` is the console script. Dutch help and messages; bad input is one line naming file and place, exit 2.
"""

from __future__ import annotations

from .commands import main

__all__ = ["main"]
