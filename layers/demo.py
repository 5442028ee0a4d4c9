# SPDX-License-Identifier: MIT
"""A deterministic, synthetic demo dataset of Bắc Giang (since 1 July 2025 part of Bắc Ninh).

SYNTHETIC DATA, NOT OFFICIAL. Only the province, its ten districts (names, codes, rough
places), the three big rivers, three lakes, the railway lines and the national/provincial
road numbers are real, and even those are drawn freehand. Every boundary, commune name and
code, parcel, owner, permit, licence and company here is invented.

``generate`` is pure (no database) and deterministic: each step draws from its own
``random.Random`` seeded with the string ``"{seed}:{topic}"`` (string seeds are hashed with
SHA-512, so ``PYTHONHASHSEED`` does not matter) and nothing iterates over a set.
Coordinates are EPSG:9214 (VN-2000 / TM-3 107°00', metres).
"""
from __future__ import annotations

import hashlib
import heapq
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

from layers import registry

DEFAULT_SEED = 2025
PROVINCE_CODE = "24"
OLD_VALID = (date(2008, 8, 1), date(2025, 6, 30))
NEW_VALID = (date(2025, 7, 1), None)

XY = tuple[float, float]
Feature = dict[str, object]


class DemoError(RuntimeError):
    """The generator could not build a consistent dataset for this seed."""


@dataclass
class DemoData:
    """Features per registry layer id (attributes plus a shapely ``geom``) and commune successions."""

    features: dict[str, list[Feature]]
    successions: list[tuple[str, str]]
    seed: int = DEFAULT_SEED


def generate(seed: int = DEFAULT_SEED) -> DemoData:
    """The whole demo dataset for ``seed``: same seed, same output, in any process."""
    province, cells = _cells(_province_outline(_rng(seed, "province")), _rng(seed, "cells"))
    world = _World(seed, province, cells)
    _build_admin(world)
    _build_water(world)
    _build_transport(world)
    _build_land(world)
    _build_construction(world)
    _build_resources(world)
    _build_bridges(world)
    return DemoData({layer.id: world.features[layer.id] for layer in registry.LAYERS},
                    world.successions, seed)


def digest(data: DemoData) -> str:
    """SHA-256 over every attribute and WKB geometry, in order: equal digests, equal data."""
    sha = hashlib.sha256()
    for layer_id in sorted(data.features):
        for feature in data.features[layer_id]:
            sha.update(layer_id.encode())
            for key in sorted(feature):
                value = feature[key]
                sha.update(key.encode())
                sha.update(value.wkb if key == "geom" else repr(value).encode())
    sha.update(repr(data.successions).encode())
    return sha.hexdigest()


# --- randomness, projection and geometry helpers ------------------------------------------

def _rng(seed: int, topic: str) -> random.Random:
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


def _lerp(a: XY, b: XY, t: float) -> XY:
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


def _chaikin(points: list[XY], iterations: int, closed: bool = False) -> list[XY]:
    """Corner cutting: a smooth curve inside the control polygon."""
    for _ in range(iterations):
        pairs = pairwise([*points, points[0]] if closed else points)
        cut = [p for a, b in pairs for p in (_lerp(a, b, 0.25), _lerp(a, b, 0.75))]
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
            x, y = _lerp(a, b, k / parts)
            offset = 0.0 if k == parts else rng.uniform(-amplitude, amplitude)
            out.append((x + nx * offset, y + ny * offset))
    return out


