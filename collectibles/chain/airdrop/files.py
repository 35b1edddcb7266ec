"""Files only their owner reads: the airdrop's folder (0700), journal, lock and report (0600).

The journal holds signed transactions and the report every column of the member file, so neither may be
readable by other users of the machine. New files are created under a 0077 umask (no window in which they are
readable), older ones are narrowed with ``chmod``. :func:`write_failure` turns the operating system's or
SQLite's complaint about a write (a full disk, a read-only folder) into words.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FILE_MODE = 0o600
"""The journal, its lock and SQLite's side files (``-journal``, ``-wal``, ``-shm``): the owner's alone."""
FOLDER_MODE = 0o700
"""A folder the journal creates (the script's ``airdrops/``): the owner's alone."""
SIDE_FILES = ("-journal", "-wal", "-shm", ".lock")


def make_private_folder(folder: str | Path) -> Path:
    """Create ``folder`` (and its parents) if needed and make it readable by its owner only (0700)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    folder.chmod(FOLDER_MODE)
    return folder


def make_private_files(path: Path) -> None:
    """Make the journal and every side file of it that exists 0600 (an older journal may be 0644)."""
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        try:
            candidate.chmod(FILE_MODE)
        except FileNotFoundError:
            continue


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside are their owner's alone (umask 0077); the old umask after."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def write_failure(err: BaseException) -> str:
    """What went wrong writing a file, in words: the disk is full, the folder is read-only…"""
    if isinstance(err, OSError):
        if err.errno == errno.ENOSPC:
            return "the disk is full"
        if err.errno == errno.EROFS:
            return "the file system is read-only"
        if err.errno in (errno.EACCES, errno.EPERM):
            return "permission denied"
        return err.strerror or str(err)
    text = str(err)
    if "full" in text:
        return "the disk is full"
    if "readonly" in text or "read-only" in text:
        return "the journal is read-only"
    return text
