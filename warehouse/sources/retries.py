"""When to ask a server again: a few stepped waits, bounded in total time.

Only answers that can change are retried (429, 5xx, a transfer broken off, a checksum that does
not match); a host that does not resolve or refuses connections is not (`HostUnreachable`).
The numbers come from `Settings` (`download_retries`, `retry_delays_seconds`,
`retry_budget_seconds`), the one place they are defined.
"""

from __future__ import annotations

import errno
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from warehouse.errors import DownloadFailed, HostUnreachable

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)
T = TypeVar("T")

DEFAULT_DELAYS_SECONDS = (2.0, 10.0, 30.0)
"""Defaults of `Settings.retry_delays_seconds` and `retry_budget_seconds`, kept here so that the
E-utilities client's own defaults are the same numbers."""
DEFAULT_BUDGET_SECONDS = 120.0
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy")
NO_ROUTE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED}


@dataclass(frozen=True)
class RetryPolicy:
    """Waits before each retry (seconds, in order) and the most all waits may add up to."""

    delays_seconds: tuple[float, ...] = DEFAULT_DELAYS_SECONDS
    budget_seconds: float = DEFAULT_BUDGET_SECONDS

    def wait_before(self, retry: int, waited: float, asked: float | None = None) -> float | None:
        """Seconds to wait before retry number RETRY (0 first); None once retries or budget end.

        ASKED is what the server asked for (`Retry-After`): honoured when the budget allows.
        """
        if retry >= len(self.delays_seconds):
            return None
        wait = max(self.delays_seconds[retry], asked or 0.0)
        return wait if waited + wait <= self.budget_seconds else None


def retried(
    action: Callable[[], T],
    policy: RetryPolicy,
    what: str,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """ACTION's result, asking again after a `DownloadFailed` the POLICY allows retrying."""
    waited = 0.0
    for retry in range(len(policy.delays_seconds) + 1):
        try:
            return action()
        except HostUnreachable:
            raise
        except DownloadFailed as exc:
            wait = policy.wait_before(retry, waited)
            if wait is None:
                raise DownloadFailed(f"{exc} (gave up after {retry + 1} attempts)") from exc
            log.warning("%s: %s; retrying in %.0f s", what, exc, wait)
            sleep(wait)
            waited += wait
    raise AssertionError("unreachable")


def unreachable(url: str, exc: httpx.HTTPError) -> HostUnreachable | None:
    """The error to stop with when no connection to URL's host could be made, else None.

    httpx raises `ConnectError` when the name does not resolve or the port refuses; a
    `ConnectTimeout` (a slow or lossy network) stays retryable.
    """
    import httpx

    if not isinstance(exc, httpx.ConnectError):
        return None
    url_host = httpx.URL(url)
    where = f"{url_host.host}:{url_host.port}" if url_host.port else url_host.host
    reason = str(exc) or type(exc).__name__
    return HostUnreachable(f"cannot reach {where} ({reason})")


def check_reachable(url: str, timeout_seconds: float) -> None:
    """Raise `HostUnreachable` at once when URL's host does not resolve or refuses connections.

    A plain TCP connection, no request: run before the warehouse is opened, so a command
    without a network fails in the time it takes to start. A timeout is left to the run's own
    retries; behind a proxy (the proxy connects, not this machine) nothing is checked.
    """
    import httpx

    target = httpx.URL(url)
    if target.scheme not in ("http", "https") or any(os.environ.get(n) for n in PROXY_VARIABLES):
        return
    port = target.port or (443 if target.scheme == "https" else 80)
    try:
        socket.create_connection((target.host, port), timeout=timeout_seconds).close()
    except socket.gaierror as exc:
        raise HostUnreachable(
            f"cannot reach {target.host}: the name does not resolve ({exc.strerror})"
        ) from None
    except OSError as exc:
        if exc.errno in NO_ROUTE:
            raise HostUnreachable(f"cannot reach {target.host}:{port} ({exc.strerror})") from None