def _blob(centre: XY, radius: float, rng: random.Random, stretch: float = 1.0,
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


def _multi_polygon(geom: BaseGeometry) -> MultiPolygon:
    """The polygonal parts of ``geom`` as one MultiPolygon (drops overlay crumbs under 1 m²)."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon) and p.area >= 1.0]
    return MultiPolygon(parts)


def _multi_line(geom: BaseGeometry) -> MultiLineString:
    """The linear parts of ``geom`` as one MultiLineString."""
    parts = [p for p in shapely.get_parts(shapely.line_merge(geom))
             if isinstance(p, LineString) and p.length > 0]
    return MultiLineString(parts)


def _points(geom: BaseGeometry) -> list[Point]:
    """Point parts of an intersection; a shared stretch of line counts as its midpoint."""
    return [p if isinstance(p, Point) else p.interpolate(0.5, normalized=True)
            for p in shapely.get_parts(geom) if not p.is_empty]


def _anchor(geom: BaseGeometry) -> Point:
    """A well-inside point of a (multi)polygon: the pole of its largest part."""
    largest = max(shapely.get_parts(geom), key=lambda p: p.area)
    return polylabel(largest, tolerance=25.0)


def _weighted(rng: random.Random, table: Sequence[tuple[str, float]]) -> str:
    """One value of a (value, weight) table."""
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


# --- the world under construction ---------------------------------------------------------

@dataclass
class _Unit:
    """An administrative unit while it is being built."""

    code: str
    name: str
    kind: str
    cells: list[int]
    geom: MultiPolygon
    parent: str = ""


@dataclass
class _Frame:
    """A commune's rotated grid of street blocks; local x runs along the streets (metres)."""

    commune: _Unit
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
class _Lot:
    """A parcel and what buildings and addresses need to know of its place in its block."""

    frame: _Frame
    block: tuple[int, int]
    row: int  # 0: faces the street below the block; 1: the street above
    safe_x: tuple[float, float]  # local x-range clear of the slanted side boundaries
    y0: float  # local y of the row's lower edge
    residential: bool
    geom: MultiPolygon
    number: int = 0  # house number on its street (cities only)
    feature: Feature = field(default_factory=dict)


@dataclass
class _World:
    """Everything generated so far, shared by the build steps."""

    seed: int
    province: Polygon
    cells: _Cells
    features: dict[str, list[Feature]] = field(
        default_factory=lambda: {layer.id: [] for layer in registry.LAYERS})
    successions: list[tuple[str, str]] = field(default_factory=list)
    districts: list[_Unit] = field(default_factory=list)
    communes: list[_Unit] = field(default_factory=list)
    district_of_cell: dict[int, str] = field(default_factory=dict)
    adjacency: dict[str, list[str]] = field(default_factory=dict)
    lots: list[_Lot] = field(default_factory=list)

    def rng(self, topic: str) -> random.Random:
        return _rng(self.seed, topic)

    def add(self, layer_id: str, geom: BaseGeometry, **attrs: object) -> Feature:
        """Append a feature to a layer and return it."""
        feature = {**attrs, "geom": geom}
        self.features[layer_id].append(feature)
        return feature

    def commune_at(self, point: Point) -> _Unit:
        """The pre-2025 commune containing (or nearest to) a point."""
        return min(self.communes, key=lambda c: (c.geom.distance(point), c.code))

    def district(self, code: str) -> _Unit:
        return next(d for d in self.districts if d.code == code)


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
            (mx, my), offset = _lerp(a, b, 0.5), rng.uniform(-roughness, roughness) * length
            out += [a, (mx + nx * offset, my + ny * offset)]
        points = [*out, points[-1]]
    return points


def _province_outline(rng: random.Random) -> Polygon:
    """An irregular (fractal, lightly smoothed) polygon over the real extent of Bắc Giang."""
    ring = [to_xy(*p) for p in _OUTLINE]
    for _ in range(20):
        polygon = Polygon(_chaikin(_fractal([*ring, ring[0]], rng, 0.18, 6)[:-1], 1, closed=True))
        if polygon.is_valid:
            return polygon
    raise DemoError("no simple province outline for this seed")


# --- a fine cell partition: the bricks of districts and communes --------------------------

_CELL = 700.0  # metres between cell seeds


@dataclass(frozen=True)
class _Cells:
    """Voronoi cells over the province (unclipped, so shared edges are exact) and their graph."""

    polygons: list[Polygon]
    centres: list[XY]
    neighbours: list[list[int]]

    def union(self, members: Iterable[int], clip: Polygon) -> MultiPolygon:
        """The union of some cells, clipped to the province."""
        merged = shapely.union_all([self.polygons[i] for i in members])
        return _multi_polygon(merged.intersection(clip))

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


def _cells(outline: Polygon, rng: random.Random) -> tuple[Polygon, _Cells]:
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
    return province, _Cells([polygons[i] for i in keep], [points[i] for i in keep], neighbours)


def _noise_field(rng: random.Random) -> Callable[[float, float], float]:
    """A smooth random field in [-1, 1]: a few plane waves of 5-20 km."""
    waves = [(rng.uniform(0, 2 * math.pi), 2 * math.pi / rng.uniform(5000, 20000),
              rng.uniform(0, 2 * math.pi)) for _ in range(4)]

    def noise(x: float, y: float) -> float:
        return sum(math.cos(k * (x * math.cos(d) + y * math.sin(d)) + p)
                   for d, k, p in waves) / len(waves)
    return noise


def _grow(cells: _Cells, seeds: list[int], allowed: set[int], speeds: list[float],
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
                mid = _lerp(cells.centres[cell], cells.centres[other], 0.5)
                step = math.dist(cells.centres[cell], cells.centres[other]) * (1 + 0.7 * noise(*mid))
                heapq.heappush(heap, (cost + step / speeds[region], region, other))
    if len(owner) != len(allowed):
        raise DemoError("cell graph is not connected")
    regions: list[list[int]] = [[] for _ in seeds]
    for cell in sorted(owner):
        regions[owner[cell]].append(cell)
    return regions


# --- administrative units -----------------------------------------------------------------

# code, name, kind, (lon, lat) of the seat, relative growth speed (bigger: larger district)
_DISTRICTS = (
    ("213", "Thành phố Bắc Giang", "thành phố", (106.194, 21.273), 0.85),
    ("215", "Yên Thế", "huyện", (106.12, 21.52), 1.0),
    ("216", "Tân Yên", "huyện", (106.10, 21.40), 0.95),
    ("217", "Lạng Giang", "huyện", (106.25, 21.37), 0.95),
    ("218", "Lục Nam", "huyện", (106.39, 21.28), 1.1),
    ("219", "Lục Ngạn", "huyện", (106.58, 21.40), 1.25),
    ("220", "Sơn Động", "huyện", (106.84, 21.32), 1.3),
    ("221", "Yên Dũng", "huyện", (106.25, 21.19), 0.95),
    ("222", "Việt Yên", "thị xã", (106.08, 21.27), 0.9),
    ("223", "Hiệp Hòa", "huyện", (105.96, 21.38), 0.95),
)

_NAME_FIRST = ("An", "Bảo", "Bình", "Cẩm", "Đại", "Đông", "Đồng", "Hòa", "Hồng", "Hưng",
               "Hương", "Khánh", "Lam", "Liên", "Minh", "Mỹ", "Nghĩa", "Ngọc", "Phúc", "Phú",
               "Quang", "Song", "Tân", "Thái", "Thanh", "Thịnh", "Tiên", "Trung", "Vân",
               "Vĩnh", "Xuân", "Yên")
_NAME_SECOND = ("Bình", "Đức", "Hà", "Hòa", "Hưng", "Khê", "Lạc", "Lâm", "Lộc", "Long",
                "Lương", "Mai", "Mỹ", "Phong", "Quang", "Sơn", "Thành", "Thịnh", "Tiến",
                "Trạch", "Trung", "Vân", "Xá", "Đình", "Dương", "Hải")
_URBAN_SHARE = {"thành phố": 0.6, "thị xã": 0.5, "huyện": 0.0}


def _commune_names(rng: random.Random, count: int) -> list[str]:
    """Distinct, plausible commune names (two Sino-Vietnamese syllables)."""
    pool = [f"{a} {b}" for a in _NAME_FIRST for b in _NAME_SECOND if a != b]
    return rng.sample(pool, count)


def _build_admin(world: _World) -> None:
    """Province, districts and communes before 1 July 2025, the merged communes after it."""
    _build_districts(world)
    _build_old_communes(world)
    world.adjacency = _commune_adjacency(world)
    _build_new_communes(world)
    geom = MultiPolygon([world.province])
    world.add("admin_provinces", geom, code=PROVINCE_CODE, name="Bắc Giang", kind="tỉnh",
              valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])
    # The new Bắc Ninh province also covers the old Bắc Ninh; the demo only has this part.
    world.add("admin_provinces", geom, code=PROVINCE_CODE, name="Bắc Ninh", kind="tỉnh",
              valid_from=NEW_VALID[0], valid_to=NEW_VALID[1])


def _build_districts(world: _World) -> None:
    """The ten districts as connected regions grown from their real seats."""
    cells = world.cells
    everything = set(range(len(cells.centres)))
    seeds = [cells.nearest(to_xy(*lonlat), range(len(cells.centres))) for *_, lonlat, _ in _DISTRICTS]
    regions = _grow(cells, seeds, everything, [d[4] for d in _DISTRICTS],
                    _noise_field(world.rng("district-noise")))
    for (code, name, kind, _, _), members in zip(_DISTRICTS, regions, strict=True):
        unit = _Unit(code, name, kind, members, cells.union(members, world.province), PROVINCE_CODE)
        world.districts.append(unit)
        world.district_of_cell.update({cell: code for cell in members})
        world.add("admin_districts", unit.geom, code=code, name=name, kind=kind,
                  province_code=PROVINCE_CODE, valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])


def _lloyd_regions(cells: _Cells, members: list[int], first: int, count: int,
                   rng: random.Random, noise: Callable[[float, float], float]) -> list[list[int]]:
    """``count`` compact regions of a district; region 0 grows from the seat cell ``first``."""
    allowed = set(members)
    seeds = [first, *rng.sample([c for c in members if c != first], count - 1)]
    for _ in range(3):
        regions = _grow(cells, seeds, allowed, [1.0] * count, noise)
        seeds = [first, *(_central_cell(cells, region) for region in regions[1:])]
    return _grow(cells, seeds, allowed, [1.0] * count, noise)


def _central_cell(cells: _Cells, region: list[int]) -> int:
    """The cell of a region nearest to the mean of its cell centres."""
    xs, ys = zip(*(cells.centres[i] for i in region), strict=True)
    return cells.nearest((sum(xs) / len(xs), sum(ys) / len(ys)), region)


def _commune_kinds(district: _Unit, regions: list[list[int]], cells: _Cells,
                   seat: XY) -> list[str]:
    """phường near the centre of a city/town, one thị trấn per huyện, xã elsewhere."""
    if district.kind == "huyện":
        return ["thị trấn"] + ["xã"] * (len(regions) - 1)
    order = sorted(range(len(regions)),
                   key=lambda r: (math.dist(cells.centres[_central_cell(cells, regions[r])], seat), r))
    urban = set(order[:round(len(regions) * _URBAN_SHARE[district.kind])])
    return ["phường" if r in urban else "xã" for r in range(len(regions))]


