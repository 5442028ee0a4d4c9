# SPDX-License-Identifier: MIT
"""Construction: buildings on residential lots, construction permits, urban planning zones."""
from __future__ import annotations

import random
from datetime import date, timedelta

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point
from shapely.geometry.base import BaseGeometry

from layers.demo.core import DemoError
from layers.demo.geometry import blob, multi_polygon, to_xy, weighted
from layers.demo.people import random_person
from layers.demo.world import Lot, World

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


def build_construction(world: World) -> None:
    _build_buildings(world, world.rng("buildings"))
    _build_permits(world, world.rng("permits"))
    _build_urban_zones(world, world.rng("urban-zones"))


def _building_footprint(lot: Lot, rng: random.Random) -> MultiPolygon:
    """A rectangle near the street front of a parcel, clear of its boundaries."""
    x0, x1 = lot.safe_x
    if not lot.frame.urban:
        x1 = min(x1, x0 + rng.uniform(7.0, 10.0))
    setback = rng.uniform(0.5, 3.0)
    length = min(rng.uniform(9.0, 16.0), lot.frame.depth - setback - 2.0)
    front = lot.y0 + (lot.frame.depth - setback if lot.row else setback)
    back = front - length if lot.row else front + length
    return MultiPolygon([lot.frame.polygon([(x0, front), (x1, front), (x1, back), (x0, back)])])


def _build_buildings(world: World, rng: random.Random) -> None:
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
        return weighted(rng, (("hoàn công", 60), ("hết hạn", 40)))
    if issued.year < 2024:
        return weighted(rng, (("hoàn công", 50), ("đang thi công", 30), ("hết hạn", 20)))
    return weighted(rng, (("đã cấp", 50), ("đang thi công", 50)))


def _build_permits(world: World, rng: random.Random) -> None:
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
                  status=_permit_status(issued, rng), purpose=weighted(rng, _PURPOSES),
                  investor_name=random_person(rng)[0])


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


def _build_urban_zones(world: World, rng: random.Random) -> None:
    """Planning zones OQH-01.. over the city centre: Voronoi cells of random points."""
    core = blob(to_xy(*_CITY_CENTRE), 2600.0, rng, 1.3, rng.uniform(0, 180), roughness=0.25)
    region = world.district("213").geom.intersection(core)
    points = sorted(_points_in(region, _URBAN_ZONE_COUNT, rng), key=lambda p: (-round(p.y, -2), p.x))
    cells = shapely.voronoi_polygons(MultiPoint(points), extend_to=region.envelope.buffer(500.0),
                                     ordered=True)
    for number, cell in enumerate(shapely.get_parts(cells), start=1):
        function, _, far, height, density = rng.choices(_ZONE_FUNCTIONS,
                                                        weights=[z[1] for z in _ZONE_FUNCTIONS])[0]
        world.add("urban_planning_zones", multi_polygon(cell.intersection(region)),
                  zone_code=f"OQH-{number:02d}", function=function,
                  max_far=round(rng.uniform(*far), 2), max_height_m=float(3 * round(rng.uniform(*height) / 3)),
                  max_density_pct=float(round(rng.uniform(*density))))
