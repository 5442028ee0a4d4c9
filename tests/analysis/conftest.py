# SPDX-License-Identifier: MIT
"""A small planning scene in EPSG:9214: one parcel half covered by a plan zone."""
from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import LineString, MultiLineString

from layers.models import (
    AdminCommune,
    ForestArea,
    LandParcel,
    LandUsePlanZone,
    Road,
    UrbanPlanningZone,
)
from tests.support.planning_scene import X, Y, box


@pytest.fixture
def scene(db):
    parcel = LandParcel.objects.create(
        commune_code="07210", sheet_no=12, parcel_no=345, land_use_code="ONT", area_m2=400,
        address="Thôn Đông", owner_name="Nguyễn Văn An", owner_id_number="024090001234",
        certificate_number="CS 123456", geom=box(X, Y, X + 20, Y + 20))
    LandParcel.objects.create(commune_code="07210", sheet_no=12, parcel_no=346,
                              land_use_code="LUC", area_m2=1000, geom=box(X + 100, Y, X + 150, Y + 20))
    plan = LandUsePlanZone.objects.create(
        plan_code="QH2030-0001", land_use_code="DGT", period="2021-2030",
        approved_by="UBND tỉnh Bắc Giang", approved_on=dt.date(2022, 5, 10), commune_code="07210",
        geom=box(X - 50, Y - 50, X + 10, Y + 50))
    urban = UrbanPlanningZone.objects.create(
        zone_code="OQH-01", function="đất ở mới", max_far=3.0, max_height_m=25,
        max_density_pct=60, geom=box(X - 500, Y - 500, X + 500, Y + 500))
    for code, name, valid_from, valid_to in (("07210", "Xã Đông Phong", dt.date(2008, 8, 1),
                                              dt.date(2025, 6, 30)),
                                             ("90001", "Phường Bắc Giang", dt.date(2025, 7, 1),
                                              None)):
        AdminCommune.objects.create(code=code, name=name, kind="xã", province_code="24",
                                    district_code="213" if valid_to else "",
                                    valid_from=valid_from, valid_to=valid_to,
                                    geom=box(X - 1000, Y - 1000, X + 1000, Y + 1000))
    road = Road.objects.create(code="QL1", name="Quốc lộ 1", road_class="national",
                               geom=MultiLineString(LineString((X - 100, Y + 5), (X + 300, Y + 5),
                                                               srid=9214), srid=9214))
    ForestArea.objects.create(plot_code="TK1-K1-L1", forest_type="production",
                              geom=box(X + 2000, Y, X + 2100, Y + 100))
    return {"parcel": parcel, "plan": plan, "urban": urban, "road": road}