def _build_old_communes(world: _World) -> None:
    """8-12 communes per district, coded 07201, 07204, ... (urban units first)."""
    rng, cells = world.rng("communes"), world.cells
    names = iter(_commune_names(world.rng("commune-names"), 12 * len(_DISTRICTS)))
    noise = _noise_field(world.rng("commune-noise"))
    for district, (*_, lonlat, _) in zip(world.districts, _DISTRICTS, strict=True):
        seat = to_xy(*lonlat)
        count = 12 if district.kind == "thành phố" else rng.randint(8, 12)
        regions = _lloyd_regions(cells, district.cells, cells.nearest(seat, district.cells),
                                 count, rng, noise)
        kinds = _commune_kinds(district, regions, cells, seat)
        rank = {"phường": 0, "thị trấn": 1, "xã": 2}
        order = sorted(range(count), key=lambda r: (rank[kinds[r]], -cells.centres[regions[r][0]][1], r))
        for r in order:
            code = f"{7201 + 3 * len(world.communes):05d}"
            geom = cells.union(regions[r], world.province)
            world.communes.append(_Unit(code, next(names), kinds[r], regions[r], geom, district.code))
    for c in world.communes:
        world.add("admin_communes", c.geom, code=c.code, name=c.name, kind=c.kind,
                  province_code=PROVINCE_CODE, district_code=c.parent,
                  valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])


def _commune_adjacency(world: _World) -> dict[str, list[str]]:
    """Which pre-2025 communes share a border (via the cell graph)."""
    owner = {cell: c.code for c in world.communes for cell in c.cells}
    pairs = {(owner[a], owner[b]) for a, nbs in enumerate(world.cells.neighbours)
             for b in nbs if owner[a] != owner[b]}
    return {c.code: sorted(b for a, b in pairs if a == c.code) for c in world.communes}


def _try_groups(codes: list[str], adjacency: dict[str, list[str]],
                rng: random.Random) -> list[list[str]] | None:
    """Connected groups of 2-4 communes covering ``codes``, or None when a loner is stuck."""
    group_of: dict[str, list[str]] = {}
    for start in rng.sample(codes, len(codes)):
        if start in group_of:
            continue
        group, size = [start], rng.choice((2, 2, 3, 3, 4))
        group_of[start] = group
        while len(group) < size:
            free = sorted({n for g in group for n in adjacency[g] if n in codes and n not in group_of})
            if not free:
                break
            pick = rng.choice(free)
            group.append(pick)
            group_of[pick] = group
    return _absorb_loners(codes, adjacency, group_of)


def _absorb_loners(codes: list[str], adjacency: dict[str, list[str]],
                   group_of: dict[str, list[str]]) -> list[list[str]] | None:
    """Put each single commune into the smallest neighbouring group that has room."""
    for code in codes:
        if len(group_of[code]) > 1:
            continue
        hosts = [group_of[n] for n in adjacency[code] if n in group_of and len(group_of[n]) in (2, 3)]
        if not hosts:
            return None
        host = min(hosts, key=lambda g: (len(g), g[0]))
        host.append(code)
        group_of[code] = host
    groups = {id(g): g for g in group_of.values()}
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def _merge_groups(codes: list[str], adjacency: dict[str, list[str]],
                  rng: random.Random) -> list[list[str]]:
    """Partition a district's communes into connected groups of 2-4 (retrying if needed)."""
    for _ in range(100):
        groups = _try_groups(codes, adjacency, rng)
        if groups is not None:
            return groups
    raise DemoError("could not group communes for the 2025 merger")


def _build_new_communes(world: _World) -> None:
    """Post-2025 communes: unions of 2-4 neighbouring old communes, no district level."""
    rng, by_code = world.rng("merger"), {c.code: c for c in world.communes}
    groups = [[by_code[code] for code in group] for district in world.districts
              for group in _merge_groups([c.code for c in world.communes if c.parent == district.code],
                                         world.adjacency, rng)]
    for number, members in enumerate(groups):
        code = f"{7801 + 3 * number:05d}"
        urban = [m for m in members if m.kind != "xã"]
        namesake = urban[0] if urban else rng.choice(members)
        geom = world.cells.union([cell for m in members for cell in m.cells], world.province)
        kind = "phường" if any(m.kind == "phường" for m in members) else "xã"
        world.add("admin_communes", geom, code=code, name=namesake.name, kind=kind,
                  province_code=PROVINCE_CODE, district_code="",
                  valid_from=NEW_VALID[0], valid_to=NEW_VALID[1])
        world.successions.extend((m.code, code) for m in members)


# --- rivers and lakes ---------------------------------------------------------------------

_RIVERS = (  # name, (lon, lat) from upstream; freehand
    ("Sông Cầu", ((105.90, 21.47), (105.94, 21.40), (105.96, 21.32), (106.02, 21.25),
                  (106.08, 21.215), (106.18, 21.19), (106.28, 21.16), (106.38, 21.14))),
    ("Sông Thương", ((106.36, 21.56), (106.30, 21.50), (106.25, 21.44), (106.22, 21.37),
                     (106.205, 21.30), (106.20, 21.27), (106.24, 21.22), (106.30, 21.17),
                     (106.36, 21.14), (106.40, 21.13))),
    ("Sông Lục Nam", ((106.92, 21.47), (106.80, 21.43), (106.68, 21.40), (106.58, 21.36),
                      (106.48, 21.31), (106.42, 21.25), (106.40, 21.19), (106.40, 21.135))),
)
_STREAMS = ("Suối Nước Vàng", "Suối Khe Cát", "Suối Đá Mài", "Suối Rèm", "Suối Bò Lăn")
_UPLAND = ("215", "218", "219", "220")  # Yên Thế, Lục Nam, Lục Ngạn, Sơn Động
_LAKES = (  # name, (lon, lat), radius (m), stretch, angle (degrees)
    ("Hồ Cấm Sơn", (106.57, 21.50), 1900.0, 2.3, 35.0),
    ("Hồ Khuôn Thần", (106.50, 21.40), 800.0, 1.6, -20.0),
    ("Hồ Suối Nứa", (106.47, 21.22), 600.0, 1.4, 60.0),
)


def _route(lonlats: Iterable[XY]) -> list[XY]:
    return [to_xy(*p) for p in lonlats]


def _smooth(points: list[XY], rng: random.Random, amplitude: float, step: float,
            iterations: int) -> LineString:
    """A smooth line through ``points`` that meanders by about ``amplitude`` metres."""
    return LineString(_chaikin(_wiggle(points, rng, amplitude, step), iterations))


def _build_water(world: _World) -> None:
    """The three big rivers, a few upland streams and three lakes."""
    rng = world.rng("rivers")
    for name, route in _RIVERS:
        _add_river(world, name, "sông", _smooth(_route(route), rng, 900.0, 1800.0, 4))
    _build_streams(world, world.rng("streams"))
    rng = world.rng("lakes")
    for name, lonlat, radius, stretch, angle in _LAKES:
        lake = _blob(to_xy(*lonlat), radius, rng, stretch, angle, roughness=0.4)
        geom = _multi_polygon(lake.intersection(world.province))
        world.add("water_bodies", geom, name=name, kind="hồ", area_m2=round(geom.area, 1))


def _add_river(world: _World, name: str, kind: str, line: LineString) -> None:
    geom = _multi_line(line.intersection(world.province))
    world.add("rivers", geom, name=name, kind=kind, length_m=round(geom.length, 1))


def _build_streams(world: _World, rng: random.Random) -> None:
    """Streams from upland cells to the nearest point of a big river, 5-16 km long."""
    mains = [f["geom"] for f in world.features["rivers"]]
    upland = [cell for cell in sorted(world.district_of_cell) if world.district_of_cell[cell] in _UPLAND]
    for name in _STREAMS:
        for _ in range(200):
            source = Point(world.cells.centres[rng.choice(upland)])
            river = min(mains, key=lambda m: (source.distance(m), m.length))
            mouth = river.interpolate(river.project(source))
            if world.province.contains(source) and 5000 < source.distance(mouth) < 16000:
                break
        else:
            raise DemoError(f"no place for stream {name}")
        _add_river(world, name, "suối", _smooth([(source.x, source.y), (mouth.x, mouth.y)],
                                                 rng, 500.0, 1200.0, 3))


