"""The engine a caller holds: evaluate cases into explained decisions (public as `weerbaar_rules.Engine`)."""

from __future__ import annotations

from .engine import Engine, shared_engine

__all__ = ["Engine", "shared_engine"]
