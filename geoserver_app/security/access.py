# SPDX-License-Identifier: MIT
"""The grant of a request: anonymous (``grants.PUBLIC``), an API token or an OIDC access token.

The policy itself (``Grant``, ``LayerRights``, ``PUBLIC``) is ``layers.grants``; the WSGI
guard and ``GrantMiddleware`` resolve a request's grant once and put it in the environ.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from urllib.parse import unquote_plus

from django.http import HttpRequest

from geoserver_app.security.tokens import InvalidToken, active_token
from layers.grants import PUBLIC, Grant, LayerRights

ENVIRON_KEY = "basemap.grant"
QUERY_TOKEN_KEY = "basemap.query_token"
# ``token=...`` in a query string (for clients that cannot send a header, e.g. WFS and WMS
# applications): the whole parameter, with the ``&`` before or after it
QUERY_TOKEN = re.compile(r"(?:^|&)token=([^&]*)", re.IGNORECASE)


def bearer_key(environ: Mapping[str, str]) -> str | None:
    """The bearer token of a request, None when there is no Authorization header."""
    header = environ.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise InvalidToken("use 'Authorization: Bearer <token>'")
    return key.strip()


def take_query_token(environ: MutableMapping[str, str]) -> None:
    """Move a ``token`` query parameter out of the request, into ``QUERY_TOKEN_KEY``.

    Changed in place on purpose: gunicorn's access log reads ``RAW_URI`` and
    ``QUERY_STRING`` from this same dict after the response, so the token is never logged,
    and no service (pygeoapi, MapProxy, mapserv) ever sees it as a parameter.
    """
    query = environ.get("QUERY_STRING", "")
    match = QUERY_TOKEN.search(query)
    if match is None:
        return
    environ[QUERY_TOKEN_KEY] = unquote_plus(match[1])
    environ["QUERY_STRING"] = QUERY_TOKEN.sub("", query).lstrip("&")
    for key in ("RAW_URI", "REQUEST_URI"):
        if key in environ:
            path, _, raw = environ[key].partition("?")
            raw = QUERY_TOKEN.sub("", raw).lstrip("&")
            environ[key] = f"{path}?{raw}" if raw else path


def jwt_shaped(key: str) -> bool:
    """A JWT (an OIDC access token) rather than one of our ``bm_`` keys: three dot-separated
    base64url parts."""
    parts = key.split(".")
    return (not key.startswith("bm_") and len(parts) == 3
            and all(part.isascii() and part.replace("-", "").replace("_", "").isalnum()
                    for part in parts))


def grant_for_environ(environ: Mapping[str, str]) -> Grant:
    """The grant of a WSGI environ; raises ``tokens.InvalidToken`` for a bad token."""
    if ENVIRON_KEY in environ:
        return environ[ENVIRON_KEY]
    key = bearer_key(environ) or environ.get(QUERY_TOKEN_KEY) or None
    if key is None:
        return PUBLIC
    if jwt_shaped(key):
        # local: PyJWT and the OIDC client load only when a JWT is presented (OIDC off: never)
        from geoserver_app.security.sso.bearer import bearer_rights

        name, extra = bearer_rights(key)
        return PUBLIC.extended(extra, name)
    token = active_token(key)
    extra = ((r.layer, LayerRights(r.read, r.sensitive, r.write)) for r in token.rights.all())
    return PUBLIC.extended(extra, f"token:{token.name}")


def grant_for_request(request: HttpRequest) -> Grant:
    """The grant of a Django request (resolved once by the middleware)."""
    return grant_for_environ(request.META)
