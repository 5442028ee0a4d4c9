# SPDX-License-Identifier: MIT
"""WSGI guard of the API paths: resolve the grant once, answer 401/429/503 before any service."""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection

from geoserver_app import errors
from geoserver_app.security import access
from geoserver_app.security.tokens import InvalidToken
from layers import grants

log = logging.getLogger(__name__)
API_PREFIXES = ("/ogcapi", "/tiles", "/wfs")


def client_address(environ: Mapping[str, str], trusted_proxies: frozenset[str]) -> str:
    """The client's address: the last X-Forwarded-For hop when a trusted proxy sent it."""
    remote = environ.get("REMOTE_ADDR", "")
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    if remote in trusted_proxies and forwarded:
        return forwarded.split(",")[-1].strip()
    return remote


class RateLimiter:
    """Fixed one-minute windows per client key, in process memory (per worker).

    Settings (environment variables of the same names): ``API_RATE_LIMIT`` requests/minute
    for anonymous clients of ``/ogcapi`` (default 1200, 0 = off), ``TILE_RATE_LIMIT`` for
    anonymous clients of ``/tiles`` (default 12000: a map view loads dozens of tiles at
    once), ``API_TOKEN_RATE_LIMIT`` for tokens (default 0 = off). Addresses in
    ``RATE_LIMIT_EXEMPT`` (default loopback) are not limited; behind a reverse proxy, list it
    in ``TRUSTED_PROXIES`` so the client address comes from ``X-Forwarded-For``.
    """

    def __init__(self, anonymous: int, token: int, exempt: frozenset[str],
                 trusted_proxies: frozenset[str], clock: Callable[[], float] = time.monotonic,
                 tiles: int | None = None):
        self.limits = {"anonymous": anonymous, "token": token,
                       "tiles": anonymous if tiles is None else tiles}
        self.exempt, self.trusted_proxies, self.clock = exempt, trusted_proxies, clock
        self.windows: dict[str, tuple[int, int]] = {}
        self.lock = threading.Lock()

    @classmethod
    def from_settings(cls) -> RateLimiter:
        return cls(settings.API_RATE_LIMIT, settings.API_TOKEN_RATE_LIMIT,
                   settings.RATE_LIMIT_EXEMPT, settings.TRUSTED_PROXIES,
                   tiles=settings.TILE_RATE_LIMIT)

    def client_address(self, environ: dict) -> str:
        return client_address(environ, self.trusted_proxies)

    def allow(self, environ: dict, grant: grants.Grant) -> int | None:
        """None when the request may go on, else the seconds to wait."""
        address = self.client_address(environ)
        kind = "anonymous" if grant.anonymous else "token"
        if kind == "anonymous" and environ.get("PATH_INFO", "").startswith("/tiles"):
            kind = "tiles"
        limit = self.limits[kind]
        if limit <= 0 or address in self.exempt:
            return None
        key = f"{kind}:{grant.name if kind == 'token' else address}"
        now = self.clock()
        window = int(now // 60)
        with self.lock:
            start, count = self.windows.get(key, (window, 0))
            count = count + 1 if start == window else 1
            self.windows[key] = (window, count)
        return None if count <= limit else int(60 - now % 60) + 1


def resolve_grant(environ: dict) -> grants.Grant:
    """The grant, retried once on a fresh connection (the database may have restarted)."""
    try:
        return access.grant_for_environ(environ)
    except (InterfaceError, OperationalError):
        connection.close()
        return access.grant_for_environ(environ)


def protect(app: Callable, limiter: RateLimiter) -> Callable:
    """Wrap the site so the API paths are authorised and rate-limited first."""

    def guarded(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not any(path == p or path.startswith(p + "/") for p in API_PREFIXES):
            return app(environ, start_response)
        access.take_query_token(environ)
        try:
            grant = resolve_grant(environ)
        except InvalidToken as exc:
            return errors.wsgi(
                start_response, HTTPStatus.UNAUTHORIZED, "Unauthorized",
                f"Khóa API không hợp lệ ({exc}). Invalid token: ask the administrator for a "
                "new one.", headers=[("WWW-Authenticate", 'Bearer error="invalid_token"')])
        except DatabaseError:
            errors.database_unavailable()
            return errors.wsgi(
                start_response, HTTPStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable",
                "Cơ sở dữ liệu tạm thời không truy cập được; vui lòng thử lại sau.",
                headers=[("Retry-After", "5")])
        wait = limiter.allow(environ, grant)
        if wait is not None:
            return errors.wsgi(
                start_response, HTTPStatus.TOO_MANY_REQUESTS, "TooManyRequests",
                f"Quá nhiều yêu cầu; thử lại sau {wait} giây. (Rate limit exceeded.)",
                headers=[("Retry-After", str(wait))])
        return app({**environ, access.ENVIRON_KEY: grant}, start_response)

    return guarded
