# SPDX-License-Identifier: MIT
"""Administrative units: the province, its districts, the pre-2025 communes, the 2025 mergers."""
from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date

from shapely.geometry import MultiPolygon

from layers.demo.cells import Cells, grow, noise_field
from layers.demo.core import XY, DemoError
from layers.demo.geometry import to_xy
from layers.demo.world import Unit, World

PROVINCE_CODE = "24"
OLD_VALID = (date(2008, 8, 1), date(2025, 6, 30))
NEW_VALID = (date(2025, 7, 1), None)


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


def build_admin(world: World) -> None:
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


def _build_districts(world: World) -> None:
    """The ten districts as connected regions grown from their real seats."""
    cells = world.cells
    everything = set(range(len(cells.centres)))
    seeds = [cells.nearest(to_xy(*lonlat), range(len(cells.centres))) for *_, lonlat, _ in _DISTRICTS]
    regions = grow(cells, seeds, everything, [d[4] for d in _DISTRICTS],
                    noise_field(world.rng("district-noise")))
    for (code, name, kind, _, _), members in zip(_DISTRICTS, regions, strict=True):
        unit = Unit(code, name, kind, members, cells.union(members, world.province), PROVINCE_CODE)
        world.districts.append(unit)
        world.district_of_cell.update({cell: code for cell in members})
        world.add("admin_districts", unit.geom, code=code, name=name, kind=kind,
                  province_code=PROVINCE_CODE, valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])


def _lloyd_regions(cells: Cells, members: list[int], first: int, count: int,
                   rng: random.Random, noise: Callable[[float, float], float]) -> list[list[int]]:
    """``count`` compact regions of a district; region 0 grows from the seat cell ``first``."""
    allowed = set(members)
    seeds = [first, *rng.sample([c for c in members if c != first], count - 1)]
    for _ in range(3):
        regions = grow(cells, seeds, allowed, [1.0] * count, noise)
        seeds = [first, *(_central_cell(cells, region) for region in regions[1:])]
    return grow(cells, seeds, allowed, [1.0] * count, noise)


def _central_cell(cells: Cells, region: list[int]) -> int:
    """The cell of a region nearest to the mean of its cell centres."""
    xs, ys = zip(*(cells.centres[i] for i in region), strict=True)
    return cells.nearest((sum(xs) / len(xs), sum(ys) / len(ys)), region)


def _commune_kinds(district: Unit, regions: list[list[int]], cells: Cells,
                   seat: XY) -> list[str]:
    """phường near the centre of a city/town, one thị trấn per huyện, xã elsewhere."""
    if district.kind == "huyện":
        return ["thị trấn"] + ["xã"] * (len(regions) - 1)
    order = sorted(range(len(regions)),
                   key=lambda r: (math.dist(cells.centres[_central_cell(cells, regions[r])], seat), r))
    urban = set(order[:round(len(regions) * _URBAN_SHARE[district.kind])])
    return ["phường" if r in urban else "xã" for r in range(len(regions))]


def _build_old_communes(world: World) -> None:
    """8-12 communes per district, coded 07201, 07204, ... (urban units first)."""
    rng, cells = world.rng("communes"), world.cells
    names = iter(_commune_names(world.rng("commune-names"), 12 * len(_DISTRICTS)))
    noise = noise_field(world.rng("commune-noise"))
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
            world.communes.append(Unit(code, next(names), kinds[r], regions[r], geom, district.code))
    for c in world.communes:
        world.add("admin_communes", c.geom, code=c.code, name=c.name, kind=c.kind,
                  province_code=PROVINCE_CODE, district_code=c.parent,
                  valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])


def _commune_adjacency(world: World) -> dict[str, list[str]]:
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


def _build_new_communes(world: World) -> None:
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
