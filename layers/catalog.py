# SPDX-License-Identifier: MIT
"""Read views of the registry for pages: the public catalog with feature counts."""
from __future__ import annotations

from dataclasses import dataclass

from layers import registry
from layers.models import model_for


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    title: str
    description: str
    geometry: str
    count: int


@dataclass(frozen=True)
class SectorEntry:
    id: str
    title: str
    layers: tuple[CatalogEntry, ...]


def _entry(layer: registry.Layer, english: bool) -> CatalogEntry:
    return CatalogEntry(layer.id,
                        layer.title_en if english else layer.title_vi,
                        layer.description_en if english else layer.description_vi,
                        layer.geometry.value,
                        model_for(layer.id).objects.count())


def public_catalog(language: str) -> tuple[SectorEntry, ...]:
    """Public layers grouped by sector, titles in ``language`` (vi or en)."""
    english = language == "en"
    sectors = []
    for sector, layers in registry.by_sector().items():
        public = tuple(_entry(layer, english) for layer in layers if layer.public)
        if public:
            vi, en = registry.SECTOR_TITLES[sector]
            sectors.append(SectorEntry(sector.value, en if english else vi, public))
    return tuple(sectors)
