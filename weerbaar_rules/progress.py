"""A progress bar on stderr when it is a terminal, and nothing otherwise (a pipe, a file, CI).

One helper for every long command (a batch, `rules diff`): tqdm draws it, a
maintained library, so nothing here handles terminals by hand.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress(total: int | None, label: str) -> Iterator[Callable[[int], None]]:
    """Yields `advance(n)`; `total` None shows a count without a bar."""
    if not sys.stderr.isatty():
        yield lambda done: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=label, unit=f" {label}", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:

        def advance(done: int) -> None:
            bar.update(done)

        yield advance