# --- railways and roads -------------------------------------------------------------------

_RAILWAYS = (
    ("Đường sắt Hà Nội – Lạng Sơn", "lồng 1000/1435",
     ((106.03, 21.19), (106.11, 21.225), (106.20, 21.275), (106.245, 21.335), (106.28, 21.395),
      (106.32, 21.46), (106.37, 21.56))),
    ("Đường sắt Kép – Hạ Long", "1435",
     ((106.28, 21.395), (106.32, 21.35), (106.37, 21.28), (106.42, 21.20), (106.46, 21.13))),
)
_MAIN_ROADS = (  # code, name, class, lanes, (lon, lat) route; freehand
    ("QL1", "Quốc lộ 1", "national", 4,
     ((106.02, 21.20), (106.10, 21.235), (106.19, 21.28), (106.235, 21.34), (106.27, 21.40),
      (106.31, 21.47), (106.35, 21.56))),
    ("QL31", "Quốc lộ 31", "national", 2,
     ((106.19, 21.28), (106.28, 21.29), (106.38, 21.30), (106.47, 21.33), (106.57, 21.37),
      (106.70, 21.36), (106.85, 21.33), (106.95, 21.34), (107.02, 21.35))),
    ("QL37", "Quốc lộ 37", "national", 2,
     ((106.44, 21.12), (106.41, 21.20), (106.38, 21.30), (106.33, 21.36), (106.28, 21.41),
      (106.18, 21.45), (106.10, 21.50), (106.00, 21.56))),
    ("QL17", "Quốc lộ 17", "national", 2,
     ((106.28, 21.13), (106.24, 21.20), (106.19, 21.28), (106.15, 21.34), (106.12, 21.40),
      (106.08, 21.48), (106.05, 21.58))),
    ("QL279", "Quốc lộ 279", "national", 2,
     ((106.90, 21.16), (106.88, 21.25), (106.85, 21.33), (106.76, 21.40), (106.70, 21.47),
      (106.64, 21.56))),
    ("ĐT293", "Đường tỉnh 293", "provincial", 2,
     ((106.38, 21.30), (106.48, 21.26), (106.58, 21.22), (106.68, 21.19), (106.73, 21.17))),
    ("ĐT295", "Đường tỉnh 295", "provincial", 2,
     ((105.92, 21.44), (105.98, 21.38), (106.04, 21.32), (106.10, 21.27), (106.17, 21.275))),
    ("ĐT398", "Đường tỉnh 398", "provincial", 2,
     ((106.20, 21.27), (106.26, 21.24), (106.33, 21.19), (106.38, 21.15))),
    ("ĐT242", "Đường tỉnh 242", "provincial", 2,
     ((106.08, 21.56), (106.16, 21.50), (106.23, 21.44), (106.27, 21.40))),
)
_ROAD_SPECS = {  # class: (surface weights, lane choices, lane width, shoulders)
    "national": ((("bê tông nhựa", 1.0),), (2, 4), 3.5, 3.0),
    "provincial": ((("bê tông nhựa", 0.6), ("láng nhựa", 0.4)), (2,), 3.5, 2.0),
    "district": ((("láng nhựa", 0.5), ("bê tông xi măng", 0.4), ("bê tông nhựa", 0.1)), (2,), 3.0, 1.0),
    "commune": ((("bê tông xi măng", 0.7), ("cấp phối", 0.2), ("láng nhựa", 0.1)), (1, 2), 3.0, 0.5),
    "urban": ((("bê tông nhựa", 1.0),), (2, 4), 3.5, 0.0),
}
_ROAD_COUNTS = {"district": 15, "commune": 20}


def _road_attrs(road_class: str, rng: random.Random, lanes: int | None = None) -> dict:
    """Surface, lanes and width of a road of a class."""
    surfaces, lane_choices, lane_width, shoulders = _ROAD_SPECS[road_class]
    lanes = lanes or rng.choice(lane_choices)
    return {"road_class": road_class, "surface": _weighted(rng, surfaces), "lanes": lanes,
            "width_m": lanes * lane_width + shoulders}


def _add_road(world: _World, code: str, name: str, line: LineString, attrs: dict) -> None:
    geom = _multi_line(line.intersection(world.province))
    if geom.is_empty:
        raise DemoError(f"road {code} misses the province")
    world.add("roads", geom, code=code, name=name, **attrs)


def _build_transport(world: _World) -> None:
    """Railways, national and provincial roads, then district and commune roads."""
    rng = world.rng("transport")
    for name, gauge, route in _RAILWAYS:
        geom = _multi_line(_smooth(_route(route), rng, 150.0, 3000.0, 3).intersection(world.province))
        world.add("railways", geom, name=name, gauge=gauge, length_m=round(geom.length, 1))
    for code, name, road_class, lanes, route in _MAIN_ROADS:
        line = _smooth(_route(route), rng, 300.0, 2500.0, 3)
        _add_road(world, code, name, line, _road_attrs(road_class, rng, lanes))
    _build_district_roads(world, world.rng("district-roads"))
    _build_commune_roads(world, world.rng("commune-roads"))


def _crosses_water(world: _World, line: BaseGeometry) -> bool:
    return any(line.intersects(f["geom"]) for f in world.features["water_bodies"])


def _build_district_roads(world: _World, rng: random.Random) -> None:
    """ĐH roads between the centres of neighbouring communes, round-robin over districts."""
    rural = [d for d in world.districts if d.kind != "thành phố"]
    used: list[tuple[str, str]] = []
    for number in range(1, _ROAD_COUNTS["district"] + 1):
        a, b, line = _district_road(world, rural[(number - 1) % len(rural)], used, rng)
        used += [(a.code, b.code), (b.code, a.code)]
        _add_road(world, f"ĐH.{number:02d}", f"Đường {a.name} – {b.name}", line,
                  _road_attrs("district", rng))


def _district_road(world: _World, district: _Unit, used: list[tuple[str, str]],
                   rng: random.Random) -> tuple[_Unit, _Unit, LineString]:
    """Two neighbouring communes of a district not linked yet, and a road between them."""
    by_code = {c.code: c for c in world.communes}
    candidates = [c for c in world.communes if c.parent == district.code]
    for _ in range(200):
        a = rng.choice(candidates)
        b = by_code[rng.choice(world.adjacency[a.code])]
        line = _smooth([_xy(_anchor(a.geom)), _xy(_anchor(b.geom))], rng, 120.0, 900.0, 2)
        if b.parent == a.parent and (a.code, b.code) not in used and not _crosses_water(world, line):
            return a, b, line
    raise DemoError(f"no district road fits in {district.name}")


def _xy(point: Point) -> XY:
    return point.x, point.y


def _build_commune_roads(world: _World, rng: random.Random) -> None:
    """ĐX roads: 1.5-3 km from the centres of rural communes, kept inside the commune."""
    rural = [c for c in world.communes if c.kind == "xã"]
    roads: list[tuple[_Unit, BaseGeometry]] = []
    for commune in rng.sample(rural, len(rural)):
        line = _commune_road(world, commune, rng)
        if line is not None:
            roads.append((commune, line))
        if len(roads) == _ROAD_COUNTS["commune"]:
            break
    else:
        raise DemoError("no room for the commune roads")
    for number, (commune, line) in enumerate(sorted(roads, key=lambda r: r[0].code), start=1):
        _add_road(world, f"ĐX.{number:02d}", f"Đường trục xã {commune.name}", line,
                  _road_attrs("commune", rng))


