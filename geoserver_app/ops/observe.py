# SPDX-License-Identifier: MIT
"""Observability: request ids, JSON logs (LOG_FORMAT=json) and Prometheus metrics at /metrics.

``/metrics`` answers loopback clients, or anyone presenting ``METRICS_TOKEN`` as a bearer
token; others get 404, so it can stay on the public port. Under gunicorn with several
workers, ``PROMETHEUS_MULTIPROC_DIR`` (set by ``make run``) aggregates all workers.
"""
from __future__ import annotations

import contextvars
import hmac
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import connection
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

REQUEST_ID = contextvars.ContextVar("request_id", default="-")
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
ROUTES = ("ogcapi", "tiles", "wfs", "admin", "docs", "static", "healthz", "livez", "metrics")

REQUESTS = Counter("basemap_http_requests_total", "HTTP requests", ["route", "method", "status"])
LATENCY = Histogram("basemap_http_request_seconds", "HTTP request latency", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


def route_of(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    return first if first in ROUTES else ("root" if not first else "other")


def _registry() -> CollectorRegistry | None:
    if not settings.PROMETHEUS_MULTIPROC_DIR:
        return None
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


# what the primary knows of its standbys (empty on a standby or a single server)
REPLICATION = """
SELECT application_name, sync_state, coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(),
       replay_lsn), 0), coalesce(extract(epoch FROM replay_lag), 0)
FROM pg_stat_replication"""


class DatabaseCollector:
    """At each scrape: which server the app writes to, and each standby's lag behind it
    (docs/operations.md: a failover shows as a new ``basemap_db_primary`` label)."""

    def collect(self):
        up = GaugeMetricFamily("basemap_db_up", "1 when the app's database answers")
        primary = GaugeMetricFamily("basemap_db_primary", "The server the app writes to",
                                    labels=["server"])
        lag_bytes = GaugeMetricFamily("basemap_replication_lag_bytes",
                                      "WAL a standby has not replayed yet",
                                      labels=["standby", "sync_state"])
        lag_seconds = GaugeMetricFamily("basemap_replication_lag_seconds",
                                        "Replay lag of a standby", labels=["standby", "sync_state"])
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = 2000")
                cursor.execute("SELECT inet_server_addr()::text, inet_server_port(), "
                               "pg_is_in_recovery()")
                address, port, recovery = cursor.fetchone()
                cursor.execute(REPLICATION)
                standbys = cursor.fetchall()
        except DatabaseError:
            connection.close()
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        if not recovery:
            primary.add_metric([f"{(address or 'local').split('/')[0]}:{port}"], 1)
        for name, state, lag, seconds in standbys:
            lag_bytes.add_metric([name, state], float(lag))
            lag_seconds.add_metric([name, state], float(seconds))
        yield from (up, primary, lag_bytes, lag_seconds)


def _database_metrics() -> bytes:
    registry = CollectorRegistry()
    registry.register(DatabaseCollector())
    return generate_latest(registry)


def metrics_allowed(environ: dict) -> bool:
    if environ.get("REMOTE_ADDR") in ("127.0.0.1", "::1"):
        return True
    secret = settings.METRICS_TOKEN
    presented = environ.get("HTTP_AUTHORIZATION", "").removeprefix("Bearer ").strip()
    return bool(secret) and hmac.compare_digest(secret, presented)


def _metrics(environ: dict, start_response: Callable) -> list[bytes]:
    if not metrics_allowed(environ):
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    registry = _registry()
    body = (generate_latest(registry) if registry else generate_latest()) + _database_metrics()
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST),
                              ("Content-Length", str(len(body)))])
    return [body]


def observe(app: Callable) -> Callable:
    """Wrap the site: request id in and out, metrics per route, and the /metrics endpoint."""

    def observed(environ: dict, start_response: Callable) -> Iterable[bytes]:
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        token = REQUEST_ID.set(request_id)
        path = environ.get("PATH_INFO", "")
        route, started, seen = route_of(path), time.perf_counter(), {}

        def start(status: str, headers: list, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            headers = [*headers, ("X-Request-ID", request_id)]
            if exc_info is None:
                return start_response(status, headers)
            return start_response(status, headers, exc_info)

        try:
            if path == "/metrics":
                return _metrics(environ, start)
            return app(environ, start)
        finally:
            REQUESTS.labels(route, environ.get("REQUEST_METHOD", "GET"),
                            seen.get("status", "500")).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)
            REQUEST_ID.reset(token)

    return observed
