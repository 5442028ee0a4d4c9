# SPDX-License-Identifier: MIT
"""Transport: railways, national/provincial/district/commune roads and bridges."""
from __future__ import annotations

import math
import random

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from layers.demo.core import DemoError
from layers.demo.geometry import (
    anchor,
    multi_line,
    points_of,
    projected,
    smooth_line,
    weighted,
    xy_of,
)
from layers.demo.world import Unit, World

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


def road_attrs(road_class: str, rng: random.Random, lanes: int | None = None) -> dict:
    """Surface, lanes and width of a road of a class."""
    surfaces, lane_choices, lane_width, shoulders = _ROAD_SPECS[road_class]
    lanes = lanes or rng.choice(lane_choices)
    return {"road_class": road_class, "surface": weighted(rng, surfaces), "lanes": lanes,
            "width_m": lanes * lane_width + shoulders}


def add_road(world: World, code: str, name: str, line: LineString, attrs: dict) -> None:
    geom = multi_line(line.intersection(world.province))
    if geom.is_empty:
        raise DemoError(f"road {code} misses the province")
    world.add("roads", geom, code=code, name=name, **attrs)


def build_transport(world: World) -> None:
    """Railways, national and provincial roads, then district and commune roads."""
    rng = world.rng("transport")
    for name, gauge, route in _RAILWAYS:
        geom = multi_line(smooth_line(projected(route), rng, 150.0, 3000.0, 3).intersection(world.province))
        world.add("railways", geom, name=name, gauge=gauge, length_m=round(geom.length, 1))
    for code, name, road_class, lanes, route in _MAIN_ROADS:
        line = smooth_line(projected(route), rng, 300.0, 2500.0, 3)
        add_road(world, code, name, line, road_attrs(road_class, rng, lanes))
    _build_district_roads(world, world.rng("district-roads"))
    _build_commune_roads(world, world.rng("commune-roads"))


def _crosses_water(world: World, line: BaseGeometry) -> bool:
    return any(line.intersects(f["geom"]) for f in world.features["water_bodies"])


def _build_district_roads(world: World, rng: random.Random) -> None:
    """ĐH roads between the centres of neighbouring communes, round-robin over districts."""
    rural = [d for d in world.districts if d.kind != "thành phố"]
    used: list[tuple[str, str]] = []
    for number in range(1, _ROAD_COUNTS["district"] + 1):
        a, b, line = _district_road(world, rural[(number - 1) % len(rural)], used, rng)
        used += [(a.code, b.code), (b.code, a.code)]
        add_road(world, f"ĐH.{number:02d}", f"Đường {a.name} – {b.name}", line,
                  road_attrs("district", rng))


def _district_road(world: World, district: Unit, used: list[tuple[str, str]],
                   rng: random.Random) -> tuple[Unit, Unit, LineString]:
    """Two neighbouring communes of a district not linked yet, and a road between them."""
    by_code = {c.code: c for c in world.communes}
    candidates = [c for c in world.communes if c.parent == district.code]
    for _ in range(200):
        a = rng.choice(candidates)
        b = by_code[rng.choice(world.adjacency[a.code])]
        line = smooth_line([xy_of(anchor(a.geom)), xy_of(anchor(b.geom))], rng, 120.0, 900.0, 2)
        if b.parent == a.parent and (a.code, b.code) not in used and not _crosses_water(world, line):
            return a, b, line
    raise DemoError(f"no district road fits in {district.name}")



def _build_commune_roads(world: World, rng: random.Random) -> None:
    """ĐX roads: 1.5-3 km from the centres of rural communes, kept inside the commune."""
    rural = [c for c in world.communes if c.kind == "xã"]
    roads: list[tuple[Unit, BaseGeometry]] = []
    for commune in rng.sample(rural, len(rural)):
        line = _commune_road(world, commune, rng)
        if line is not None:
            roads.append((commune, line))
        if len(roads) == _ROAD_COUNTS["commune"]:
            break
    else:
        raise DemoError("no room for the commune roads")
    for number, (commune, line) in enumerate(sorted(roads, key=lambda r: r[0].code), start=1):
        add_road(world, f"ĐX.{number:02d}", f"Đường trục xã {commune.name}", line,
                  road_attrs("commune", rng))


def _commune_road(world: World, commune: Unit, rng: random.Random) -> BaseGeometry | None:
    """A road over 1 km long from the commune centre, inside it and off the water, if any."""
    start = xy_of(anchor(commune.geom))
    for _ in range(20):
        angle, length = rng.uniform(0, 2 * math.pi), rng.uniform(1500, 3000)
        end = (start[0] + length * math.cos(angle), start[1] + length * math.sin(angle))
        line = smooth_line([start, end], rng, 80.0, 600.0, 2).intersection(commune.geom)
        if line.length > 1000 and not _crosses_water(world, line):
            return line
    return None


# --- bridges ------------------------------------------------------------------------------

_BRIDGE_LOADS = {"national": (30.0,), "provincial": (25.0, 30.0), "district": (13.0, 18.0),
                 "commune": (5.0, 8.0, 10.0), "urban": (30.0,)}
_BRIDGE_SPANS = {"sông": (140.0, 320.0), "suối": (12.0, 36.0)}


def build_bridges(world: World) -> None:
    """A bridge wherever a road crosses a river, named after the commune it stands in."""
    rng = world.rng("bridges")
    for road in world.features["roads"]:
        names: dict[str, int] = {}
        for river in world.features["rivers"]:
            crossings = points_of(road["geom"].intersection(river["geom"]))
            for point in sorted(crossings, key=lambda p: (road["geom"].project(p), p.x)):
                base = f"Cầu {world.commune_at(point).name}"
                names[base] = names.get(base, 0) + 1
                name = base if names[base] == 1 else f"{base} {names[base]}"
                world.add("bridges", point, name=name, road_code=road["code"],
                          length_m=round(rng.uniform(*_BRIDGE_SPANS[river["kind"]]), 1),
                          load_limit_t=rng.choice(_BRIDGE_LOADS[road["road_class"]]))
