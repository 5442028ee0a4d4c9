# SPDX-License-Identifier: MIT
"""Resources: rivers, streams and lakes; village ponds, forests and mineral sites."""
from __future__ import annotations

import math
import random

import shapely
from shapely.geometry import LineString, MultiPolygon, Point
from shapely.geometry.base import BaseGeometry

from layers.demo.core import DemoError
from layers.demo.geometry import (
    blob,
    multi_line,
    multi_polygon,
    projected,
    smooth_line,
    to_xy,
    weighted,
)
from layers.demo.people import random_company
from layers.demo.world import World

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



def build_water(world: World) -> None:
    """The three big rivers, a few upland streams and three lakes."""
    rng = world.rng("rivers")
    for name, route in _RIVERS:
        _add_river(world, name, "sông", smooth_line(projected(route), rng, 900.0, 1800.0, 4))
    _build_streams(world, world.rng("streams"))
    rng = world.rng("lakes")
    for name, lonlat, radius, stretch, angle in _LAKES:
        lake = blob(to_xy(*lonlat), radius, rng, stretch, angle, roughness=0.4)
        geom = multi_polygon(lake.intersection(world.province))
        world.add("water_bodies", geom, name=name, kind="hồ", area_m2=round(geom.area, 1))


def _add_river(world: World, name: str, kind: str, line: LineString) -> None:
    geom = multi_line(line.intersection(world.province))
    world.add("rivers", geom, name=name, kind=kind, length_m=round(geom.length, 1))


def _build_streams(world: World, rng: random.Random) -> None:
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
        _add_river(world, name, "suối", smooth_line([(source.x, source.y), (mouth.x, mouth.y)],
                                                 rng, 500.0, 1200.0, 3))


# --- resources: ponds, forests, mineral sites ---------------------------------------------

_POND_COUNT = 10
_LOWLAND = ("213", "216", "217", "222", "223")
_FORESTS = (("220", 27), ("219", 20), ("218", 15), ("215", 10))
_SPECIAL_FORESTS = 8
_TAY_YEN_TU = (106.73, 21.17)
_PROTECTED_LAKES = ("Hồ Cấm Sơn", "Hồ Khuôn Thần")
_MINERAL_CELLS = (("than", "220", 3), ("than", "218", 2), ("đá xây dựng", "218", 1),
                  ("đá xây dựng", "215", 1), ("đất sét", "222", 1), ("đất sét", "216", 1),
                  ("đất sét", "213", 1))
_SAND_RIVERS = (("Sông Cầu", 2), ("Sông Thương", 2), ("Sông Lục Nam", 1))
_TRADES = {"than": "Khai thác than", "cát sỏi": "Cát sỏi", "đất sét": "Gạch ngói",
           "đá xây dựng": "Đá xây dựng"}
_LICENSE_STATUS = (("còn hiệu lực", 60), ("hết hạn", 25), ("thu hồi", 15))


def build_resources(world: World) -> None:
    _build_ponds(world, world.rng("ponds"))
    _build_forests(world, world.rng("forests"))
    _build_minerals(world, world.rng("minerals"))


def _cells_of(world: World, district_code: str) -> list[int]:
    return [c for c in sorted(world.district_of_cell) if world.district_of_cell[c] == district_code]


def _build_ponds(world: World, rng: random.Random) -> None:
    """Village ponds in the lowland districts, clear of parcels, roads and rivers."""
    taken = shapely.STRtree([f["geom"] for layer_id in ("land_parcels", "roads", "railways",
                                                          "rivers", "water_bodies")
                             for f in world.features[layer_id]])
    lowland = [c for code in _LOWLAND for c in _cells_of(world, code)]
    named: list[str] = []
    for _ in range(1000):
        centre = world.cells.centres[rng.choice(lowland)]
        commune = world.commune_at(Point(centre))
        pond = blob(centre, rng.uniform(40.0, 90.0), rng, rng.uniform(1.0, 1.8), rng.uniform(0, 180))
        if commune.name in named or not world.province.contains(pond) \
                or len(taken.query(pond.buffer(15.0), predicate="intersects")):
            continue
        named.append(commune.name)
        world.add("water_bodies", MultiPolygon([pond]), name=f"Ao làng {commune.name}", kind="ao",
                  area_m2=round(pond.area, 1))
        if len(named) == _POND_COUNT:
            return
    raise DemoError("no room for the village ponds")


def _forest_type(world: World, centre: Point, district_code: str) -> str:
    """Protection forest around the big lakes and along the northern/eastern border."""
    lakes = [f["geom"] for f in world.features["water_bodies"] if f["name"] in _PROTECTED_LAKES]
    near_lake = min(lake.distance(centre) for lake in lakes) < 4000
    near_border = district_code in ("219", "220") and world.province.exterior.distance(centre) < 2500
    return "protection" if near_lake or near_border else "production"


def _forest_cluster(world: World, start: int, free: set[int], rng: random.Random) -> list[int]:
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


def _forest_plot(world: World, cluster: list[int], water: BaseGeometry) -> MultiPolygon:
    """A rounded forest plot inside a cluster of cells, not over water."""
    area = world.cells.union(cluster, world.province).buffer(-150.0).buffer(100.0)
    return multi_polygon(area.difference(water))


def _build_forests(world: World, rng: random.Random) -> None:
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


def _mineral_points(world: World, rng: random.Random) -> list[tuple[str, Point]]:
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


def _build_minerals(world: World, rng: random.Random) -> None:
    sites = _mineral_points(world, rng)
    for (mineral, point), number in zip(sites, rng.sample(range(12, 980), len(sites)), strict=True):
        world.add("mineral_sites", point, license_number=f"{number}/GP-UBND", mineral=mineral,
                  license_status=weighted(rng, _LICENSE_STATUS),
                  licensee=random_company(rng, _TRADES[mineral]))
