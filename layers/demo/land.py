# SPDX-License-Identifier: MIT
"""Land: parcels (with owners and addresses), city streets and land-use plan zones."""
from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import shapely
from shapely.geometry import LineString, MultiPolygon
from shapely.geometry.base import BaseGeometry

from layers.demo.core import XY
from layers.demo.geometry import anchor, weighted, xy_of
from layers.demo.people import random_owner
from layers.demo.transport import add_road, road_attrs
from layers.demo.world import Frame, Lot, Unit, World

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


def build_land(world: World) -> None:
    """Parcel blocks in four communes, the city streets between them, and plan zones."""
    rng = world.rng("parcels")
    for frame, target in _parcel_frames(world):
        world.lots += _place_blocks(frame, target, _blocked(world, frame.commune.geom), rng)
    _build_urban_streets(world, world.rng("streets"))
    _build_parcels(world, world.rng("owners"))
    _build_plan_zones(world, world.rng("plan"))


def _line_length_inside(world: World, area: BaseGeometry) -> float:
    """Metres of road, railway and river inside an area."""
    lines = [f["geom"] for layer_id in ("roads", "railways", "rivers")
             for f in world.features[layer_id]]
    return float(shapely.length(shapely.intersection(lines, area)).sum())


def _parcel_frames(world: World) -> list[tuple[Frame, int]]:
    """Two quiet city wards, the Lạng Giang township and a Tân Yên commune, with targets."""
    def quiet(c: Unit) -> tuple[float, str]:
        return _line_length_inside(world, c.geom), c.code

    wards = sorted((c for c in world.communes if c.parent == "213" and c.kind == "phường"),
                   key=quiet)[:2]
    township = next(c for c in world.communes if c.parent == "217" and c.kind == "thị trấn")
    rural = min((c for c in world.communes if c.parent == "216" and c.kind == "xã"), key=quiet)
    rng = world.rng("frames")
    return [(Frame(c, xy_of(anchor(c.geom)), rng.uniform(-0.4, 0.4), c.kind != "xã"), target)
            for c, target in zip([*wards, township, rural], _PARCEL_TARGETS, strict=True)]


def _blocked(world: World, area: BaseGeometry) -> BaseGeometry:
    """Where parcels may not go near ``area``: roads, railways, rivers and water, widened."""
    box = area.buffer(100.0).bounds
    shapes = [shapely.clip_by_rect(f["geom"], *box).buffer(margin + float(f.get("width_m") or 0) / 2)
              for layer_id, margin in _CLEARANCE.items() for f in world.features[layer_id]]
    blocked = shapely.union_all(shapes)
    shapely.prepare(blocked)
    return blocked


def _place_blocks(frame: Frame, target: int, blocked: BaseGeometry,
                  rng: random.Random) -> list[Lot]:
    """Blocks from the frame centre outwards, where they fit, until ``target`` parcels."""
    inside = frame.commune.geom.buffer(-20.0)
    shapely.prepare(inside)
    lots: list[Lot] = []
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


def _block_lots(frame: Frame, block: tuple[int, int], rng: random.Random) -> list[Lot]:
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
            lots.append(Lot(frame, block, row, safe, y, residential,
                             MultiPolygon([frame.polygon(quad)])))
    return lots


def _frames(world: World) -> list[Frame]:
    """The parcel frames, in the order they were laid out."""
    frames: list[Frame] = []
    for lot in world.lots:
        if not frames or frames[-1] is not lot.frame:
            frames.append(lot.frame)
    return frames


def _blocks(world: World, frame: Frame) -> list[tuple[int, int]]:
    """The blocks of a frame in the order they were placed."""
    return list(dict.fromkeys(lot.block for lot in world.lots if lot.frame is frame))


def _street_lines(blocks: list[tuple[int, int]], axis: int) -> dict[int, tuple[int, int]]:
    """Street line index -> (first, last) block position along it, for lines next to blocks."""
    lines: dict[int, tuple[int, int]] = {}
    for line in sorted({b[axis] + side for b in blocks for side in (0, 1)}):
        along = [b[1 - axis] for b in blocks if b[axis] in (line - 1, line)]
        lines[line] = (min(along), max(along))
    return lines


def _build_urban_streets(world: World, rng: random.Random) -> None:
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


def _add_street(world: World, frame: Frame, local: list[XY], name: str,
                rng: random.Random) -> None:
    code = f"ĐĐT.{sum(f['road_class'] == 'urban' for f in world.features['roads']) + 1:02d}"
    attrs = road_attrs("urban", rng)
    attrs["width_m"] = min(attrs["width_m"], frame.gap - 2.0)
    add_road(world, code, f"Đường {name}", LineString([frame.world(*p) for p in local]), attrs)


def _number_houses(lots: list[Lot]) -> None:
    """House numbers along each street: odd on the north side, even on the south side."""
    sides: dict[tuple[int, int], list[Lot]] = {}
    for lot in lots:
        sides.setdefault((lot.block[1] + lot.row, lot.row), []).append(lot)
    for (_, row), side in sorted(sides.items()):
        for k, lot in enumerate(sorted(side, key=lambda lt: lt.safe_x[0])):
            lot.number = 2 * k + (2 if row else 1)


def _address(lot: Lot) -> str:
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


def _build_parcels(world: World, rng: random.Random) -> None:
    """Parcel attributes: five blocks per map sheet, parcels numbered per sheet."""
    for frame in _frames(world):
        lots = [lot for lot in world.lots if lot.frame is frame]
        _number_houses(lots)
        sheet_of = {block: 1 + k // 5 for k, block in enumerate(_blocks(world, frame))}
        numbers: dict[int, int] = {}
        for lot in lots:
            sheet = sheet_of[lot.block]
            numbers[sheet] = numbers.get(sheet, 0) + 1
            land_use = weighted(rng, _LAND_USE[(frame.urban, lot.residential)])
            lot.feature = world.add(
                "land_parcels", lot.geom, commune_code=frame.commune.code, sheet_no=sheet,
                parcel_no=numbers[sheet], land_use_code=land_use,
                area_m2=Decimal(f"{lot.geom.area:.1f}"), address=_address(lot),
                **random_owner(frame.commune, land_use, rng))


def _build_plan_zones(world: World, rng: random.Random) -> None:
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
                      land_use_code=current if rng.random() < 0.7 else weighted(rng, _PLAN_CHANGES),
                      period="2021-2030", commune_code=frame.commune.code,
                      approved_by="UBND tỉnh Bắc Giang", approved_on=approved)
