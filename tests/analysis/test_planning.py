# SPDX-License-Identifier: MIT
"""planning-lookup: zones with intersected VN-2000 areas and shares; no sensitive data."""
from __future__ import annotations

import pytest
from pyproj import Transformer

from analysis.errors import AnalysisInputError, AnalysisNotFound
from analysis.planning import planning_lookup
from layers.grants import PUBLIC, LayerRights
from tests.support.planning_scene import X, Y

TO_LONLAT = Transformer.from_crs("EPSG:9214", "EPSG:4326", always_xy=True)


def test_parcel_lookup_gives_areas_and_shares(scene):
    result = planning_lookup(PUBLIC, {"parcel": {"commune_code": "07210", "sheet_no": 12,
                                                 "parcel_no": 345}})
    assert result["target"] == "parcel"
    zones = [(z["layer"], z["intersection_m2"], z["share_pct"]) for z in result["zones"]]
    assert zones == [("land_use_plan_zones", 200.0, 50.0), ("urban_planning_zones", 400.0, 100.0)]
    plan = result["zones"][0]["properties"]
    assert plan["plan_code"] == "QH2030-0001" and plan["land_use_code"] == "DGT"
    urban = result["zones"][1]["properties"]
    assert (urban["max_far"], urban["max_height_m"], urban["max_density_pct"]) == (3.0, 25.0, 60.0)
    parcel = result["parcel"]
    assert (parcel["sheet_no"], parcel["parcel_no"], parcel["land_use_vi"]) == (
        12, 345, "Đất ở tại nông thôn")
    assert parcel["area_m2"] == 400.0 and parcel["planar_area_m2"] == 400.0


def test_public_never_sees_owner_data(scene):
    result = planning_lookup(PUBLIC, {"parcel": {"commune_code": "07210", "sheet_no": 12,
                                                 "parcel_no": 345}})
    text = repr(result)
    for secret in ("owner_name", "Nguyễn Văn An", "024090001234", "CS 123456"):
        assert secret not in text


def test_sensitive_grant_sees_the_owner(scene):
    grant = PUBLIC.extended([("land_parcels", LayerRights(sensitive=True))], "token:t")
    result = planning_lookup(grant, {"parcel": {"commune_code": "07210", "sheet_no": 12,
                                                "parcel_no": 345}})
    assert result["parcel"]["owner_name"] == "Nguyễn Văn An"


def test_point_lookup_finds_the_parcel_and_zones(scene):
    lon, lat = TO_LONLAT.transform(X + 5, Y + 5)
    result = planning_lookup(PUBLIC, {"point": [lon, lat]})
    assert result["parcel"]["parcel_no"] == 345
    assert [z["properties"].get("plan_code") or z["properties"]["zone_code"]
            for z in result["zones"]] == ["QH2030-0001", "OQH-01"]
    assert all(z["intersection_m2"] == 0.0 for z in result["zones"])


def test_polygon_lookup(scene):
    corners = [TO_LONLAT.transform(x, y) for x, y in
               ((X + 5, Y), (X + 15, Y), (X + 15, Y + 10), (X + 5, Y + 10), (X + 5, Y))]
    result = planning_lookup(PUBLIC, {"polygon": {"type": "Polygon", "coordinates": [corners]}})
    assert result["parcel"] is None
    plan = result["zones"][0]
    assert plan["intersection_m2"] == pytest.approx(50.0, abs=0.1)
    assert plan["share_pct"] == pytest.approx(50.0, abs=0.1)


@pytest.mark.parametrize("data, message", [
    ({}, "give one of: point"),
    ({"point": [2.35, 48.85]}, "point: outside the province"),
    ({"point": "nonsense"}, "point: not GeoJSON"),
    ({"parcel": {"commune_code": "07210"}}, "parcel: give commune_code, sheet_no and parcel_no"),
    ({"polygon": {"type": "Point", "coordinates": [106.4, 21.2]}}, "polygon: a Polygon"),
])
def test_bad_inputs_are_400_with_a_reason(scene, data, message):
    with pytest.raises(AnalysisInputError, match=message) as caught:
        planning_lookup(PUBLIC, data)
    assert caught.value.http_status_code == 400


def test_unknown_parcel_is_404(scene):
    with pytest.raises(AnalysisNotFound) as caught:
        planning_lookup(PUBLIC, {"parcel": {"commune_code": "07210", "sheet_no": 1,
                                            "parcel_no": 1}})
    assert caught.value.http_status_code == 404
