# SPDX-License-Identifier: MIT
"""Creating, revoking and resolving API tokens (the command and the admin call these)."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from geoserver_app.models import ApiToken, ApiTokenRight
from layers import catalog

KEY_PREFIX = "bm_"
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class TokenError(ValueError):
    """A token request that cannot be done; the message says why."""


class InvalidToken(Exception):
    """The presented bearer token is unknown, revoked or expired (HTTP 401)."""


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _checked_layers(layer_ids: Iterable[str]) -> list[str]:
    known = {layer.id for layer in catalog.current().layers}
    layers = list(dict.fromkeys(layer_ids))
    unknown = [layer for layer in layers if layer not in known]
    if unknown:
        raise TokenError(f"unknown layer(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    if not layers:
        raise TokenError("no layers given: use --layers a,b or --all")
    return layers


@transaction.atomic
def create_token(name: str, layer_ids: Iterable[str], *, write: bool = False,
                 sensitive: bool = False, expires_at: dt.datetime | None = None,
                 created_by: str = "") -> tuple[ApiToken, str]:
    """Create a token with the same rights on each layer; return it and its key (shown once)."""
    layers = _checked_layers(layer_ids)
    if not name.strip():
        raise TokenError("the token needs a name")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenError(f"expiry {expires_at:%Y-%m-%d} is in the past")
    if ApiToken.objects.filter(name=name, revoked_at=None).exists():
        raise TokenError(f"an active token named {name!r} exists; revoke it first")
    key = new_key()
    token = ApiToken.objects.create(name=name, key_hash=hash_key(key), prefix=key[:10],
                                    expires_at=expires_at, created_by=created_by)
    ApiTokenRight.objects.bulk_create(
        ApiTokenRight(token=token, layer=layer, read=True, sensitive=sensitive, write=write)
        for layer in layers)
    return token, key


def revoke_token(name: str) -> int:
    """Revoke the active token(s) called ``name``; TokenError when there is none."""
    count = ApiToken.objects.filter(name=name, revoked_at=None).update(revoked_at=timezone.now())
    if count == 0:
        raise TokenError(f"no active token named {name!r}")
    return count


def active_token(key: str) -> ApiToken:
    """The token whose key this is, if usable now; records its use (at most every 5 min)."""
    now = timezone.now()
    token = (ApiToken.objects.prefetch_related("rights")
             .filter(key_hash=hash_key(key), revoked_at=None).first())
    if token is None:
        raise InvalidToken("unknown or revoked token")
    if token.expires_at is not None and token.expires_at <= now:
        raise InvalidToken("expired token")
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
