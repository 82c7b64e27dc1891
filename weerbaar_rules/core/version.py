"""The engine's version, in a module of its own: the receipt of every decision names it, and
modules that need it must not import the package root (which imports them)."""

__version__ = "0.1.0"
