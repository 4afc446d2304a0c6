"""`serve-sql`'s listener: accepts PostgreSQL clients and hands each to `pg_session`.

It listens until SIGINT or SIGTERM, on one thread pool of DuckDB cursors over the readers' copy
(`sql_server.ReadersCopy`); it warns when it listens beyond loopback without TLS.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import signal
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from warehouse.serving.pg_session import handle_client
from warehouse.serving.sql_server import ReadersCopy, ServerConfig

log = logging.getLogger(__name__)


def _address(host: str) -> str:
    """HOST as an IP address (a name is resolved; `localhost` is loopback)."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return socket.gethostbyname(host)


def serve(config: ServerConfig, on_listening: Callable[[str, int], None] | None = None) -> int:
    """Serve until SIGINT or SIGTERM; returns the signal that stopped it."""
    return asyncio.run(_serve(config, on_listening))


async def _serve(config: ServerConfig, on_listening: Callable[[str, int], None] | None) -> int:
    tls = config.tls_context()
    copy = ReadersCopy(config.copy, config.memory_limit)
    copy.release(copy.acquire())  # a missing or unreadable copy fails here, before listening
    executor = ThreadPoolExecutor(config.threads, thread_name_prefix="serve-sql")
    if tls is None and not ipaddress.ip_address(_address(config.host)).is_loopback:
        log.warning(
            "serve-sql listens on %s without TLS: passwords and rows cross the network "
            "in clear; give --tls-cert and --tls-key",
            config.host,
        )
    server = await asyncio.start_server(
        lambda reader, writer: handle_client(reader, writer, copy, config, executor, tls),
        config.host,
        config.port,
    )
    stop, received = asyncio.Event(), []
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):  # before it says it listens
        loop.add_signal_handler(signum, lambda signum=signum: (received.append(signum), stop.set()))
    host, port = server.sockets[0].getsockname()[:2]
    if on_listening:
        on_listening(host, port)
    async with server:
        await stop.wait()
        server.close()
        copy.interrupt()
    executor.shutdown(wait=False, cancel_futures=True)
    log.info("serve-sql (pid %d) stopped", os.getpid())
    return received[0]
