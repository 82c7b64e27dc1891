"""Keep Python's cyclic garbage collector off the long-lived objects a `rules` process builds at its start.

Importing the package (some forty pydantic models, eighty dataclasses) and
building an engine (the parsed rules, the compiled strata) allocate many
objects and free almost none, so the collections they trigger find nothing;
and the objects live until the process ends, where one last full collection
walks them all again. Together that was about a sixth of the cold start of
`rules evaluate`. Pausing the collector while they are built, and then
freezing them (`gc.freeze`: later collections, the one at exit included, skip
them), removes that work and changes nothing else: garbage made afterwards is
collected as always.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No automatic collection inside the block (unless the caller had already turned it off, it is on again after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def keep() -> None:
    """Everything alive now stays alive for the process: later collections need not look at it."""
    gc.freeze()
