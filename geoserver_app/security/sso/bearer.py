# SPDX-License-Identifier: MIT
"""OIDC access tokens (JWT) as API bearer tokens: verified against the provider's keys.

Accepted only when ``OIDC_API_AUDIENCE`` is set: signature by a key of the provider's JWKS,
issuer, audience and expiry are checked, and the token's scopes give layer rights through
``OIDC_SCOPE_MAP``. Any failure is ``tokens.InvalidToken`` (HTTP 401) with the reason.
"""
from __future__ import annotations

import functools
import ssl
import threading
import time
from collections.abc import Iterator

import jwt
from django.conf import settings

from geoserver_app.security.sso import OidcConfig
from geoserver_app.security.tokens import InvalidToken
from layers import catalog
from layers.catalog import Catalog
from layers.grants import LayerRights

KEYS_LIFESPAN_S = 300
MIN_REFRESH_S = 30  # an unknown key id refetches the JWKS at most this often
REASONS = (  # most specific first
    (jwt.ExpiredSignatureError, "expired token: ask the identity provider for a new one"),
    (jwt.InvalidAudienceError, "token not issued for this service (wrong audience)"),
    (jwt.InvalidIssuerError, "token issued by another identity provider"),
    (jwt.InvalidSignatureError, "signature does not verify: forged or altered token"),
    (jwt.ImmatureSignatureError, "token not valid yet"),
    (jwt.MissingRequiredClaimError, "token lacks a required claim"),
    (jwt.InvalidAlgorithmError, "token signed with an algorithm that is not accepted"),
)
RIGHTS = {"read": LayerRights(), "write": LayerRights(write=True),
          "sensitive": LayerRights(sensitive=True)}


class KeySet(jwt.PyJWKClient):
    """PyJWT's JWKS client, but tokens with made-up key ids cannot make it refetch the keys
    on every request (PyJWT refreshes on each unknown ``kid``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refreshed_at = float("-inf")
        self.refresh_lock = threading.Lock()

    def get_signing_keys(self, refresh: bool = False):
        with self.refresh_lock:
            if refresh and time.monotonic() - self.refreshed_at < MIN_REFRESH_S:
                refresh = False
            if refresh:
                self.refreshed_at = time.monotonic()
        return super().get_signing_keys(refresh)


@functools.lru_cache(maxsize=4)
def key_set(jwks_uri: str, timeout: float, verify: bool | str) -> KeySet:
    """The provider's signing keys, fetched on demand and kept for five minutes."""
    context = None
    if verify is False:
        context = ssl._create_unverified_context()
    elif isinstance(verify, str):
        context = ssl.create_default_context(cafile=verify)
    return KeySet(jwks_uri, cache_keys=True, lifespan=KEYS_LIFESPAN_S, timeout=timeout,
                  ssl_context=context)


def enabled_config() -> OidcConfig:
    config = getattr(settings, "SSO_OIDC", None)
    if config is None or config.api_audience is None:
        raise InvalidToken("OIDC access tokens are not accepted here; use an API token (bm_...)")
    return config


def verified_claims(token: str, config: OidcConfig) -> dict:
    """The claims of ``token`` once signature, issuer, audience and expiry hold."""
    # local: mozilla-django-oidc loads only when OpenID Connect is configured
    from geoserver_app.security.sso.openid import ProviderUnavailable, endpoint

    try:
        keys = key_set(endpoint("jwks_uri"), config.timeout, config.verify)
        signing_key = keys.get_signing_key_from_jwt(token)
        return jwt.decode(token, signing_key.key, algorithms=[config.sign_algo],
                          audience=config.api_audience, issuer=config.issuer, leeway=30,
                          options={"require": ["exp", "iss", "aud", "sub"]})
    except (ProviderUnavailable, jwt.PyJWKClientConnectionError):
        raise InvalidToken("cannot fetch the identity provider's keys now; try again later")\
            from None
    except jwt.PyJWKClientError:
        raise InvalidToken("token signed by a key the identity provider does not publish: "
                           "forged token") from None
    except jwt.InvalidTokenError as exc:
        raise InvalidToken(reason(exc)) from None


def reason(exc: jwt.InvalidTokenError) -> str:
    for kind, text in REASONS:
        if isinstance(exc, kind):
            return text
    return "malformed token"


def token_scopes(claims: dict) -> set[str]:
    """``scope`` (space separated, RFC 9068) or ``scp`` (a list, some providers)."""
    scopes = set(str(claims.get("scope", "")).split())
    if isinstance(claims.get("scp"), list):
        scopes |= {str(item) for item in claims["scp"]}
    return scopes


def scope_rights(scopes: set[str], config: OidcConfig,
                 live: Catalog | None = None) -> Iterator[tuple[str, LayerRights]]:
    """The rights the scopes map to, on the layers the run-time catalog has live now (a
    mapped layer that was never published, or is retired, gives nothing)."""
    live = live or catalog.current()
    for scope in sorted(scopes & set(config.scope_map)):
        for layer, right in config.scope_map[scope]:
            if live.find(layer) is not None:
                yield layer, RIGHTS[right]


def bearer_rights(token: str) -> tuple[str, list[tuple[str, LayerRights]]]:
    """The grant name and the layer rights of a verified OIDC access token."""
    config = enabled_config()
    claims = verified_claims(token, config)
    return f"oidc:{claims['sub']}", list(scope_rights(token_scopes(claims), config))
