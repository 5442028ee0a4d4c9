# SPDX-License-Identifier: MIT
"""The province outline and the fine cell partition districts and communes are built from."""
from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import pairwise

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from layers.demo.core import XY, DemoError
from layers.demo.geometry import chaikin, lerp, multi_polygon, to_xy

# --- province outline ---------------------------------------------------------------------

_OUTLINE = (  # (lon, lat) clockwise from the western tip; freehand, not the legal boundary
    (105.87, 21.40), (105.92, 21.48), (106.00, 21.52), (106.04, 21.60), (106.14, 21.62),
    (106.24, 21.57), (106.33, 21.55), (106.45, 21.58), (106.56, 21.61), (106.66, 21.56),
    (106.78, 21.50), (106.90, 21.46), (107.00, 21.40), (107.02, 21.30), (106.95, 21.22),
    (106.85, 21.15), (106.74, 21.13), (106.62, 21.17), (106.50, 21.14), (106.40, 21.12),
    (106.30, 21.13), (106.18, 21.16), (106.06, 21.18), (105.98, 21.24), (105.92, 21.30),
)


def _fractal(points: list[XY], rng: random.Random, roughness: float, depth: int) -> list[XY]:
    """Midpoint displacement: split every segment, pushing its middle sideways at random."""
    for _ in range(depth):
        out = []
        for a, b in pairwise(points):
            length = math.dist(a, b)
            nx, ny = (a[1] - b[1]) / length, (b[0] - a[0]) / length
            (mx, my), offset = lerp(a, b, 0.5), rng.uniform(-roughness, roughness) * length
            out += [a, (mx + nx * offset, my + ny * offset)]
        points = [*out, points[-1]]
    return points


def province_outline(rng: random.Random) -> Polygon:
    """An irregular (fractal, lightly smoothed) polygon over the real extent of Bắc Giang."""
    ring = [to_xy(*p) for p in _OUTLINE]
    for _ in range(20):
        polygon = Polygon(chaikin(_fractal([*ring, ring[0]], rng, 0.18, 6)[:-1], 1, closed=True))
        if polygon.is_valid:
            return polygon
    raise DemoError("no simple province outline for this seed")


# --- a fine cell partition: the bricks of districts and communes --------------------------

_CELL = 700.0  # metres between cell seeds


@dataclass(frozen=True)
class Cells:
    """Voronoi cells over the province (unclipped, so shared edges are exact) and their graph."""

    polygons: list[Polygon]
    centres: list[XY]
    neighbours: list[list[int]]

    def union(self, members: Iterable[int], clip: Polygon) -> MultiPolygon:
        """The union of some cells, clipped to the province."""
        merged = shapely.union_all([self.polygons[i] for i in members])
        return multi_polygon(merged.intersection(clip))

    def nearest(self, xy: XY, among: Iterable[int]) -> int:
        return min(among, key=lambda i: (math.dist(self.centres[i], xy), i))


def _jittered_grid(bounds: tuple[float, ...], rng: random.Random) -> list[XY]:
    """Cell seeds on a grid, each moved at random within its grid square."""
    xmin, ymin, xmax, ymax = bounds
    columns, rows = int((xmax - xmin) / _CELL) + 1, int((ymax - ymin) / _CELL) + 1
    return [(xmin + (i + rng.uniform(0.15, 0.85)) * _CELL, ymin + (j + rng.uniform(0.15, 0.85)) * _CELL)
            for j in range(rows) for i in range(columns)]


def _delaunay_edges(points: list[XY]) -> list[tuple[int, int]]:
    """Pairs of points whose Voronoi cells share an edge: the Delaunay triangulation's edges."""
    index = {p: i for i, p in enumerate(points)}
    edges = shapely.delaunay_triangles(MultiPoint(points), only_edges=True)
    return sorted(tuple(sorted(index[tuple(c)] for c in edge.coords))
                  for edge in shapely.get_parts(edges))


