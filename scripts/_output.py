"""What the scripts print besides their results: one JSON object on the last line of stdout (``--json``), and
the progress of a long run on stderr.

Progress never touches stdout, so ``--json`` stays the last stdout line. On a terminal it is a bar with the
rate and time left (``rich``, which Ape already brings); anywhere else (cron, CI, ``nohup``) it is a plain
line every few seconds, as logs want it: members done, the rate, and what the run last said it was doing
(signing, waiting for a receipt…), so a slow chain is never minutes of silence.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Mapping
from typing import IO, Any, Self

import click

PLAIN_INTERVAL = 5.0
"""Seconds between two plain progress lines when stderr is not a terminal."""
STALL_AFTER = 10.0
"""Seconds without a member done after which a plain line says for how long nothing moved."""


def emit_json(results: Mapping[str, Any]) -> None:
    """Print ``results`` as one JSON object on one line (the last line the script prints)."""
    click.echo(json.dumps(results, sort_keys=True, default=str))


class Progress:
    """Members done out of ``total``, on stderr: a bar on a terminal, else a plain line every few seconds.

    Use as a context manager; :meth:`advance` counts members done, :meth:`status` says what the run is
    doing or waiting for.
    """

    def __init__(self, total: int, label: str = "airdrop", stream: IO[str] | None = None):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.doing = "starting"
        self._started = time.monotonic()
        self._last_advance = self._started
        self._first_done: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Self:
        if _is_terminal(self.stream):
            self._bar, self._task = _rich_bar(self.stream, self.label, self.total)
            self._bar.start()
        else:
            self._line()
            self._thread = threading.Thread(target=self._every_few_seconds, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=PLAIN_INTERVAL)
            self._line()
        if self._bar is not None:
            self._bar.stop()

    def advance(self, members: int) -> None:
        """``members`` more are done (the first call counts what an earlier run had done)."""
        if self._first_done is None:
            self._first_done = members
            self._started = time.monotonic()
        self.done += members
        self._last_advance = time.monotonic()
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)

    def status(self, text: str) -> None:
        """What the run is doing or waiting for now (its last log line)."""
        self.doing = " ".join(text.split())
        if self._bar is not None:
            self._bar.update(self._task, description=f"{self.label}: {self.doing[:40]}")

    def rate(self) -> float:
        """Members a second done by this run (not counting what an earlier run had done)."""
        elapsed = time.monotonic() - self._started
        now = self.done - (self._first_done or 0)
        return now / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The plain progress line: members done, rate, what the run is doing (and for how long, if stalled)."""
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        idle = time.monotonic() - self._last_advance
        stalled = f" (no progress for {idle:.0f}s)" if idle >= STALL_AFTER else ""
        return (
            f"{self.label}: {self.done:,}/{self.total:,} members{share}, "
            f"{self.rate():,.1f} members/s; {self.doing}{stalled}"
        )

    def _line(self) -> None:
        print(self.line(), file=self.stream, flush=True)

    def _every_few_seconds(self) -> None:
        while not self._stop.wait(PLAIN_INTERVAL):
            self._line()


def _is_terminal(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _rich_bar(stream: IO[str], label: str, total: int) -> tuple[Any, Any]:
    """A ``rich`` progress bar on ``stream``: description, bar, percentage, members, rate, time left."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        Task,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Members a second, as rich measures it over the last updates."""

        def render(self, task: Task) -> Text:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:,.0f} members/s" if speed else "- members/s")

    bar = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeRemainingColumn(),
        console=Console(file=stream),
    )
    return bar, bar.add_task(label, total=total)
