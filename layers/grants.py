# SPDX-License-Identifier: MIT
"""Access rights as data: which layers and attributes a grant may see or write.

A ``Grant`` is an immutable set of per-layer rights. Every service is built from a registry
*view* for one grant (``visible_layers``), never filtered afterwards: the public API simply
does not contain internal layers or sensitive attributes, so no route can leak them.
Anonymous requests get ``PUBLIC``; a bearer token gets the public rights plus its own.
Grants compare by rights only (not by name), so services cached per grant are shared by
every token holding the same rights.

Django-free, beside the registry, so ``analysis`` and the services share one policy type;
how a request gets its grant is ``geoserver_app.security.access``.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from layers import registry


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
