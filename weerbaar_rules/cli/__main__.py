"""`python -m weerbaar_rules.cli`: the `rules` command without its console script (tests, benchmarks)."""

from .commands import main

main()
