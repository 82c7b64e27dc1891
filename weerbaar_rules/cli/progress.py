"""A progress bar on stderr when it is a terminal, and nothing otherwise (a pipe, a file, CI).

One helper for every long command (a batch, `rules diff`): tqdm draws it, a
maintained library, so nothing here handles terminals by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Advance = Callable[..., None]
"""`advance(done, total=None)`: `done` more cases are finished; a `total` learned on the way sets the bar's end."""


@contextmanager
def progress(total: int | None, label: str) -> Iterator[Advance]:
    """Yields `advance`; `total` None shows a count without a bar until a total is given."""
    if not sys.stderr.isatty():
        yield lambda done, total=None: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit=f" {label}", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:

        def advance(done: int, total: int | None = None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
                bar.refresh()
            bar.update(done)

        yield advance
