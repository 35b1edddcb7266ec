"""Debian's headless Chromium, driven over the DevTools protocol (CDP) with websockets' sync client.

`make browser` installs /usr/bin/chromium. Chromium starts with a new empty profile and with its background
networking off (on a closed network it otherwise hangs on, or floods, refused connections), and with
`--remote-debugging-port=0`: it picks a free port and writes it to `DevToolsActivePort` in the profile.

A cold start is slow: on an idle CI machine whose page cache was reclaimed, Chromium took 26 s to write that file
(0.25 s warm), so the start timeout is generous and a start that still fails says what Chromium printed.
"""

from __future__ import annotations

import base64
import itertools
import json
import subprocess
import tempfile
import time
import urllib.request
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in CI
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


class Page:
    """One tab: `send` a CDP command and get its result; events that arrive meanwhile are kept."""

    def __init__(self, ws_url: str):
        self._ws = connect(ws_url, max_size=None, open_timeout=10)
        self._ids = itertools.count(1)
        self.events: deque[dict[str, Any]] = deque()

    def close(self) -> None:
        self._ws.close()

    def send(self, method: str, timeout: float = 30, **params: Any) -> dict[str, Any]:
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline, method)
            if message.get("id") == msg_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        """The params of the first `event` received (already, or within `timeout`)."""
        for message in list(self.events):
            if message.get("method") == event:
                self.events.remove(message)
                return message.get("params", {})
        deadline = time.monotonic() + timeout
        while True:
            message = self._receive(deadline, event)
            if message.get("method") == event:
                return message.get("params", {})
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (awaited if it is a promise)."""
        result = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, timeout: float = 30) -> None:
        """Navigate and wait for the load event (every image fetched or failed)."""
        self.send("Page.enable")
        result = self.send("Page.navigate", url=url)
        if result.get("errorText"):
            raise RuntimeError(f"cannot open {url}: {result['errorText']}")
        self.wait_for("Page.loadEventFired", timeout)

    def screenshot(self, path: Path, width: int = 1200) -> Path:
        """A PNG of the whole page (not just the viewport) at `width` CSS pixels."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=800,
            deviceScaleFactor=1,
            mobile=False,
        )
        size = self.send("Page.getLayoutMetrics")["cssContentSize"]
        shot = self.send(
            "Page.captureScreenshot",
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def _receive(self, deadline: float, waiting_for: str) -> dict[str, Any]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no answer to {waiting_for}")
        try:
            return json.loads(self._ws.recv(timeout=remaining))
        except TimeoutError:
            raise TimeoutError(f"no answer to {waiting_for}") from None


@contextmanager
def headless_chromium(start_timeout: float = 120) -> Iterator[Page]:
    """Start Chromium with a fresh profile, yield its first tab, and always kill it afterwards."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as scratch:
        profile = Path(scratch) / "profile"
        log = Path(scratch) / "stderr.log"
        with log.open("wb") as stderr:
            process = subprocess.Popen(
                [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        page = None
        try:
            port = _devtools_port(profile, process, start_timeout, log)
            page = Page(_page_socket(port, start_timeout))
            yield page
        finally:
            if page is not None:
                page.close()
            process.kill()
            process.wait(timeout=10)


def _devtools_port(
    profile: Path, process: subprocess.Popen[bytes], timeout: float, log: Path
) -> int:
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"chromium exited with {process.returncode} before listening:\n{_tail(log)}"
            )
        lines = active.read_text().splitlines() if active.exists() else []
        if lines and lines[0].strip().isdigit():
            return int(lines[0])
        time.sleep(0.05)
    raise TimeoutError(f"chromium wrote no {active.name} within {timeout} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    """The last lines Chromium wrote to stderr, for the error that says why it did not start."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(chromium wrote nothing to stderr)"


def _page_socket(port: int, timeout: float) -> str:
    """The DevTools websocket of the tab Chromium opened (about:blank)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
            targets = json.load(answer)
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            return pages[0]["webSocketDebuggerUrl"]
        time.sleep(0.05)
    raise TimeoutError("chromium opened no page")
