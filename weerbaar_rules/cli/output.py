"""Writing an output file so that it is complete or not there, and never replaces what it must not.

`-o PAD` must not destroy what is at that path. The output is written beside
the target and renamed over it only when complete: a failure, an interrupt or
a killed process leaves the target as it was. Where the system allows it
(Linux, O_TMPFILE), the file being written has no name until it is complete,
so even a SIGKILL leaves nothing behind. A symbolic link, a device (such as
/dev/null), a FIFO or a directory at the target is refused instead of being
replaced by a regular file; an existing file keeps its permissions and owner,
a new one gets the permissions the umask allows (not tempfile's 0600).
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

from ..core.errors import OutputError

_NO_TMPFILE = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_target(target: Path) -> os.stat_result | None:
    """Refuse a target that is not a regular file (or absent) in an existing directory; return its stat if it exists."""
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise OutputError(f"{target}: de map {directory} bestaat niet")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"{target}: is een symbolische link; geef het bestand zelf als uitvoer")
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{target}: is een map, geen bestand")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{target}: is geen gewoon bestand (apparaat, FIFO of socket); dat wordt niet overschreven")
    return info


class AtomicFile:
    """A binary output file that replaces `target` only on `commit()`; use as a context manager."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._existing = check_target(target)
        self._directory = target.parent if str(target.parent) else Path(".")
        self._named: str | None = None
        try:
            if not os.path.isdir("/proc/self/fd"):
                raise AttributeError
            fd = os.open(self._directory, os.O_TMPFILE | os.O_RDWR, 0o600)
        except (AttributeError, OSError) as exc:
            if isinstance(exc, OSError) and exc.errno not in _NO_TMPFILE:
                raise OutputError(f"{target}: kan niet schrijven in {self._directory} ({exc.strerror})") from None
            fd = self._named_file()
        self._stream = os.fdopen(fd, "w+b")

    def _named_file(self) -> int:
        try:
            fd, self._named = tempfile.mkstemp(dir=self._directory, prefix=".rules-", suffix=".tmp")
        except OSError as exc:
            raise OutputError(f"{self.target}: kan niet schrijven in {self._directory} ({exc.strerror})") from None
        return fd

    def write(self, data: bytes) -> None:
        self._stream.write(data)

    def commit(self) -> None:
        fd = self._stream.fileno()
        self._stream.flush()
        if self._existing is not None:
            os.fchmod(fd, stat.S_IMODE(self._existing.st_mode))
            try:
                os.fchown(fd, self._existing.st_uid, self._existing.st_gid)
            except PermissionError:
                pass  # not ours to give away; the mode is kept
        else:
            os.fchmod(fd, 0o666 & ~_umask())
        if self._named is None:
            self._name_unnamed(fd)
        self._stream.close()
        check_target(self.target)  # nothing odd appeared there while we wrote
        assert self._named is not None
        os.replace(self._named, self.target)
        self._named = None

    def _name_unnamed(self, fd: int) -> None:
        """Give the unnamed (O_TMPFILE) file a name beside the target, so it can replace the target in one step."""
        proc = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
        try:
            for attempt in range(100):
                name = str(self._directory / f".rules-{os.getpid()}-{attempt}.tmp")
                try:
                    # a dir fd makes os.link use linkat(..., AT_SYMLINK_FOLLOW): that links the open file itself
                    os.link(f"self/fd/{fd}", name, src_dir_fd=proc, follow_symlinks=True)
                except FileExistsError:
                    continue
                except OSError:
                    break
                self._named = name
                return
        finally:
            os.close(proc)
        # no linkat through /proc here: copy into a named temporary file instead
        self._stream.seek(0)
        named = os.fdopen(self._named_file(), "wb")
        with named:
            while block := self._stream.read(1 << 20):
                named.write(block)
            os.fchmod(named.fileno(), os.fstat(fd).st_mode & 0o7777)

    def discard(self) -> None:
        if not self._stream.closed:
            self._stream.close()
        if self._named is not None:
            Path(self._named).unlink(missing_ok=True)
            self._named = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def write_file(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically (see the module docstring)."""
    with AtomicFile(target) as out:
        out.write(data)


def report_directory(directory: Path) -> Path:
    """A directory for one report per case: made if missing (its parent must exist), refused if something else is there."""
    try:
        info = os.lstat(directory)
    except FileNotFoundError:
        parent = directory.parent if str(directory.parent) else Path(".")
        if not parent.is_dir():
            raise OutputError(f"{directory}: de map {parent} bestaat niet") from None
        directory.mkdir()
        return directory
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{directory}: is geen map; voor een rapport per zaak geeft -o een map")
    return directory
