# SPDX-License-Identifier: MIT
"""Access rights as data: which layers and attributes a grant may see or write.

A ``Grant`` is an immutable set of per-layer rights, on top of what the run-time catalog
(``layers.catalog``) makes public: every grant may read the catalog's public layers, and a
token's grant adds its own rights. So a layer switched to internal, or retired, disappears
from every grant at once (the catalog snapshot changes; the grants do not), and ``PUBLIC``
is a constant: no explicit right, the public layers only.

Every service is built from a *view* for one grant (``visible_layers``), never filtered
afterwards: the public API simply does not contain internal layers or sensitive attributes,
so no route can leak them. Grants compare by rights only (not by name), so services cached
per grant (and catalog version) are shared by every token holding the same rights.

Django-free, beside the catalog, so ``analysis`` and the services share one policy type;
how a request gets its grant is ``geoserver_app.security.access``.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from layers import catalog, registry


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

    @functools.cached_property
    def own(self) -> dict[str, LayerRights]:
        """This grant's own rights by layer id (built once per grant, not per question)."""
        return dict(self.rights)

    def for_layer(self, layer_id: str,
                  current: catalog.Catalog | None = None) -> LayerRights | None:
        """The rights on a live layer of ``current`` (default: the process's catalog): this
        grant's own, plus reading it when it is public."""
        layer = (current or catalog.current()).find(layer_id)
        if layer is None:
            return None
        own = self.own.get(layer_id)
        if layer.public:
            return own.union(LayerRights()) if own else LayerRights()
        return own

    def can_read(self, layer_id: str, current: catalog.Catalog | None = None) -> bool:
        rights = self.for_layer(layer_id, current)
        return rights is not None and rights.read

    def can_write(self, layer_id: str) -> bool:
        rights = self.for_layer(layer_id)
        return rights is not None and rights.write

    def hidden_attributes(self, layer: registry.Layer) -> tuple[str, ...]:
        """Attributes of ``layer`` this grant must not see."""
        rights = self.for_layer(layer.id)
        return () if rights is not None and rights.sensitive else layer.sensitive

    def visible_layers(self) -> tuple[registry.Layer, ...]:
        """The live layers this grant may read, in catalog order."""
        current = catalog.current()
        return tuple(layer for layer in current.layers if self.can_read(layer.id, current))

    def layer(self, layer_id: str) -> registry.Layer | None:
        """The catalog entry of a layer this grant may read, else None."""
        layer = catalog.current().find(layer_id)
        return layer if layer is not None and self.can_read(layer_id) else None

    def view_key(self) -> tuple:
        """What a service built for this grant depends on: the catalog version and the
        effective rights on each live layer. Grants with equal keys share their services."""
        return _view_key(self, catalog.current().version)

    @property
    def anonymous(self) -> bool:
        return self.name == "public"

    def extended(self, extra: Iterable[tuple[str, LayerRights]], name: str) -> Grant:
        """This grant plus ``extra`` rights (union per layer), ordered by layer id."""
        merged = dict(self.own)
        for layer_id, rights in extra:
            merged[layer_id] = merged.get(layer_id, LayerRights(read=False)).union(rights)
        return Grant(tuple(sorted(merged.items())), name)


PUBLIC = Grant(())


@functools.lru_cache(maxsize=512)
def _view_key(grant: Grant, version: int) -> tuple:
    return (version, tuple((layer.id, grant.for_layer(layer.id))
                           for layer in grant.visible_layers()))