def _commune_road(world: _World, commune: _Unit, rng: random.Random) -> BaseGeometry | None:
    """A road over 1 km long from the commune centre, inside it and off the water, if any."""
    start = _xy(_anchor(commune.geom))
    for _ in range(20):
        angle, length = rng.uniform(0, 2 * math.pi), rng.uniform(1500, 3000)
        end = (start[0] + length * math.cos(angle), start[1] + length * math.sin(angle))
        line = _smooth([start, end], rng, 80.0, 600.0, 2).intersection(commune.geom)
        if line.length > 1000 and not _crosses_water(world, line):
            return line
    return None


# --- people, owners, companies ------------------------------------------------------------

_SURNAMES = (("Nguyễn", 30), ("Trần", 10), ("Lê", 8), ("Phạm", 6), ("Hoàng", 5), ("Vũ", 4),
             ("Đặng", 3), ("Bùi", 4), ("Đỗ", 4), ("Ngô", 4), ("Dương", 3), ("Thân", 5),
             ("Giáp", 4), ("Hà", 3), ("Lý", 2), ("Đào", 3), ("Nghiêm", 2))
_MIDDLE = {False: ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân"),
           True: ("Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng")}
_GIVEN = {False: ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long",
                  "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Trung", "Tuấn",
                  "Việt", "Hiếu", "Tùng", "Đông", "Lâm"),
          True: ("Anh", "Bích", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hoa", "Hương", "Lan",
                 "Linh", "Mai", "Nga", "Ngân", "Nhung", "Phương", "Quyên", "Thảo", "Trang",
                 "Vân", "Yến", "Huyền", "Loan", "Thủy")}
_CERTIFICATE_SERIES = (("CS", 45), ("DĐ", 20), ("CH", 20), ("BĐ", 15))
_BRANDS = ("Hưng Thịnh", "Phú Cường", "Trường Sơn", "Minh Phát", "Thành Đạt", "An Khang",
           "Đức Lộc", "Hoàng Long", "Tân Phát", "Quang Vinh")


def _person(rng: random.Random) -> tuple[str, str]:
    """A plausible full name and a matching 12-digit CCCD number issued in Bắc Giang (024)."""
    female = rng.random() < 0.5
    name = f"{_weighted(rng, _SURNAMES)} {rng.choice(_MIDDLE[female])} {rng.choice(_GIVEN[female])}"
    born = rng.randint(1945, 2003)
    century_sex = (0 if born < 2000 else 2) + int(female)
    return name, f"024{century_sex}{born % 100:02d}{rng.randrange(10 ** 6):06d}"


def _certificate(rng: random.Random) -> str:
    return f"{_weighted(rng, _CERTIFICATE_SERIES)} {rng.randrange(10 ** 6):06d}"


def _company(rng: random.Random, trade: str) -> str:
    return f"Công ty {rng.choice(('TNHH', 'cổ phần'))} {trade} {rng.choice(_BRANDS)}"


def _owner(commune: _Unit, land_use: str, rng: random.Random) -> dict[str, str]:
    """Who holds a parcel: the commune for public land, a school, a company or a person."""
    authority = f"UBND {commune.kind} {commune.name}"
    if land_use in ("DGT", "DTL", "NTD"):
        return {"owner_name": authority, "owner_id_number": "", "certificate_number": ""}
    holder = {"TSC": authority, "DGD": f"Trường Tiểu học {commune.name}",
              "SKC": _company(rng, "Sản xuất thương mại")}.get(land_use)
    if holder:
        return {"owner_name": holder, "owner_id_number": "", "certificate_number": _certificate(rng)}
    name, id_number = _person(rng)
    return {"owner_name": name, "owner_id_number": id_number, "certificate_number": _certificate(rng)}


# --- land: parcels and land-use plan zones ------------------------------------------------

_PARCEL_TARGETS = (800, 750, 700, 750)  # two city wards, a township, a rural commune
_CLEARANCE = {"roads": 8.0, "railways": 15.0, "rivers": 40.0, "water_bodies": 10.0}
_LAND_USE = {  # (urban frame, residential block): land-use weights
    (True, True): (("ODT", 85), ("TSC", 3), ("DGD", 3), ("SKC", 3), ("CLN", 4), ("DGT", 2)),
    (False, True): (("ONT", 70), ("CLN", 15), ("BHK", 5), ("TSC", 2), ("DGD", 2), ("NTS", 3),
                    ("NTD", 3)),
    (False, False): (("LUC", 62), ("BHK", 14), ("CLN", 10), ("NTS", 7), ("DTL", 3), ("NTD", 2),
                     ("RSX", 2)),
}
_VILLAGES = ("Thôn Đông", "Thôn Đoài", "Thôn Trung", "Thôn Thượng", "Thôn Hạ", "Thôn Tân Lập",
             "Thôn Đồng Tâm", "Thôn Chùa", "Thôn Nội")
_FIELDS = ("Cửa Đình", "Mả Giữa", "Đồng Chằm", "Bãi Dưới", "Gò Cao", "Cầu Đá", "Ao Sen",
           "Đồng Trong")
_STREET_NAMES = ("Hùng Vương", "Xương Giang", "Lê Lợi", "Nguyễn Văn Cừ", "Ngô Gia Tự",
                 "Trần Nguyên Hãn", "Nguyễn Thị Minh Khai", "Lý Thái Tổ", "Hoàng Văn Thụ",
                 "Thân Nhân Trung", "Giáp Hải", "Nguyễn Du", "Trần Phú", "Lê Lai", "Quang Trung",
                 "Hoàng Hoa Thám", "Nguyễn Khắc Nhu", "Võ Thị Sáu", "Thân Cảnh Phúc",
                 "Lý Thường Kiệt", "Trần Quang Khải", "Nguyễn Công Hãng", "Đào Sư Tích",
                 "Lê Hồng Phong", "Nguyễn Trãi")
_PLAN_CHANGES = (("ODT", 40), ("SKC", 20), ("DGT", 15), ("TSC", 10), ("DGD", 10), ("CLN", 5))
_ZONES_PER_COMMUNE = 15


def _build_land(world: _World) -> None:
    """Parcel blocks in four communes, the city streets between them, and plan zones."""
    rng = world.rng("parcels")
    for frame, target in _parcel_frames(world):
        world.lots += _place_blocks(frame, target, _blocked(world, frame.commune.geom), rng)
    _build_urban_streets(world, world.rng("streets"))
    _build_parcels(world, world.rng("owners"))
    _build_plan_zones(world, world.rng("plan"))


def _line_length_inside(world: _World, area: BaseGeometry) -> float:
    """Metres of road, railway and river inside an area."""
    lines = [f["geom"] for layer_id in ("roads", "railways", "rivers")
             for f in world.features[layer_id]]
    return float(shapely.length(shapely.intersection(lines, area)).sum())


def _parcel_frames(world: _World) -> list[tuple[_Frame, int]]:
    """Two quiet city wards, the Lạng Giang township and a Tân Yên commune, with targets."""
    def quiet(c: _Unit) -> tuple[float, str]:
        return _line_length_inside(world, c.geom), c.code

    wards = sorted((c for c in world.communes if c.parent == "213" and c.kind == "phường"),
                   key=quiet)[:2]
    township = next(c for c in world.communes if c.parent == "217" and c.kind == "thị trấn")
    rural = min((c for c in world.communes if c.parent == "216" and c.kind == "xã"), key=quiet)
    rng = world.rng("frames")
    return [(_Frame(c, _xy(_anchor(c.geom)), rng.uniform(-0.4, 0.4), c.kind != "xã"), target)
            for c, target in zip([*wards, township, rural], _PARCEL_TARGETS, strict=True)]


