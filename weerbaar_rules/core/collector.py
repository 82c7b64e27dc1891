"""Keep Python's cyclic garbage collector off the engine a `rules` process builds at its start.

Building an engine (the parsed rules, the compiled strata) allocates many
objects and frees almost none, so the collections it triggers find nothing;
and those objects, with everything imported before them, live until the
process ends, where one last full collection walks them all again. That was
about a sixth of the cold start of `rules evaluate`. `long_lived` pauses the
collector while such objects are built and then freezes everything alive
(`gc.freeze`: later collections, the one at exit included, skip it). Garbage
made afterwards is collected as always.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def long_lived() -> Iterator[None]:
    """No automatic collection inside the block; afterwards all objects alive stay alive for the process.

    Freezing before the collector is on again also empties its youngest
    generation: else the first allocation after the block would walk every
    object the block made. Garbage made inside the block and not yet freed is
    kept too (for an engine built once per process, little).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
