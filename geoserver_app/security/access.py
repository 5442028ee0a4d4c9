# SPDX-License-Identifier: MIT
"""The grant of a request: anonymous (``grants.PUBLIC``), an API token or an OIDC access token.

The policy itself (``Grant``, ``LayerRights``, ``PUBLIC``) is ``layers.grants``; the WSGI
guard and ``GrantMiddleware`` resolve a request's grant once and put it in the environ.
"""
from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest

from geoserver_app.security.tokens import InvalidToken, active_token
from layers.grants import PUBLIC, Grant, LayerRights

ENVIRON_KEY = "basemap.grant"


def bearer_key(environ: Mapping[str, str]) -> str | None:
    """The bearer token of a request, None when there is no Authorization header."""
    header = environ.get("HTTP_AUTHORIZATION", "").strip()
    if not header:
        return None
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise InvalidToken("use 'Authorization: Bearer <token>'")
    return key.strip()


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
    key = bearer_key(environ)
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
