# SPDX-License-Identifier: MIT
"""Randomness, the TM-3 projection and small geometry helpers shared by every theme."""
from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from itertools import pairwise

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from layers.demo.core import XY


def topic_rng(seed: int, topic: str) -> random.Random:
    """An independent generator per topic, so one layer's draws never shift another's."""
    return random.Random(f"{seed}:{topic}")


_A = 6378137.0
_E2 = 0.0066943799901413165  # WGS 84 (the VN-2000 ellipsoid)
_K0 = 0.9999
_LON0 = 107.0


def _meridian_arc(phi: float) -> float:
    """Length of the meridian from the equator to latitude ``phi`` (radians)."""
    e4, e6 = _E2 ** 2, _E2 ** 3
    return _A * ((1 - _E2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * phi
                 - (3 * _E2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * math.sin(2 * phi)
                 + (15 * e4 / 256 + 45 * e6 / 1024) * math.sin(4 * phi)
                 - (35 * e6 / 3072) * math.sin(6 * phi))


def to_xy(lon: float, lat: float) -> XY:
    """TM-3 107°00' coordinates of a position (Snyder's series; datum shift ignored, ~0.2 km)."""
    phi = math.radians(lat)
    ep2 = _E2 / (1 - _E2)
    n = _A / math.sqrt(1 - _E2 * math.sin(phi) ** 2)
    t, c = math.tan(phi) ** 2, ep2 * math.cos(phi) ** 2
    a = math.radians(lon - _LON0) * math.cos(phi)
    x = _K0 * n * (a + (1 - t + c) * a ** 3 / 6
                   + (5 - 18 * t + t * t + 72 * c - 58 * ep2) * a ** 5 / 120)
    y = _K0 * (_meridian_arc(phi) + n * math.tan(phi) * (
        a * a / 2 + (5 - t + 9 * c + 4 * c * c) * a ** 4 / 24
        + (61 - 58 * t + t * t + 600 * c - 330 * ep2) * a ** 6 / 720))
    return 500000.0 + x, y


def lerp(a: XY, b: XY, t: float) -> XY:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def chaikin(points: list[XY], iterations: int, closed: bool = False) -> list[XY]:
    """Corner cutting: a smooth curve inside the control polygon."""
    for _ in range(iterations):
        pairs = pairwise([*points, points[0]] if closed else points)
        cut = [p for a, b in pairs for p in (lerp(a, b, 0.25), lerp(a, b, 0.75))]
        points = cut if closed else [points[0], *cut, points[-1]]
    return points


def _wiggle(points: list[XY], rng: random.Random, amplitude: float, step: float) -> list[XY]:
    """Densify a polyline to about ``step`` metres, pushing new vertices sideways at random."""
    out = [points[0]]
    for a, b in pairwise(points):
        length = math.dist(a, b)
        nx, ny = (a[1] - b[1]) / length, (b[0] - a[0]) / length
        parts = max(1, round(length / step))
        for k in range(1, parts + 1):
            x, y = lerp(a, b, k / parts)
            offset = 0.0 if k == parts else rng.uniform(-amplitude, amplitude)
            out.append((x + nx * offset, y + ny * offset))
    return out


def blob(centre: XY, radius: float, rng: random.Random, stretch: float = 1.0,
          angle: float = 0.0, roughness: float = 0.3) -> Polygon:
    """A smooth star-shaped polygon: an ellipse with random low harmonics on its radius."""
    harmonics = [(k, rng.uniform(0, roughness / k), rng.uniform(0, 2 * math.pi))
                 for k in range(2, 7)]
    cos_a, sin_a = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    ring = []
    for i in range(64):
        theta = 2 * math.pi * i / 64
        r = radius * (1 + sum(amp * math.cos(k * theta + phase) for k, amp, phase in harmonics))
        x, y = r * math.cos(theta) * stretch, r * math.sin(theta)
        ring.append((centre[0] + x * cos_a - y * sin_a, centre[1] + x * sin_a + y * cos_a))
    return Polygon(ring)


def multi_polygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal parts of ``geom`` as one MultiPolygon (drops overlay crumbs under 1 m²)."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and p.area >= 1.0]
    return MultiPolygon(parts)


def multi_line(geom: BaseGeometry) -> MultiLineString:
    """The linear parts of ``geom`` as one MultiLineString."""
    parts = [p for p in shapely.get_parts(shapely.line_merge(geom))
             if isinstance(p, LineString) and p.length > 0]
    return MultiLineString(parts)


def points_of(geom: BaseGeometry) -> list[Point]:
    """Point parts of an intersection; a shared stretch of line counts as its midpoint."""
    return [p if isinstance(p, Point) else p.interpolate(0.5, normalized=True)
            for p in shapely.get_parts(geom) if not p.is_empty]


def anchor(geom: BaseGeometry) -> Point:
    """A well-inside point of a (multi)polygon: the pole of its largest part."""
    largest = max(shapely.get_parts(geom), key=lambda p: p.area)
    return polylabel(largest, tolerance=25.0)


def weighted(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    """One value of a (value, weight) table."""
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


def projected(lonlats: Iterable[XY]) -> list[XY]:
    return [to_xy(*p) for p in lonlats]


def smooth_line(points: list[XY], rng: random.Random, amplitude: float, step: float,
            iterations: int) -> LineString:
    """A smooth line through ``points`` that meanders by about ``amplitude`` metres."""
    return LineString(chaikin(_wiggle(points, rng, amplitude, step), iterations))


def xy_of(point: Point) -> XY:
    return point.x, point.y
