"""Retries with backoff for the airdrop's RPC calls, then one clear error that says how to resume.

Web3 v7's ``HTTPProvider`` can retry by itself (``exception_retry_configuration``), but only for an allowlist of
methods, a fixed count, and only below the provider: Ape's own calls wrap what escapes in its own errors, and a
timeout on a node that went away for a minute is still a traceback. The sender instead opens its own
``HTTPProvider`` to the node Ape is connected to, with a short request timeout and web3's retries turned off,
and runs every call through :class:`Retrying`: connection refused or reset, a timeout, HTTP 429 and 5xx are
retried with exponential backoff (capped) until ``patience`` seconds have passed without an answer; then
:class:`ChainUnavailable` names the endpoint and the last error. Anything else (a JSON-RPC error, a revert) is
an answer and goes straight to the caller.

Retrying ``eth_sendRawTransaction`` is safe: the same signed bytes can only execute once, and a node that
already has them answers "already known" or "nonce too low", which the runner treats as an answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import requests

from collectibles.domain.errors import CollectiblesError

T = TypeVar("T")

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
"""HTTP answers that mean "not now" rather than "no": retried."""
REQUEST_TIMEOUT = 30.0
"""Seconds one RPC request may take before it counts as a timeout (and is retried); as long as ape-foundry's
own request timeout, since a log query over a long campaign is a scan of every log of the contract."""
DEFAULT_PATIENCE = 60.0
"""Seconds of failed attempts before the run stops with :class:`ChainUnavailable`."""


class ChainUnavailable(CollectiblesError):
    """The node did not answer within the retry budget; the journal lets the same command resume."""

    def __init__(self, endpoint: str, patience: float, attempts: int, last: BaseException):
        self.endpoint = endpoint
        self.patience = patience
        self.attempts = attempts
        super().__init__(
            f"the chain at {endpoint} did not answer for {patience:g}s ({attempts} attempts, last: "
            f"{describe(last)}); once it is back, rerun the same command to resume"
        )


def describe(err: BaseException) -> str:
    """A short name for a transport error: ``HTTP 429``, ``ConnectionError``, ``ReadTimeout``."""
    response = getattr(err, "response", None)
    if isinstance(err, requests.HTTPError) and response is not None:
        return f"HTTP {response.status_code}"
    return type(err).__name__


def is_transient(err: BaseException) -> bool:
    """Whether ``err`` (or what caused it) is a transport failure worth retrying."""
    seen: BaseException | None = err
    for _ in range(5):  # the chain of causes Ape and web3 wrap around a requests error
        if seen is None:
            return False
        if isinstance(seen, requests.HTTPError):
            response = seen.response
            return response is None or response.status_code in RETRY_STATUS
        if isinstance(
            seen, (requests.ConnectionError, requests.Timeout, ConnectionError, TimeoutError)
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class Retrying:
    """Calls a function until it answers, backing off between attempts, for at most ``patience`` seconds."""

    def __init__(
        self,
        endpoint: str,
        *,
        patience: float = DEFAULT_PATIENCE,
        first_delay: float = 0.1,
        max_delay: float = 5.0,
        log: Callable[[str], None] = lambda message: None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.endpoint = endpoint
        self.patience = patience
        self.first_delay = first_delay
        self.max_delay = max_delay
        self.log = log
        self.sleep = sleep
        self.clock = clock
        self.retries = 0
        """Attempts that failed and were retried, over the object's life (the drill prints it)."""

    def __call__(self, what: str, call: Callable[[], T]) -> T:
        """``call()``'s answer; transient failures are retried, then :class:`ChainUnavailable`."""
        deadline = self.clock() + self.patience
        delay = self.first_delay
        attempts = 0
        while True:
            attempts += 1
            try:
                return call()
            except Exception as err:
                if not is_transient(err):
                    raise
                if self.clock() + delay > deadline:
                    raise ChainUnavailable(self.endpoint, self.patience, attempts, err) from err
                if attempts == 1 or attempts % 10 == 0:
                    self.log(f"{what}: {describe(err)} from {self.endpoint}; retrying")
                self.retries += 1
                self.sleep(delay)
                delay = min(self.max_delay, delay * 2)