def _blocked(world: _World, area: BaseGeometry) -> BaseGeometry:
    """Where parcels may not go near ``area``: roads, railways, rivers and water, widened."""
    box = area.buffer(100.0).bounds
    shapes = [shapely.clip_by_rect(f["geom"], *box).buffer(margin + float(f.get("width_m") or 0) / 2)
              for layer_id, margin in _CLEARANCE.items() for f in world.features[layer_id]]
    blocked = shapely.union_all(shapes)
    shapely.prepare(blocked)
    return blocked


def _place_blocks(frame: _Frame, target: int, blocked: BaseGeometry,
                  rng: random.Random) -> list[_Lot]:
    """Blocks from the frame centre outwards, where they fit, until ``target`` parcels."""
    inside = frame.commune.geom.buffer(-20.0)
    shapely.prepare(inside)
    lots: list[_Lot] = []
    for block in frame.spiral(12):
        if len(lots) >= target:
            break
        footprint = frame.footprint(block)
        if inside.contains(footprint) and not blocked.intersects(footprint):
            lots += _block_lots(frame, block, rng)
    return lots


def _cuts(total: float, low: float, rng: random.Random) -> list[float]:
    """Edges 0 < ... < total of pieces between ``low`` and ``2 * low`` wide."""
    edges = [0.0]
    while total - edges[-1] > 2 * low:
        edges.append(edges[-1] + rng.uniform(low, min(2 * low, total - edges[-1] - low)))
    return [*edges, total]


def _jitter(edges: list[float], rng: random.Random) -> list[float]:
    """Move the inner edges by up to 0.8 m, so parcels are slightly irregular."""
    return [e if k in (0, len(edges) - 1) else e + rng.uniform(-0.8, 0.8)
            for k, e in enumerate(edges)]


def _block_lots(frame: _Frame, block: tuple[int, int], rng: random.Random) -> list[_Lot]:
    """Two rows of quadrilateral parcels that tile the block's footprint exactly."""
    residential = frame.urban or max(abs(block[0]), abs(block[1])) <= 1
    low = 8.0 if residential else 13.0
    x0, y0 = frame.block_origin(block)
    lots = []
    for row in (0, 1):
        edges = _cuts(frame.block_width, low, rng)
        bottom, top = _jitter(edges, rng), _jitter(edges, rng)
        y = y0 + row * frame.depth
        for k in range(len(edges) - 1):
            quad = [(x0 + bottom[k], y), (x0 + bottom[k + 1], y),
                    (x0 + top[k + 1], y + frame.depth), (x0 + top[k], y + frame.depth)]
            safe = (x0 + max(bottom[k], top[k]) + 1.0, x0 + min(bottom[k + 1], top[k + 1]) - 1.0)
            lots.append(_Lot(frame, block, row, safe, y, residential,
                             MultiPolygon([frame.polygon(quad)])))
    return lots


def _frames(world: _World) -> list[_Frame]:
    """The parcel frames, in the order they were laid out."""
    frames: list[_Frame] = []
    for lot in world.lots:
        if not frames or frames[-1] is not lot.frame:
            frames.append(lot.frame)
    return frames


def _blocks(world: _World, frame: _Frame) -> list[tuple[int, int]]:
    """The blocks of a frame in the order they were placed."""
    return list(dict.fromkeys(lot.block for lot in world.lots if lot.frame is frame))


def _street_lines(blocks: list[tuple[int, int]], axis: int) -> dict[int, tuple[int, int]]:
    """Street line index -> (first, last) block position along it, for lines next to blocks."""
    lines: dict[int, tuple[int, int]] = {}
    for line in sorted({b[axis] + side for b in blocks for side in (0, 1)}):
        along = [b[1 - axis] for b in blocks if b[axis] in (line - 1, line)]
        lines[line] = (min(along), max(along))
    return lines


def _build_urban_streets(world: _World, rng: random.Random) -> None:
    """City streets (ĐĐT.xx) along every other gap between block rows, and three cross streets.

    The gaps in between are lanes (ngõ) off the nearest street.
    """
    names = iter(_STREET_NAMES)
    city = [f for f in _frames(world) if f.commune.parent == "213"]
    for frame in city:
        blocks = _blocks(world, frame)
        (px, py), half = frame.pitch, frame.gap / 2
        for j, (first, last) in _street_lines(blocks, axis=1).items():
            if j % 2:
                continue
            frame.streets[j] = next(names)
            line = [(first * px - half, j * py - half), ((last + 1) * px - half, j * py - half)]
            _add_street(world, frame, line, frame.streets[j], rng)
        cross = _street_lines(blocks, axis=0)
        busiest = sorted(cross, key=lambda i: (-(cross[i][1] - cross[i][0]), i))[:3]
        for i in sorted(busiest):
            first, last = cross[i]
            line = [(i * px - half, first * py - half), (i * px - half, (last + 1) * py - half)]
            _add_street(world, frame, line, next(names), rng)


def _add_street(world: _World, frame: _Frame, local: list[XY], name: str,
                rng: random.Random) -> None:
    code = f"ĐĐT.{sum(f['road_class'] == 'urban' for f in world.features['roads']) + 1:02d}"
    attrs = _road_attrs("urban", rng)
    attrs["width_m"] = min(attrs["width_m"], frame.gap - 2.0)
    _add_road(world, code, f"Đường {name}", LineString([frame.world(*p) for p in local]), attrs)


def _number_houses(lots: list[_Lot]) -> None:
    """House numbers along each street: odd on the north side, even on the south side."""
    sides: dict[tuple[int, int], list[_Lot]] = {}
    for lot in lots:
        sides.setdefault((lot.block[1] + lot.row, lot.row), []).append(lot)
    for (_, row), side in sorted(sides.items()):
        for k, lot in enumerate(sorted(side, key=lambda lt: lt.safe_x[0])):
            lot.number = 2 * k + (2 if row else 1)


def _address(lot: _Lot) -> str:
    """A street address in the city, a residential group in a township, a village or field."""
    commune, (i, j) = lot.frame.commune, lot.block
    unit = f"{commune.kind} {commune.name}"
    streets, line = lot.frame.streets, j + lot.row
    if line in streets:
        return f"Số {lot.number} đường {streets[line]}, {unit}"
    if streets:
        street = streets.get(line - 1) or streets[line + 1]
        return f"Số {lot.number} ngõ {10 + 2 * abs(line)} đường {street}, {unit}"
    if lot.frame.urban:
        return f"Tổ dân phố số {1 + (abs(i) + 2 * abs(j)) % 9}, {unit}"
    if lot.residential:
        return f"{_VILLAGES[(i + 1) + 3 * (j + 1)]}, {unit}"
    return f"Xứ đồng {_FIELDS[(7 * i + 3 * j) % len(_FIELDS)]}, {unit}"


