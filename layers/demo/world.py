# SPDX-License-Identifier: MIT
"""The world under construction: units, block frames, lots and the features built so far."""
from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from layers import registry
from layers.demo.cells import Cells
from layers.demo.core import XY, Feature
from layers.demo.geometry import topic_rng


@dataclass
class Unit:
    """An administrative unit while it is being built."""

    code: str
    name: str
    kind: str
    cells: list[int]
    geom: MultiPolygon
    parent: str = ""


@dataclass
class Frame:
    """A commune's rotated grid of street blocks; local x runs along the streets (metres)."""

    commune: Unit
    origin: XY
    angle: float
    urban: bool
    block_width: float = 160.0
    streets: dict[int, str] = field(default_factory=dict)  # street line index -> name

    @property
    def depth(self) -> float:
        """Depth of one of the two parcel rows of a block."""
        return 28.0 if self.urban else 50.0

    @property
    def gap(self) -> float:
        """Width of the street (urban) or field path (rural) between blocks."""
        return 16.0 if self.urban else 6.0

    @property
    def pitch(self) -> XY:
        return self.block_width + self.gap, 2 * self.depth + self.gap

    def world(self, x: float, y: float) -> XY:
        """World coordinates of a local point."""
        cos_a, sin_a = math.cos(self.angle), math.sin(self.angle)
        return self.origin[0] + x * cos_a - y * sin_a, self.origin[1] + x * sin_a + y * cos_a

    def polygon(self, local: Iterable[XY]) -> Polygon:
        return Polygon([self.world(x, y) for x, y in local])

    def block_origin(self, block: tuple[int, int]) -> XY:
        return block[0] * self.pitch[0], block[1] * self.pitch[1]

    def footprint(self, block: tuple[int, int]) -> Polygon:
        """The rectangle a block's parcels tile exactly."""
        x, y = self.block_origin(block)
        w, h = self.block_width, 2 * self.depth
        return self.polygon([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])

    def spiral(self, radius: int) -> list[tuple[int, int]]:
        """Block positions from the frame origin outwards, twice as far along the streets."""
        blocks = [(i, j) for i in range(-radius, radius + 1) for j in range(-radius, radius + 1)]
        return sorted(blocks, key=lambda b: (math.hypot(0.5 * b[0] * self.pitch[0],
                                                       b[1] * self.pitch[1]), b))


@dataclass
class Lot:
    """A parcel and what buildings and addresses need to know of its place in its block."""

    frame: Frame
    block: tuple[int, int]
    row: int  # 0: faces the street below the block; 1: the street above
    safe_x: tuple[float, float]  # local x-range clear of the slanted side boundaries
    y0: float  # local y of the row's lower edge
    residential: bool
    geom: MultiPolygon
    number: int = 0  # house number on its street (cities only)
    feature: Feature = field(default_factory=dict)


@dataclass
class World:
    """Everything generated so far, shared by the build steps."""

    seed: int
    province: Polygon
    cells: Cells
    features: dict[str, list[Feature]] = field(
        default_factory=lambda: {layer.id: [] for layer in registry.LAYERS})
    successions: list[tuple[str, str]] = field(default_factory=list)
    districts: list[Unit] = field(default_factory=list)
    communes: list[Unit] = field(default_factory=list)
    district_of_cell: dict[int, str] = field(default_factory=dict)
    adjacency: dict[str, list[str]] = field(default_factory=dict)
    lots: list[Lot] = field(default_factory=list)

    def rng(self, topic: str) -> random.Random:
        return topic_rng(self.seed, topic)

    def add(self, layer_id: str, geom: BaseGeometry, **attrs: object) -> Feature:
        """Append a feature to a layer and return it."""
        feature = {**attrs, "geom": geom}
        self.features[layer_id].append(feature)
        return feature

    def commune_at(self, point: Point) -> Unit:
        """The pre-2025 commune containing (or nearest to) a point."""
        return min(self.communes, key=lambda c: (c.geom.distance(point), c.code))

    def district(self, code: str) -> Unit:
        return next(d for d in self.districts if d.code == code)
