"""A cache of loaded and compiled rulesets, so that a new process does not parse and validate them again.

`rules evaluate` on one case spends most of its start reading the ruleset:
parsing about fifteen YAML files with line numbers, validating some 120 rules
with pydantic, checking references and validity periods, and compiling the
rules into durable_rules strata (together ≈ 0,1–0,15 s). The result depends
only on the files' bytes, the names they were read under (rule sources say
`file:line`), the profile and the code that reads them, so it is stored once,
pickled, and read back on the next start.

What makes it safe:

* The key is a SHA-256 over everything the result depends on: every ruleset
  file (its name and content hash, in the order `ruleset_files` gives), the
  directory and profile path as given, the profile's content, the package
  version, a fingerprint of the package's own code (name, size and mtime of
  every module, so an edited checkout or a reinstall never reuses an older
  result) and the versions of Python, pydantic and PyYAML. A stale entry is
  never found, because its key no longer matches.
* Only a ruleset that loaded without error is stored; a ruleset with an error
  is read the normal way every time, so its message is exactly what
  `load_ruleset` says.
* An entry that cannot be read (truncated, from another Python, not ours) is
  ignored and rebuilt. The file repeats its key inside, and is read only when
  it and its directory belong to this user and nobody else may write them
  (pickle runs code, so a file someone else could have placed is never opened).
* Entries are written atomically (a temporary file in the same directory,
  then `os.replace`), so a parallel start sees the old entry or the new one,
  never half of one. When the cache cannot be written (read-only home), the
  engine simply works without it.

Where: `$XDG_CACHE_HOME/weerbaar-rules`, else `~/.cache/weerbaar-rules`;
`WEERBAAR_CACHE=0` switches it off, `WEERBAAR_CACHE=<map>` puts it elsewhere.
Only the ruleset is stored, never a case.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from ..core.version import __version__
from ..engine.compiler import Program
from ..language.ruleset import Ruleset, ruleset_files

FORMAT = "weerbaar-rules-regelsetcache-1"
KEEP = 32  # entries kept; older ones are removed when a new one is written
PACKAGE = Path(__file__).resolve().parent.parent
OFF = ("0", "uit", "nee", "false", "no", "off")


def directory() -> Path | None:
    """The cache directory, or None when the cache is switched off (`WEERBAAR_CACHE=0`)."""
    setting = os.environ.get("WEERBAAR_CACHE", "").strip()
    if setting.lower() in OFF:
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and os.path.isabs(base):
        return Path(base) / "weerbaar-rules"
    return Path.home() / ".cache" / "weerbaar-rules"


def _code_fingerprint() -> str:
    """Name, size and mtime of every module of the package: any change to the code gives another key."""
    digest = hashlib.sha256()
    for root, dirs, names in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and d != "rulesets")
        for name in sorted(names):
            if name.endswith(".py"):
                info = os.stat(os.path.join(root, name))
                digest.update(f"{os.path.relpath(os.path.join(root, name), PACKAGE)}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _library_versions() -> str:
    import pydantic
    import yaml

    return f"python {sys.version}; pydantic {pydantic.VERSION}; pyyaml {getattr(yaml, '__version__', '?')}"


def key(rules: Path, profile: Path | None) -> str | None:
    """The key of this ruleset and profile as they are on disk now; None when they cannot be read (the loader says why)."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{__version__}\0{_code_fingerprint()}\0{_library_versions()}\0".encode())
    digest.update(f"regels\0{rules}\0".encode("utf-8", "surrogateescape"))
    try:
        if not rules.is_dir():
            return None
        files = ruleset_files(rules)
        if not files:
            return None
        for path in files:
            digest.update(f"{path.relative_to(rules)}\0".encode("utf-8", "surrogateescape"))
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        digest.update(f"profiel\0{profile}\0".encode("utf-8", "surrogateescape"))
        if profile is not None:
            digest.update(hashlib.sha256(Path(profile).read_bytes()).digest())
    except (OSError, ValueError):
        return None
    return digest.hexdigest()


def _private(path: Path) -> bool:
    """Owned by this user, and writable by nobody else."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load(entry_key: str) -> Program | None:
    """The compiled ruleset stored under this key, or None (absent, unreadable, not ours, or another key)."""
    where = directory()
    if where is None:
        return None
    path = where / f"{entry_key}.pickle"
    try:
        if not path.is_file() or not _private(where) or not _private(path):
            return None
        with path.open("rb") as handle:
            stored: Any = pickle.load(handle)
    except Exception:  # noqa: BLE001 - anything wrong with an entry means: rebuild it
        return None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != entry_key:
        return None
    program = stored.get("program")
    if not isinstance(program, Program) or not isinstance(program.ruleset, Ruleset):
        return None
    return program


def store(entry_key: str, program: Program) -> None:
    """Write the compiled ruleset under its key, atomically; a cache that cannot be written is left alone."""
    where = directory()
    if where is None:
        return
    try:
        payload = pickle.dumps({"format": FORMAT, "key": entry_key, "program": program}, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - something in the ruleset does not pickle: work without the cache
        return
    temporary: str | None = None
    try:
        where.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(where):
            return
        descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=".pickle", dir=where)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
        os.replace(temporary, where / f"{entry_key}.pickle")
        temporary = None
        _prune(where)
    except OSError:
        return
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


def _prune(where: Path) -> None:
    """Keep the KEEP most recently written entries: every edit of a ruleset makes a new one."""
    entries = []
    for path in where.glob("*.pickle"):
        try:
            entries.append((path.stat().st_mtime_ns, path.name, path))
        except OSError:
            continue
    for _, _, path in sorted(entries, reverse=True)[KEEP:]:
        try:
            path.unlink()
        except OSError:
            pass


__all__ = ["directory", "key", "load", "store"]