def _build_parcels(world: _World, rng: random.Random) -> None:
    """Parcel attributes: five blocks per map sheet, parcels numbered per sheet."""
    for frame in _frames(world):
        lots = [lot for lot in world.lots if lot.frame is frame]
        _number_houses(lots)
        sheet_of = {block: 1 + k // 5 for k, block in enumerate(_blocks(world, frame))}
        numbers: dict[int, int] = {}
        for lot in lots:
            sheet = sheet_of[lot.block]
            numbers[sheet] = numbers.get(sheet, 0) + 1
            land_use = _weighted(rng, _LAND_USE[(frame.urban, lot.residential)])
            lot.feature = world.add(
                "land_parcels", lot.geom, commune_code=frame.commune.code, sheet_no=sheet,
                parcel_no=numbers[sheet], land_use_code=land_use,
                area_m2=Decimal(f"{lot.geom.area:.1f}"), address=_address(lot),
                **_owner(frame.commune, land_use, rng))


def _build_plan_zones(world: _World, rng: random.Random) -> None:
    """Land-use plan zones 2021-2030 over some parcel blocks (most keep their current use)."""
    number = 0
    for frame in _frames(world):
        approved = date(2021, 12, 1) + timedelta(days=rng.randrange(240))
        blocks = _blocks(world, frame)
        for block in sorted(rng.sample(blocks, min(_ZONES_PER_COMMUNE, len(blocks)))):
            uses = [lot.feature["land_use_code"] for lot in world.lots
                    if lot.frame is frame and lot.block == block]
            current = max(sorted(set(uses)), key=uses.count)
            number += 1
            world.add("land_use_plan_zones", MultiPolygon([frame.footprint(block)]),
                      plan_code=f"QH2030-24-{number:04d}",
                      land_use_code=current if rng.random() < 0.7 else _weighted(rng, _PLAN_CHANGES),
                      period="2021-2030", commune_code=frame.commune.code,
                      approved_by="UBND tỉnh Bắc Giang", approved_on=approved)


# --- construction: buildings, permits, urban planning zones -------------------------------

_BUILDING_COUNT = 1500
_PERMIT_COUNT = 120
_USES = {  # land use: (use, weight, fewest floors, most floors)
    "ODT": (("nhà ở", 65, 2, 5), ("nhà ở kết hợp kinh doanh", 25, 3, 9), ("cửa hàng", 10, 1, 3)),
    "ONT": (("nhà ở", 90, 1, 3), ("cửa hàng", 10, 1, 2)),
    "TSC": (("trụ sở", 1, 2, 5),),
    "DGD": (("trường học", 1, 2, 4),),
    "SKC": (("nhà xưởng", 1, 1, 2),),
}
_PURPOSES = (("Nhà ở riêng lẻ", 70), ("Cải tạo, sửa chữa nhà ở riêng lẻ", 12),
             ("Nhà ở kết hợp kinh doanh", 12), ("Công trình thương mại, dịch vụ", 6))
_ZONE_FUNCTIONS = (  # function, weight, FAR, height (m), coverage (%) ranges
    ("đất ở mới", 30, (2.5, 4.0), (15, 27), (50, 70)),
    ("đất ở hiện trạng cải tạo", 20, (2.0, 3.5), (12, 21), (60, 80)),
    ("thương mại dịch vụ", 12, (4.0, 8.0), (30, 60), (40, 60)),
    ("hỗn hợp", 8, (4.0, 7.0), (30, 50), (40, 60)),
    ("cây xanh", 12, (0.05, 0.2), (6, 9), (3, 5)),
    ("công cộng", 8, (1.5, 3.0), (15, 25), (30, 40)),
    ("giáo dục", 6, (1.2, 2.0), (12, 18), (30, 40)),
    ("công nghiệp", 4, (1.0, 1.8), (15, 24), (50, 60)),
)
_URBAN_ZONE_COUNT = 40
_CITY_CENTRE = (106.194, 21.273)


def _build_construction(world: _World) -> None:
    _build_buildings(world, world.rng("buildings"))
    _build_permits(world, world.rng("permits"))
    _build_urban_zones(world, world.rng("urban-zones"))


def _building_footprint(lot: _Lot, rng: random.Random) -> MultiPolygon:
    """A rectangle near the street front of a parcel, clear of its boundaries."""
    x0, x1 = lot.safe_x
    if not lot.frame.urban:
        x1 = min(x1, x0 + rng.uniform(7.0, 10.0))
    setback = rng.uniform(0.5, 3.0)
    length = min(rng.uniform(9.0, 16.0), lot.frame.depth - setback - 2.0)
    front = lot.y0 + (lot.frame.depth - setback if lot.row else setback)
    back = front - length if lot.row else front + length
    return MultiPolygon([lot.frame.polygon([(x0, front), (x1, front), (x1, back), (x0, back)])])


def _build_buildings(world: _World, rng: random.Random) -> None:
    """Houses, shops, offices and schools on built-up parcels."""
    candidates = [lot for lot in world.lots if lot.feature["land_use_code"] in _USES]
    chosen = sorted(rng.sample(range(len(candidates)), min(_BUILDING_COUNT, len(candidates))))
    for number, k in enumerate(chosen, start=1):
        lot = candidates[k]
        uses = _USES[lot.feature["land_use_code"]]
        use, _, fewest, most = rng.choices(uses, weights=[u[1] for u in uses])[0]
        floors = rng.randint(fewest, most)
        world.add("buildings", _building_footprint(lot, rng), code=f"CT-24-{number:06d}",
                  use=use, floors=floors, height_m=round(floors * 3.5 + rng.uniform(0.3, 1.2), 1))


def _permit_status(issued: date, rng: random.Random) -> str:
    """Old permits are finished or lapsed, recent ones issued or under construction."""
    if issued.year < 2022:
        return _weighted(rng, (("hoàn công", 60), ("hết hạn", 40)))
    if issued.year < 2024:
        return _weighted(rng, (("hoàn công", 50), ("đang thi công", 30), ("hết hạn", 20)))
    return _weighted(rng, (("đã cấp", 50), ("đang thi công", 50)))


def _build_permits(world: _World, rng: random.Random) -> None:
    """Construction permits for city house plots, 2020-2025, numbered per year."""
    plots = [lot for lot in world.lots if lot.frame.streets and lot.feature["land_use_code"] == "ODT"]
    taken: set[tuple[int, int]] = set()
    for k in sorted(rng.sample(range(len(plots)), _PERMIT_COUNT)):
        year = rng.randint(2020, 2025)
        issued = date(year, 1, 2) + timedelta(days=rng.randrange(300))
        number = rng.randint(1, 999)
        while (year, number) in taken:
            number = rng.randint(1, 999)
        taken.add((year, number))
        world.add("construction_permits", plots[k].geom.centroid,
                  permit_number=f"{number}/GPXD-{year}", issued_on=issued,
                  status=_permit_status(issued, rng), purpose=_weighted(rng, _PURPOSES),
                  investor_name=_person(rng)[0])


def _points_in(area: BaseGeometry, count: int, rng: random.Random) -> list[Point]:
    """``count`` random points inside an area."""
    xmin, ymin, xmax, ymax = area.bounds
    points: list[Point] = []
    for _ in range(count * 1000):
        point = Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax))
        if area.contains(point):
            points.append(point)
            if len(points) == count:
                return points
    raise DemoError("area too small for its points")


def _build_urban_zones(world: _World, rng: random.Random) -> None:
    """Planning zones OQH-01.. over the city centre: Voronoi cells of random points."""
    core = _blob(to_xy(*_CITY_CENTRE), 2600.0, rng, 1.3, rng.uniform(0, 180), roughness=0.25)
    region = world.district("213").geom.intersection(core)
    points = sorted(_points_in(region, _URBAN_ZONE_COUNT, rng), key=lambda p: (-round(p.y, -2), p.x))
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=region.envelope.buffer(500.0),
                                     ordered=True)
    for number, cell in enumerate(shapely.get_parts(cells), start=1):
        function, _, far, height, density = rng.choices(_ZONE_FUNCTIONS,
                                                        weights=[z[1] for z in _ZONE_FUNCTIONS])[0]
        world.add("urban_planning_zones", _multi_polygon(cell.intersection(region)),
                  zone_code=f"OQH-{number:02d}", function=function,
                  max_far=round(rng.uniform(*far), 2), max_height_m=float(3 * round(rng.uniform(*height) / 3)),
                  max_density_pct=float(round(rng.uniform(*density))))


# --- resources: ponds, forests, mineral sites ---------------------------------------------

