# SPDX-License-Identifier: MIT
"""The access policy: which layers and attributes a request may see or write.

A ``Grant`` is an immutable set of per-layer rights. Every service is built from a registry
*view* for one grant (``visible_layers``), never filtered afterwards: the public API simply
does not contain internal layers or sensitive attributes, so no route can leak them.
Anonymous requests get ``PUBLIC``; tokens (security issue) map to their own grants.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import HttpRequest

from layers import registry


@dataclass(frozen=True)
class LayerRights:
    read: bool = True
    sensitive: bool = False
    write: bool = False


@dataclass(frozen=True)
class Grant:
    """Rights per layer id; hashable, so per-grant services can be cached by it."""

    rights: tuple[tuple[str, LayerRights], ...]
    name: str = "public"

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


PUBLIC = Grant(tuple((layer.id, LayerRights()) for layer in registry.LAYERS if layer.public))


def grant_for_environ(environ: Mapping[str, str]) -> Grant:
    """The grant of a WSGI environ (``Authorization: Bearer``; anonymous: ``PUBLIC``)."""
    return PUBLIC


def grant_for_request(request: HttpRequest) -> Grant:
    """The grant of a Django request."""
    return grant_for_environ(request.META)
