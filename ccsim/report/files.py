"""The output folder's plumbing: staging names, atomic writes of single files and of
a whole folder (``OutputDir``), and the removal of what a killed writer left.

A folder is written as a whole: every file goes into a hidden staging folder beside
it, and only when all are complete is the staging folder swapped in for the old one,
in one rename. A single file (``atomic_write_bytes``) is written to a hidden
temporary file and renamed over the final name. Staging names carry the writer's
process id (``.NAME.ccsim-PID-XXXX``); what a killed process left is removed by the
next write next to it.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

# The files a run writes into --out: a folder holding only these is replaced as a whole.
_ORDER = ("results.json", "intervals.csv", "groups.csv", "contacts.csv", "agents.csv",
          "intervals.parquet", "groups.parquet", "contacts.parquet")
OUTPUT_NAMES = frozenset(_ORDER)
_STAGING = re.compile(r"^\.(?P<name>.*)\.ccsim-(?:old-)?(?P<pid>\d+)-[A-Za-z0-9_]+(?:\.tmp)?$")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: someone else's process
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def sweep_stale(folder: Path, name: str | None = None) -> None:
    """Remove what writers that died (killed mid-write) left in *folder*: staging files and folders.

    name: only those of this final name. A staging folder of the old output left
    between the two renames of a swap on a file system without atomic exchange
    is put back if the output is missing.
    """
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _STAGING.match(entry.name)
        if not match or (name is not None and match["name"] != name) or _alive(int(match["pid"])):
            continue
        path = Path(entry.path)
        final = path.with_name(match["name"])
        if ".ccsim-old-" in entry.name and not os.path.lexists(final):
            with contextlib.suppress(OSError):
                os.rename(path, final)
                continue
        _remove(path)


def _staging_name(name: str, old: bool = False) -> str:
    return f".{name}.ccsim-{'old-' if old else ''}{os.getpid()}-"


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _name_the_file(exc: OSError, path: Path) -> OSError:
    """A failed write() says no file name; say which file it was."""
    if exc.filename is None:
        exc.filename = str(path)
    return exc


def stage_bytes(path: str | Path, data: bytes) -> Path:
    """Write *data* to a hidden temporary file beside *path* (flushed to disk); return its path.

    ``os.replace(staged, path)`` then puts it in place; on any failure nothing is left.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=_staging_name(path.name), suffix=".tmp", dir=path.parent)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes the file private; give it the usual mode
    except OSError as exc:
        _remove(Path(tmp))
        raise _name_the_file(exc, path) from None
    except BaseException:
        _remove(Path(tmp))
        raise
    return Path(tmp)


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write *data* to *path* via a temporary file and a rename."""
    staged = stage_bytes(path, data)
    try:
        os.replace(staged, path)
    except BaseException:
        _remove(staged)
        raise


def atomic_write_files(files: dict[Path, bytes]) -> None:
    """Write several files as a whole: every one staged (complete and flushed) beside its
    target first, then all renamed into place; if any fails to stage, none is replaced
    and nothing staged is left."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            staged.append((stage_bytes(path, data), Path(path)))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            _remove(tmp)
        raise


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write *text* (UTF-8) to *path* via a temporary file and a rename."""
    atomic_write_bytes(path, text.encode("utf-8"))


_RENAME_EXCHANGE = 2  # <linux/fs.h>
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # pragma: no cover - old C library
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # this file system cannot: two renames instead
    raise OSError(err, os.strerror(err), str(b))


class OutputDir:
    """A run's output folder, written as a whole.

    Files go into ``staging`` (a hidden folder beside *path*, or inside it when
    *path* also holds files that are not ccsim's); ``commit()`` swaps the
    complete staging folder in for the old one (one atomic exchange on Linux) or,
    for a folder shared with other files, renames ccsim's files into it and
    removes ccsim's files an earlier run left that this one did not write (a
    contacts.csv of an earlier ``--records``). Leaving the ``with`` block without
    ``commit()`` — an error, an interrupt — removes the staging folder and leaves
    *path* untouched; a process killed outright leaves only a hidden staging
    folder, removed by the next run next to it.

    names: the file names ccsim owns in this folder (default ``OUTPUT_NAMES``; add
    the report's when it goes there).
    """

    def __init__(self, path: str | Path, names: Iterable[str] = OUTPUT_NAMES):
        self.path = Path(path)
        self.names = frozenset(names)
        self.staging = self.path
        self.shared = False
        self._created: list[Path] = []
        self._done = False

    def _foreign(self) -> list[str]:
        try:
            entries = os.listdir(self.path)
        except FileNotFoundError:
            return []
        return [e for e in entries if e not in self.names and not _STAGING.match(e)]

    def __enter__(self) -> OutputDir:
        parent = self.path.absolute().parent
        missing = []
        for folder in (parent, *parent.parents):
            if folder.exists():
                break
            missing.append(folder)
        parent.mkdir(parents=True, exist_ok=True)
        self._created = missing  # removed again if the run fails
        sweep_stale(parent, self.path.name)
        if self.path.exists() and not self.path.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(self.path))
        here = Path.cwd().resolve()
        resolved = self.path.resolve()
        self.shared = self.path.exists() and (
            bool(self._foreign()) or os.path.ismount(self.path) or resolved == here or resolved in here.parents
            or not os.access(parent, os.W_OK))
        if self.shared:
            sweep_stale(self.path)
            self.staging = Path(tempfile.mkdtemp(prefix=_staging_name("out"), dir=self.path))
        else:
            self.staging = Path(tempfile.mkdtemp(prefix=_staging_name(self.path.name), dir=parent))
        os.chmod(self.staging, 0o777 & ~_umask())
        return self

    def final(self, path: str | Path) -> Path:
        """Where a file of the staging folder ends up (for messages)."""
        path = Path(path)
        try:
            return self.path / path.relative_to(self.staging)
        except ValueError:
            return path

    def commit(self) -> list[Path]:
        """Put the staging folder's files in place; return their final paths."""
        names = sorted(os.listdir(self.staging), key=lambda n: (_ORDER.index(n) if n in _ORDER else len(_ORDER), n))
        for name in names:
            _fsync_file(self.staging / name)
        if self.shared or self._foreign():
            self._commit_shared(names)
        elif not self.path.exists():
            os.rename(self.staging, self.path)
        elif _exchange(self.staging, self.path):
            _remove(self.staging)  # the old output, now under the staging name
        else:
            old = Path(tempfile.mkdtemp(prefix=_staging_name(self.path.name, old=True), dir=self.path.parent))
            os.rename(self.path, old)  # replaces the empty folder just made
            os.rename(self.staging, self.path)
            _remove(old)
        _fsync_dir(self.path.absolute().parent)
        self._done = True
        return [self.path / name for name in names]

    def _commit_shared(self, names: list[str]) -> None:
        for name in names:
            os.replace(self.staging / name, self.path / name)
        for stale in self.names - set(names):
            with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                (self.path / stale).unlink()
        with contextlib.suppress(OSError):
            os.rmdir(self.staging)
        _fsync_dir(self.path)

    def __exit__(self, *exc) -> None:
        if self._done:
            return
        _remove(self.staging)
        for folder in self._created:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()


def _fsync_file(path: Path) -> None:
    """Flush a staged file to disk before it is put in place (a late "no space" shows here)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except IsADirectoryError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
