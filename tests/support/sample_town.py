# SPDX-License-Identifier: MIT
"""A small synthetic town around Bắc Giang city (106.2 E, 21.27 N) for the tile tests.

Invented geometry and names, in WGS 84 (saved through GeoDjango, which stores VN-2000).
Every public base-map layer gets a few features, plus one internal feature per internal
layer so the tests can check that the public services never draw them.
"""
from __future__ import annotations

import datetime
import math

from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon

from layers import models

CENTRE = (106.20, 21.27)
TODAY = datetime.date(2025, 7, 1)
# A national road crossing the town diagonally; the tests look for its colour in tiles.
QL1_COORDS = ((106.10, 21.20), (106.20, 21.27), (106.32, 21.36))


def box(x0: float, y0: float, x1: float, y1: float) -> Polygon:
    """A rectangle in WGS 84."""
    return Polygon(((x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)), srid=4326)


def multipolygon(*polygons: Polygon) -> MultiPolygon:
    return MultiPolygon(*polygons, srid=4326)


def line(*coords: tuple[float, float]) -> MultiLineString:
    return MultiLineString(LineString(coords, srid=4326), srid=4326)


def lake(cx: float, cy: float, r: float, n: int = 24) -> Polygon:
    """A roundish lake."""
    ring = [(cx + r * math.cos(2 * math.pi * i / n) * (1 + 0.2 * math.sin(3 * i)),
             cy + r * 0.7 * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return Polygon([*ring, ring[0]], srid=4326)


def load_admin() -> None:
    """The current province, an old (historic) one and four communes."""
    models.AdminProvince.objects.create(code="24", name="Bắc Ninh", kind="tỉnh",
                                        valid_from=TODAY,
                                        geom=multipolygon(box(105.90, 21.00, 106.60, 21.55)))
    models.AdminProvince.objects.create(code="24", name="Bắc Giang", kind="tỉnh",
                                        valid_from=datetime.date(1997, 1, 1),
                                        valid_to=datetime.date(2025, 6, 30),
                                        geom=multipolygon(box(106.00, 21.10, 106.50, 21.50)))
    names = ["Phường Bắc Giang", "Phường Đa Mai", "Xã Tân Dĩnh", "Xã Yên Dũng"]
    for i, name in enumerate(names):
        x0, y0 = 106.10 + 0.1 * (i % 2), 21.17 + 0.1 * (i // 2)
        models.AdminCommune.objects.create(
            code=f"{7200 + i:05d}", name=name, kind=name.split()[0].lower(),
            province_code="24", valid_from=TODAY,
            geom=multipolygon(box(x0, y0, x0 + 0.1, y0 + 0.1)))


def load_water_and_forest() -> None:
    """A river through the town, a lake, and forests to the north-east."""
    models.River.objects.create(name="Sông Thương", kind="sông",
                                geom=line((106.05, 21.33), (106.15, 21.29), (106.22, 21.25),
                                          (106.30, 21.22), (106.40, 21.16)))
    models.WaterBody.objects.create(name="Hồ Cấm Sơn", kind="hồ",
                                    geom=multipolygon(lake(106.26, 21.31, 0.02)))
    for i, kind in enumerate(("production", "protection", "special_use")):
        x0 = 106.30 + 0.05 * i
        models.ForestArea.objects.create(plot_code=f"TK{i}", forest_type=kind,
                                         geom=multipolygon(box(x0, 21.38, x0 + 0.05, 21.45)))


def load_roads() -> None:
    """One road per class and a railway."""
    roads = [("QL1", "Quốc lộ 1", "national", QL1_COORDS),
             ("QL31", "Quốc lộ 31", "national", ((106.20, 21.27), (106.45, 21.30))),
             ("ĐT293", "Đường tỉnh 293", "provincial", ((106.20, 21.27), (106.25, 21.42))),
             ("ĐH1", "Đường huyện 1", "district", ((106.12, 21.30), (106.28, 21.24))),
             ("ĐX2", "Đường xã 2", "commune", ((106.19, 21.26), (106.21, 21.28))),
             ("Lê Lợi", "Đường Lê Lợi", "urban", ((106.195, 21.268), (106.205, 21.268)))]
    for code, name, road_class, coords in roads:
        models.Road.objects.create(code=code, name=name, road_class=road_class,
                                   geom=line(*coords))
    models.Railway.objects.create(name="Hà Nội – Lạng Sơn", gauge="lồng",
                                  geom=line((106.08, 21.22), (106.21, 21.285), (106.35, 21.40)))
    models.Bridge.objects.create(name="Cầu Xương Giang", road_code="QL1",
                                 geom=Point(106.225, 21.294, srid=4326))


def load_cadastre() -> None:
    """A block of parcels and buildings next to the city centre (large scales only)."""
    codes = ["ODT", "LUC", "CLN", "TSC", "DGD", "NTD"]
    for i in range(6):
        x0 = 106.2005 + 0.0004 * i
        models.LandParcel.objects.create(
            commune_code="07200", sheet_no=1, parcel_no=i + 1, land_use_code=codes[i],
            area_m2=1600, owner_name="Nguyễn Văn A", owner_id_number="024000000001",
            geom=multipolygon(box(x0, 21.2705, x0 + 0.0004, 21.2709)))
        models.Building.objects.create(code=f"B{i}", use="nhà ở", floors=3,
                                       geom=multipolygon(box(x0 + 0.0001, 21.2706,
                                                             x0 + 0.0003, 21.2708)))


def load_internal() -> None:
    """One feature per internal layer (must never show in public tiles)."""
    models.MineralSite.objects.create(license_number="GP-01", mineral="Than",
                                      license_status="active", licensee="Công ty X",
                                      geom=Point(106.21, 21.275, srid=4326))
    models.ConstructionPermit.objects.create(permit_number="XD-01", issued_on=TODAY,
                                             status="issued", purpose="nhà ở",
                                             investor_name="Trần Thị B",
                                             geom=Point(106.2015, 21.2715, srid=4326))


def load_all() -> None:
    """Every sample layer."""
    load_admin()
    load_water_and_forest()
    load_roads()
    load_cadastre()
    load_internal()
