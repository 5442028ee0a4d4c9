# SPDX-License-Identifier: MIT
"""Safe reads survive a broken database connection: a failover, a restart, a node lost.

When the answer to a GET, HEAD or OPTIONS is a 503 because PostgreSQL could not be reached
(``errors.DATABASE_FAILED``), the request runs again on fresh connections after a short
pause, up to twice; the client sees the retry's answer. Writes are never retried here: a
write in flight gets the 503 with ``Retry-After`` and the client decides (its outcome is
known only to the database; an automatic retry could apply it twice).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable

from django.db import connections

from geoserver_app import errors

log = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PAUSES = (0.5, 1.5)  # seconds before the first and the second retry


def _close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


def _no_write(_data: bytes) -> None:
    raise RuntimeError("the legacy WSGI write() callable is not supported under retry")


class Attempt:
    """One run of the app whose ``start_response`` is held back until we know the answer."""

    def __init__(self, app: Callable, environ: dict, start_response: Callable) -> None:
        self.start_response, self.args, self.forward = start_response, None, False
        flag = errors.DATABASE_FAILED.set(False)
        try:
            self.body = app(environ, self.start)
            self.database_failed = errors.DATABASE_FAILED.get()
        finally:
            errors.DATABASE_FAILED.reset(flag)

    def start(self, status: str, headers: list, exc_info=None) -> Callable:
        self.args = (status, headers, exc_info)
        return self.start_response(*self.args) if self.forward else _no_write

    def retriable(self) -> bool:
        return (self.args is not None and self.database_failed
                and self.args[0].startswith("503"))

    def deliver(self) -> Iterable[bytes]:
        if self.args is None:  # the app starts the response while iterating: pass it on
            self.forward = True
        else:
            self.start_response(*self.args)
        return self.body


def retry_reads(app: Callable, pauses: tuple[float, ...] = PAUSES) -> Callable:
    """Wrap ``app`` so a safe request that failed on the database is run again."""

    def retried(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in SAFE_METHODS:
            return app(environ, start_response)
        attempt = Attempt(app, environ, start_response)
        for number, pause in enumerate(pauses, start=1):
            if not attempt.retriable():
                break
            if hasattr(attempt.body, "close"):
                attempt.body.close()
            log.warning("database unavailable for %s %s; retry %d in %.1f s",
                        environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), number, pause)
            _close_connections()
            time.sleep(pause)
            attempt = Attempt(app, environ, start_response)
        return attempt.deliver()

    return retried
