# SPDX-License-Identifier: MIT
"""Administrative units: the province, its districts, the pre-2025 communes, the 2025 mergers."""
from __future__ import annotations

import math
import random
from collections.abc import Callable

from shapely.geometry import MultiPolygon

from layers import units_catalog
from layers.demo.cells import Cells, grow, noise_field
from layers.demo.core import DemoError
from layers.demo.geometry import to_xy
from layers.demo.world import Unit, World

PROVINCE_CODE = "24"
OLD_VALID = (units_catalog.CATALOG_START, units_catalog.LEGACY_END)
NEW_VALID = (units_catalog.REFORM, None)

# code, (lon, lat) of the seat, relative growth speed (bigger: larger district); names,
# kinds and communes are the official ones (layers.units_catalog)
_DISTRICTS = (
    ("213", (106.194, 21.273), 1.05),  # Thành phố Bắc Giang (with the former Yên Dũng)
    ("215", (106.12, 21.52), 1.0),  # Yên Thế
    ("216", (106.10, 21.40), 0.95),  # Tân Yên
    ("217", (106.25, 21.37), 0.95),  # Lạng Giang
    ("218", (106.39, 21.28), 1.1),  # Lục Nam
    ("219", (106.62, 21.47), 1.15),  # Lục Ngạn
    ("220", (106.84, 21.32), 1.3),  # Sơn Động
    ("222", (106.08, 21.27), 0.9),  # Việt Yên
    ("223", (105.96, 21.38), 0.95),  # Hiệp Hòa
    ("224", (106.56, 21.35), 0.85),  # Chũ
)


def build_admin(world: World) -> None:
    """Province, districts and communes before 1 July 2025, the merged communes after it."""
    catalog = units_catalog.from_package()
    _build_districts(world, catalog)
    _build_old_communes(world, catalog)
    world.adjacency = _commune_adjacency(world)
    _build_new_communes(world, catalog)
    geom = MultiPolygon([world.province])
    world.add("admin_provinces", geom, code=PROVINCE_CODE, name="Bắc Giang", kind="tỉnh",
              valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])
    # The new Bắc Ninh province also covers the old Bắc Ninh; the demo only has this part.
    world.add("admin_provinces", geom, code=PROVINCE_CODE, name="Bắc Ninh", kind="tỉnh",
              valid_from=NEW_VALID[0], valid_to=NEW_VALID[1])


def _legacy(catalog: units_catalog.Catalog, level: str) -> dict[str, units_catalog.Unit]:
    """The former Bắc Giang's units of a level, by code."""
    return {u.code: u for u in catalog.units if u.level == level
            and u.province_code == PROVINCE_CODE and u.valid_to is not None}


def _build_districts(world: World, catalog: units_catalog.Catalog) -> None:
    """The ten districts of 30 June 2025 as connected regions grown from their seats."""
    cells, official = world.cells, _legacy(catalog, "district")
    if sorted(official) != sorted(d[0] for d in _DISTRICTS):
        raise DemoError(f"the catalog's districts changed: {sorted(official)}")
    everything = set(range(len(cells.centres)))
    seeds = [cells.nearest(to_xy(*lonlat), range(len(cells.centres))) for _, lonlat, _ in _DISTRICTS]
    regions = grow(cells, seeds, everything, [d[2] for d in _DISTRICTS],
                   noise_field(world.rng("district-noise")))
    for (code, _, _), members in zip(_DISTRICTS, regions, strict=True):
        unit = official[code]
        district = Unit(code, unit.name, unit.kind, members, cells.union(members, world.province),
                        PROVINCE_CODE)
        world.districts.append(district)
        world.district_of_cell.update({cell: code for cell in members})
        world.add("admin_districts", district.geom, code=code, name=unit.name, kind=unit.kind,
                  province_code=PROVINCE_CODE, valid_from=OLD_VALID[0], valid_to=OLD_VALID[1])


def _lloyd_regions(cells: Cells, members: list[int], first: int, weights: list[int],
                   rng: random.Random, noise: Callable[[float, float], float]) -> list[list[int]]:
    """Compact regions of ``members``, one per weight (a bigger weight grows a bigger
    region); region 0 grows from the cell ``first``."""
    allowed, count = set(members), len(weights)
    if count > len(members):
        raise DemoError("more units than cells to build them from")
    speeds = [math.sqrt(w) for w in weights]
    seeds = [first, *rng.sample([c for c in members if c != first], count - 1)]
    for _ in range(3):
        regions = grow(cells, seeds, allowed, speeds, noise)
        seeds = [first, *(_central_cell(cells, region) for region in regions[1:])]
    regions = grow(cells, seeds, allowed, speeds, noise)
    if any(not region for region in regions):
        raise DemoError("a unit got no cell")
    return regions


def _central_cell(cells: Cells, region: list[int]) -> int:
    """The cell of a region nearest to the mean of its cell centres."""
    xs, ys = zip(*(cells.centres[i] for i in region), strict=True)
    return cells.nearest((sum(xs) / len(xs), sum(ys) / len(ys)), region)


def _groups(catalog: units_catalog.Catalog, district: str,
            communes: dict[str, units_catalog.Unit]) -> list[list[str]]:
    """A district's communes grouped by the 2025 unit they merged into (codes, sorted)."""
    successor = dict(catalog.successions)
    groups: dict[str, list[str]] = {}
    for code in sorted(c for c, u in communes.items() if u.district_code == district):
        groups.setdefault(successor[code], []).append(code)
    return sorted(groups.values())


def _build_old_communes(world: World, catalog: units_catalog.Catalog) -> None:
    """The official communes of each district; those merged into one 2025 unit are grown
    side by side (a region per 2025 unit, then split), so most merged units are connected."""
    rng, cells, official = world.rng("communes"), world.cells, _legacy(catalog, "commune")
    noise = noise_field(world.rng("commune-noise"))
    built: dict[str, Unit] = {}
    for district, (*_, lonlat, _) in zip(world.districts, _DISTRICTS, strict=True):
        groups = _groups(catalog, district.code, official)
        seat = cells.nearest(to_xy(*lonlat), district.cells)
        areas = _lloyd_regions(cells, district.cells, seat, [len(g) for g in groups], rng, noise)
        for group, area in zip(groups, areas, strict=True):
            parts = _lloyd_regions(cells, area, _central_cell(cells, area), [1] * len(group),
                                   rng, noise) if len(group) > 1 else [area]
            for code, part in zip(group, parts, strict=True):
                unit = official[code]
                built[code] = Unit(code, unit.name, unit.kind, part,
                                   cells.union(part, world.province), district.code)
    world.communes.extend(built[code] for code in sorted(built))
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


def _build_new_communes(world: World, catalog: units_catalog.Catalog) -> None:
    """The 2025 units the former Bắc Giang's communes merged into: unions of their cells."""
    new = {u.code: u for u in catalog.units if u.level == "commune" and u.valid_to is None}
    by_code = {c.code: c for c in world.communes}
    pairs = [(old, n) for old, n in catalog.successions if old in by_code]
    for code in sorted({n for _, n in pairs}):
        members = [by_code[old] for old, n in pairs if n == code]
        geom = world.cells.union([cell for m in members for cell in m.cells], world.province)
        world.add("admin_communes", geom, code=code, name=new[code].name, kind=new[code].kind,
                  province_code=PROVINCE_CODE, district_code="",
                  valid_from=NEW_VALID[0], valid_to=NEW_VALID[1])
    world.successions.extend(pairs)
