# SPDX-License-Identifier: MIT
"""The access policy: which layers and attributes a request may see or write.

A ``Grant`` is an immutable set of per-layer rights. Every service is built from a registry
*view* for one grant (``visible_layers``), never filtered afterwards: the public API simply
does not contain internal layers or sensitive attributes, so no route can leak them.
Anonymous requests get ``PUBLIC``; a bearer token gets the public rights plus its own.
Grants compare by rights only (not by name), so services cached per grant are shared by
every token holding the same rights.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.http import HttpRequest

from layers import registry

ENVIRON_KEY = "basemap.grant"


@dataclass(frozen=True)
class LayerRights:
    read: bool = True
    sensitive: bool = False
    write: bool = False

    def union(self, other: LayerRights) -> LayerRights:
        return LayerRights(self.read or other.read, self.sensitive or other.sensitive,
                           self.write or other.write)


@dataclass(frozen=True)
class Grant:
    """Rights per layer id; hashable, so per-grant services can be cached by it."""

    rights: tuple[tuple[str, LayerRights], ...]
    name: str = field(default="public", compare=False)

    def for_layer(self, layer_id: str) -> LayerRights | None:
        return dict(self.rights).get(layer_id)

    def can_read(self, layer_id: str) -> bool:
        rights = self.for_layer(layer_id)
        return rights is not None and rights.read

    def can_write(self, layer_id: str) -> bool:
        rights = self.for_layer(layer_id)
        return rights is not None and rights.write

    def hidden_attributes(self, layer: registry.Layer) -> tuple[str, ...]:
        """Attributes of ``layer`` this grant must not see."""
        rights = self.for_layer(layer.id)
        return () if rights is not None and rights.sensitive else layer.sensitive

    def visible_layers(self) -> tuple[registry.Layer, ...]:
        return tuple(layer for layer in registry.LAYERS if self.can_read(layer.id))

    @property
    def anonymous(self) -> bool:
        return self.name == "public"

    def extended(self, extra: Iterable[tuple[str, LayerRights]], name: str) -> Grant:
        """This grant plus ``extra`` rights (union per layer), in registry order."""
        merged = dict(self.rights)
        for layer_id, rights in extra:
            merged[layer_id] = merged.get(layer_id, LayerRights(read=False)).union(rights)
        ordered = tuple((layer.id, merged[layer.id]) for layer in registry.LAYERS
                        if layer.id in merged)
        return Grant(ordered, name)


PUBLIC = Grant(tuple((layer.id, LayerRights()) for layer in registry.LAYERS if layer.public))


def bearer_key(environ: Mapping[str, str]) -> str | None:
    """The bearer token of a request, None when there is no Authorization header."""
    from geoserver_app.security.tokens import InvalidToken

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
    from geoserver_app.security.tokens import active_token

    key = bearer_key(environ)
    if key is None:
        return PUBLIC
    if jwt_shaped(key):
        from geoserver_app.security.sso.bearer import bearer_rights

        name, extra = bearer_rights(key)
        return PUBLIC.extended(extra, name)
    token = active_token(key)
    extra = ((r.layer, LayerRights(r.read, r.sensitive, r.write)) for r in token.rights.all())
    return PUBLIC.extended(extra, f"token:{token.name}")


def grant_for_request(request: HttpRequest) -> Grant:
    """The grant of a Django request (resolved once by the middleware)."""
    return grant_for_environ(request.META)
