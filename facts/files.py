"""Opening input files: regular files only, read with a size bound.

A named pipe, a socket or a device given where a file is expected would block
a reader forever (a FIFO with no writer) or never end (`/dev/zero`), so every
reader of an input file goes through `open_regular` or `read_regular`: the
path is checked with `os.stat` before it is opened, and opened non-blocking
then checked again with `fstat`, so a file swapped for a pipe in between
cannot block either.
"""
from __future__ import annotations

import errno
import os
import stat
import io

from shequn.errors import ShequnError


class NotRegularFileError(ShequnError, OSError):
    """An input path that is not a regular file (a pipe, a socket, a device, a directory)
    or a file larger than its reader's bound. An `OSError` too, so every reader that
    already says "cannot read" for an unreadable file says it for this one."""

    code = "file"

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(errno.EINVAL, problem, path)
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"

    def messages(self) -> list[str]:
        return [str(self)]


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _check(path: str, mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = _kind(mode)
        what = kind if kind.startswith("not ") else f"is {kind}, not a regular file"
        raise NotRegularFileError(path, what)


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether the path names a regular file (following symlinks); False when it does not exist."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def open_regular(path: str | os.PathLike[str]) -> io.BufferedReader:
    """Open a regular file for binary reading; raise NotRegularFileError for anything else
    (and the usual OSError, e.g. FileNotFoundError, when it cannot be opened)."""
    name = os.fspath(path)
    _check(str(name), os.stat(name).st_mode)
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        _check(str(name), os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_regular(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; NotRegularFileError otherwise."""
    with open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        data = fh.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:
        raise NotRegularFileError(os.fspath(path).__str__(), f"file too large ({max(size, len(data)):,} bytes; limit {limit:,})")
    return data
