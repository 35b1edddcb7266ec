"""An RPC proxy of our own on 127.0.0.1 that injects transport faults between a client and a local chain.

``FaultyProxy(upstream, every=4, faults=("reset", "429", "503", "delay"))`` forwards JSON-RPC POSTs to
``upstream`` and, on every ``every``-th request, answers with the next fault of the cycle instead:

``reset``   the connection is closed with a TCP reset (``SO_LINGER`` 0), no answer;
``429``     HTTP 429 Too Many Requests with ``Retry-After: 0``;
``5xx``     that HTTP status (``500``, ``502``, ``503``…) with a short body;
``delay``   the request is forwarded after ``delay`` seconds (a slow node).

It is bounded: at most ``max_faults`` faults, never two requests in a row, and it stops by itself after
``lifetime`` seconds (or on ``stop()``/leaving the ``with`` block), so a test that forgets it leaves no
thread behind. ``down()`` makes every request fail with a reset until ``up()``: the chain "going away".
"""

import socket
import struct
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from utils.chains import free_port


class FaultyProxy:
    """A fault-injecting HTTP proxy in front of ``upstream``; ``url`` is where clients connect."""

    def __init__(
        self,
        upstream,
        *,
        every=4,
        faults=("reset", "429", "503", "delay"),
        delay=0.5,
        max_faults=200,
        lifetime=120.0,
    ):
        self.upstream = upstream
        self.every = every
        self.faults = faults
        self.delay = delay
        self.max_faults = max_faults
        self.lifetime = lifetime
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests = 0
        self.injected = {}
        self._is_down = False
        self._last_faulted = False
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.stop)
        self._timer.daemon = True

    def start(self):
        self._thread.start()
        self._timer.start()
        return self

    def stop(self):
        self._timer.cancel()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def down(self):
        """Refuse every request with a reset, as a node that went away."""
        self._is_down = True

    def up(self):
        self._is_down = False

    @property
    def total_faults(self):
        return sum(self.injected.values())

    def _next_fault(self):
        """The fault for this request, or None to forward it; counts requests and faults."""
        with self._lock:
            self.requests += 1
            if self._is_down:
                return "reset"
            due = self.requests % self.every == 0
            if not due or self._last_faulted or self.total_faults >= self.max_faults:
                self._last_faulted = False
                return None
            fault = self.faults[self.total_faults % len(self.faults)]
            self.injected[fault] = self.injected.get(fault, 0) + 1
            self._last_faulted = True
            return fault

    def _handler(self):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fault = proxy._next_fault()
                if fault == "reset":
                    self._reset()
                    return
                if fault is not None and fault.isdigit():
                    self._answer(int(fault), b'{"error": "injected by the test proxy"}')
                    return
                if fault == "delay":
                    time.sleep(proxy.delay)
                try:
                    status, answer = proxy._forward(body)
                except OSError:
                    self._reset()
                    return
                self._answer(status, answer)

            def _answer(self, status, payload):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                self.wfile.write(payload)

            def _reset(self):
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

        return Handler

    def _forward(self, body):
        request = urllib.request.Request(self.upstream, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
