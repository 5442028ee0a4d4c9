# SPDX-License-Identifier: MIT
"""area-statistics and overlay against the small scene."""
from __future__ import annotations

import pytest

from analysis.errors import AnalysisInputError
from analysis.overlay import overlay
from analysis.statistics import area_statistics, to_csv
from layers.grants import PUBLIC, LayerRights


def test_land_use_by_commune_before_and_after_the_2025_reorganisation(scene):
    old = area_statistics(PUBLIC, {"statistic": "land_use_by_commune", "date": "2024-01-01"})
    assert old["rows"] == [
        {"commune_code": "07210", "commune_name": "Xã Đông Phong", "land_use_code": "LUC",
         "parcels": 1, "area_m2": 1000.0},
        {"commune_code": "07210", "commune_name": "Xã Đông Phong", "land_use_code": "ONT",
         "parcels": 1, "area_m2": 400.0}]
    new = area_statistics(PUBLIC, {"statistic": "land_use_by_commune", "date": "2025-07-01"})
    assert {row["commune_code"] for row in new["rows"]} == {"90001"}
    assert to_csv(new).splitlines() == [
        "commune_code,commune_name,land_use_code,parcels,area_m2",
        "90001,Phường Bắc Giang,LUC,1,1000.0", "90001,Phường Bắc Giang,ONT,1,400.0"]


def test_forest_and_road_statistics(scene):
    forest = area_statistics(PUBLIC, {"statistic": "forest_by_type"})
    assert forest["rows"] == [{"forest_type": "production", "features": 1, "area_m2": 10000.0}]
    roads = area_statistics(PUBLIC, {"statistic": "road_length_by_class"})
    assert roads["rows"] == [{"road_class": "national", "features": 1, "length_m": 400.0}]


def test_unknown_statistic_and_bad_date(scene):
    with pytest.raises(AnalysisInputError, match="statistic: 'x' is not one of"):
        area_statistics(PUBLIC, {"statistic": "x"})
    with pytest.raises(AnalysisInputError, match="date: 'yesterday' is not a date"):
        area_statistics(PUBLIC, {"statistic": "forest_by_type", "date": "yesterday"})


def test_parcels_in_a_road_widening_corridor(scene):
    result = overlay(PUBLIC, {"layer_a": "land_parcels", "layer_b": "roads", "distance_m": 10,
                              "b_ids": [scene["road"].pk]})
    assert result["numberReturned"] == 2
    by_parcel = {f["properties"]["parcel_no"]: f["properties"]["affected_m2"]
                 for f in result["features"]}
    # the road runs at y+5: a 10 m buffer covers y-5..y+15 -> 15 m of each parcel's depth
    assert by_parcel == {345: 300.0, 346: 750.0}
    assert "owner_name" not in result["features"][0]["properties"]
    assert result["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_overlay_refuses_internal_layers_and_bad_distances(scene):
    with pytest.raises(AnalysisInputError, match="layer_b: unknown layer 'mineral_sites'"):
        overlay(PUBLIC, {"layer_a": "land_parcels", "layer_b": "mineral_sites"})
    with pytest.raises(AnalysisInputError, match=r"distance_m: 9000 is out of range"):
        overlay(PUBLIC, {"layer_a": "land_parcels", "layer_b": "roads", "distance_m": 9000})
    with pytest.raises(AnalysisInputError, match="b_ids: a list"):
        overlay(PUBLIC, {"layer_a": "land_parcels", "layer_b": "roads", "b_ids": ["1; drop"]})
    grant = PUBLIC.extended([("mineral_sites", LayerRights())], "token:m")
    assert overlay(grant, {"layer_a": "land_parcels", "layer_b": "mineral_sites"})[
        "numberReturned"] == 0