def _pieces(cell: Polygon, outline: Polygon) -> list[Polygon]:
    """The parts of a cell inside the outline, largest first."""
    if not outline.intersects(cell):
        return []
    if outline.contains(cell):
        return [cell]
    parts = shapely.get_parts(cell.intersection(outline))
    return sorted((p for p in parts if isinstance(p, Polygon)), key=lambda p: -p.area)


def _trim(outline: Polygon, pieces: list[list[Polygon]]) -> Polygon:
    """The outline without the crumbs: cells' minor pieces and pieces under 100 m²."""
    crumbs = [p for parts in pieces for k, p in enumerate(parts) if k or p.area < 100.0]
    if not crumbs:
        return outline
    trimmed = outline.difference(shapely.union_all(crumbs))
    return max(shapely.get_parts(trimmed), key=lambda p: p.area)


def _clip(cell: Polygon, province: Polygon) -> BaseGeometry:
    return cell if province.contains(cell) else cell.intersection(province)


def partition(outline: Polygon, rng: random.Random) -> tuple[Polygon, Cells]:
    """Cells over the province, and the province trimmed so each cell meets it in one piece.

    Neighbours are cells whose parts inside the province share some edge, so regions grown
    over the graph are connected on the map too.
    """
    shapely.prepare(outline)
    points = _jittered_grid(outline.buffer(3 * _CELL).bounds, rng)
    voronoi = shapely.voronoi_polygons(MultiPoint(points), extend_to=outline.buffer(6 * _CELL),
                                       ordered=True)
    polygons = list(shapely.get_parts(voronoi))
    pieces = [_pieces(cell, outline) for cell in polygons]
    province = _trim(outline, pieces)
    shapely.prepare(province)
    keep = [i for i, parts in enumerate(pieces) if parts and parts[0].area >= 100.0]
    inside = {i: _clip(polygons[i], province) for i in keep}
    renumber = {old: new for new, old in enumerate(keep)}
    neighbours: list[list[int]] = [[] for _ in keep]
    for a, b in _delaunay_edges(points):
        if a in inside and b in inside and inside[a].intersection(inside[b]).length > 0.01:
            neighbours[renumber[a]].append(renumber[b])
            neighbours[renumber[b]].append(renumber[a])
    return province, Cells([polygons[i] for i in keep], [points[i] for i in keep], neighbours)


def noise_field(rng: random.Random) -> Callable[[float, float], float]:
    """A smooth random field in [-1, 1]: a few plane waves of 5-20 km."""
    waves = [(rng.uniform(0, 2 * math.pi), 2 * math.pi / rng.uniform(5000, 20000),
              rng.uniform(0, 2 * math.pi)) for _ in range(4)]

    def noise(x: float, y: float) -> float:
        return sum(math.cos(k * (x * math.cos(d) + y * math.sin(d)) + p)
                   for d, k, p in waves) / len(waves)
    return noise


def grow(cells: Cells, seeds: list[int], allowed: set[int], speeds: list[float],
          noise: Callable[[float, float], float]) -> list[list[int]]:
    """Multi-source Dijkstra over the cell graph: connected regions with irregular borders."""
    owner: dict[int, int] = {}
    heap = [(0.0, region, cell) for region, cell in enumerate(seeds)]
    while heap:
        cost, region, cell = heapq.heappop(heap)
        if cell in owner:
            continue
        owner[cell] = region
        for other in cells.neighbours[cell]:
            if other in allowed and other not in owner:
                mid = lerp(cells.centres[cell], cells.centres[other], 0.5)
                step = math.dist(cells.centres[cell], cells.centres[other]) * (1 + 0.7 * noise(*mid))
                heapq.heappush(heap, (cost + step / speeds[region], region, other))
    if len(owner) != len(allowed):
        raise DemoError("cell graph is not connected")
    regions: list[list[int]] = [[] for _ in seeds]
    for cell in sorted(owner):
        regions[owner[cell]].append(cell)
    return regions