_POND_COUNT = 10
_LOWLAND = ("216", "217", "221", "222", "223")
_FORESTS = (("220", 27), ("219", 20), ("218", 15), ("215", 10))
_SPECIAL_FORESTS = 8
_TAY_YEN_TU = (106.73, 21.17)
_PROTECTED_LAKES = ("Hồ Cấm Sơn", "Hồ Khuôn Thần")
_MINERAL_CELLS = (("than", "220", 3), ("than", "218", 2), ("đá xây dựng", "218", 1),
                  ("đá xây dựng", "215", 1), ("đất sét", "222", 1), ("đất sét", "216", 1),
                  ("đất sét", "221", 1))
_SAND_RIVERS = (("Sông Cầu", 2), ("Sông Thương", 2), ("Sông Lục Nam", 1))
_TRADES = {"than": "Khai thác than", "cát sỏi": "Cát sỏi", "đất sét": "Gạch ngói",
           "đá xây dựng": "Đá xây dựng"}
_LICENSE_STATUS = (("còn hiệu lực", 60), ("hết hạn", 25), ("thu hồi", 15))


def _build_resources(world: _World) -> None:
    _build_ponds(world, world.rng("ponds"))
    _build_forests(world, world.rng("forests"))
    _build_minerals(world, world.rng("minerals"))


def _cells_of(world: _World, district_code: str) -> list[int]:
    return [c for c in sorted(world.district_of_cell) if world.district_of_cell[c] == district_code]


def _build_ponds(world: _World, rng: random.Random) -> None:
    """Village ponds in the lowland districts, clear of parcels, roads and rivers."""
    taken = shapely.STRtree([f["geom"] for layer_id in ("land_parcels", "roads", "railways",
                                                          "rivers", "water_bodies")
                             for f in world.features[layer_id]])
    lowland = [c for code in _LOWLAND for c in _cells_of(world, code)]
    named: list[str] = []
    for _ in range(1000):
        centre = world.cells.centres[rng.choice(lowland)]
        commune = world.commune_at(Point(centre))
        pond = _blob(centre, rng.uniform(40.0, 90.0), rng, rng.uniform(1.0, 1.8), rng.uniform(0, 180))
        if commune.name in named or not world.province.contains(pond) \
                or len(taken.query(pond.buffer(15.0), predicate="intersects")):
            continue
        named.append(commune.name)
        world.add("water_bodies", MultiPolygon([pond]), name=f"Ao làng {commune.name}", kind="ao",
                  area_m2=round(pond.area, 1))
        if len(named) == _POND_COUNT:
            return
    raise DemoError("no room for the village ponds")


def _forest_type(world: _World, centre: Point, district_code: str) -> str:
    """Protection forest around the big lakes and along the northern/eastern border."""
    lakes = [f["geom"] for f in world.features["water_bodies"] if f["name"] in _PROTECTED_LAKES]
    near_lake = min(lake.distance(centre) for lake in lakes) < 4000
    near_border = district_code in ("219", "220") and world.province.exterior.distance(centre) < 2500
    return "protection" if near_lake or near_border else "production"


def _forest_cluster(world: _World, start: int, free: set[int], rng: random.Random) -> list[int]:
    """6-14 free neighbouring cells of one district, grown at random from ``start``."""
    district, size = world.district_of_cell[start], rng.randint(6, 14)
    cluster = [start]
    while len(cluster) < size:
        frontier = sorted({n for c in cluster for n in world.cells.neighbours[c]
                           if n in free and n not in cluster and world.district_of_cell[n] == district})
        if not frontier:
            break
        cluster.append(rng.choice(frontier))
    return cluster


def _forest_plot(world: _World, cluster: list[int], water: BaseGeometry) -> MultiPolygon:
    """A rounded forest plot inside a cluster of cells, not over water."""
    area = world.cells.union(cluster, world.province).buffer(-150.0).buffer(100.0)
    return _multi_polygon(area.difference(water))


def _build_forests(world: _World, rng: random.Random) -> None:
    """Forest plots in the uplands; special-use ones around Tây Yên Tử in Sơn Động."""
    centre = to_xy(*_TAY_YEN_TU)
    special = sorted(_cells_of(world, "220"), key=lambda c: (math.dist(world.cells.centres[c], centre), c))
    starts = [(c, "special_use") for c in special[:_SPECIAL_FORESTS * 10:10]]
    for code, count in _FORESTS:
        starts += [(c, "") for c in rng.sample(_cells_of(world, code), 3 * count)]
    water = shapely.union_all([f["geom"] for f in world.features["water_bodies"]])
    free, wanted = set(world.district_of_cell), dict(_FORESTS)
    tk_numbers = iter(rng.sample(range(1, 400), _SPECIAL_FORESTS + sum(wanted.values())))
    for start, kind in starts:
        code = world.district_of_cell[start]
        if start not in free or (not kind and wanted[code] == 0):
            continue
        cluster = _forest_cluster(world, start, free, rng)
        geom = _forest_plot(world, cluster, water)
        if geom.area < 200_000:
            continue
        free.difference_update(cluster)
        wanted[code] -= 0 if kind else 1
        world.add("forest_areas", geom, forest_type=kind or _forest_type(world, geom.centroid, code),
                  plot_code=f"TK{next(tk_numbers)}-K{rng.randint(1, 9)}-L{rng.randint(1, 20)}",
                  area_m2=round(geom.area, 1))


def _mineral_points(world: _World, rng: random.Random) -> list[tuple[str, Point]]:
    """Coal, stone and clay in cells of their districts; sand and gravel on the rivers."""
    sites = []
    for mineral, code, count in _MINERAL_CELLS:
        cells = [c for c in _cells_of(world, code)
                 if world.province.contains(Point(world.cells.centres[c]))]
        sites += [(mineral, Point(world.cells.centres[c])) for c in rng.sample(cells, count)]
    rivers = {f["name"]: f["geom"] for f in world.features["rivers"]}
    for name, count in _SAND_RIVERS:
        longest = max(rivers[name].geoms, key=lambda g: g.length)
        sites += [("cát sỏi", longest.interpolate(rng.uniform(0.15, 0.85), normalized=True))
                  for _ in range(count)]
    return sites


def _build_minerals(world: _World, rng: random.Random) -> None:
    sites = _mineral_points(world, rng)
    for (mineral, point), number in zip(sites, rng.sample(range(12, 980), len(sites)), strict=True):
        world.add("mineral_sites", point, license_number=f"{number}/GP-UBND", mineral=mineral,
                  license_status=_weighted(rng, _LICENSE_STATUS),
                  licensee=_company(rng, _TRADES[mineral]))


# --- bridges ------------------------------------------------------------------------------

_BRIDGE_LOADS = {"national": (30.0,), "provincial": (25.0, 30.0), "district": (13.0, 18.0),
                 "commune": (5.0, 8.0, 10.0), "urban": (30.0,)}
_BRIDGE_SPANS = {"sông": (140.0, 320.0), "suối": (12.0, 36.0)}


def _build_bridges(world: _World) -> None:
    """A bridge wherever a road crosses a river, named after the commune it stands in."""
    rng = world.rng("bridges")
    for road in world.features["roads"]:
        names: dict[str, int] = {}
        for river in world.features["rivers"]:
            crossings = _points(road["geom"].intersection(river["geom"]))
            for point in sorted(crossings, key=lambda p: (road["geom"].project(p), p.x)):
                base = f"Cầu {world.commune_at(point).name}"
                names[base] = names.get(base, 0) + 1
                name = base if names[base] == 1 else f"{base} {names[base]}"
                world.add("bridges", point, name=name, road_code=road["code"],
                          length_m=round(rng.uniform(*_BRIDGE_SPANS[river["kind"]]), 1),
                          load_limit_t=rng.choice(_BRIDGE_LOADS[road["road_class"]]))
