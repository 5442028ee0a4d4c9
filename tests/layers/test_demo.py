# SPDX-License-Identifier: MIT
"""The synthetic demo dataset: deterministic, consistent, valid, and loaded exactly once."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import shapely
from django.core.management import CommandError, call_command
from django.db import connection
from pyproj import Transformer
from shapely.geometry import MultiLineString, MultiPolygon, Point

from layers import demo, demo_load, registry, units_catalog
from layers.models import AdminProvince, CommuneSuccession, IngestBatch, model_for

ROOT = Path(__file__).resolve().parents[2]
OTHER_SEED = 7
GEOMETRY_TYPES = {registry.Geometry.POINT: Point, registry.Geometry.LINE: MultiLineString,
                  registry.Geometry.POLYGON: MultiPolygon}
COUNTS = {  # layer: (fewest, most) features
    "admin_provinces": (2, 2), "admin_districts": (10, 10), "admin_communes": (250, 250),
    "land_parcels": (2800, 3300), "land_use_plan_zones": (60, 60), "rivers": (8, 8),
    "water_bodies": (13, 13), "mineral_sites": (15, 15), "forest_areas": (70, 80),
    "roads": (50, 60), "bridges": (10, 60), "railways": (2, 2), "buildings": (1500, 1500),
    "construction_permits": (120, 120), "urban_planning_zones": (40, 40),
}
DISTRICTS = {  # the former Bắc Giang on 30 June 2025 (Yên Dũng had joined the city)
    "213": ("Bắc Giang", "thành phố"), "215": ("Yên Thế", "huyện"),
    "216": ("Tân Yên", "huyện"), "217": ("Lạng Giang", "huyện"), "218": ("Lục Nam", "huyện"),
    "219": ("Lục Ngạn", "huyện"), "220": ("Sơn Động", "huyện"), "222": ("Việt Yên", "thị xã"),
    "223": ("Hiệp Hòa", "huyện"), "224": ("Chũ", "thị xã"),
}
COMMUNES_PER_DISTRICT = {"213": 31, "215": 17, "216": 19, "217": 19, "218": 24, "219": 19,
                         "220": 17, "222": 17, "223": 19, "224": 10}


@pytest.fixture(scope="module")
def data() -> demo.DemoData:
    return demo.generate()


@pytest.fixture(scope="module")
def other() -> demo.DemoData:
    return demo.generate(OTHER_SEED)


@pytest.fixture(params=["default", "other"])
def any_data(request, data, other) -> demo.DemoData:
    """The invariants hold for more than the one seed the demo uses."""
    return data if request.param == "default" else other


def _province(data: demo.DemoData) -> MultiPolygon:
    return data.features["admin_provinces"][0]["geom"]


def _communes(data: demo.DemoData, current: bool) -> list[dict]:
    return [f for f in data.features["admin_communes"] if (f["valid_to"] is None) == current]


def _same_area(parts: list, whole) -> bool:
    """Parts tile a whole: areas add up and the union has no gap or overlap (within 1 m²)."""
    return (abs(sum(p.area for p in parts) - whole.area) < 1.0
            and shapely.union_all(parts).symmetric_difference(whole).area < 1.0)


@pytest.mark.unit
def test_same_seed_same_data_in_another_process(data):
    script = "from layers import demo; print(demo.digest(demo.generate()))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                            text=True, check=True, env={**os.environ, "PYTHONHASHSEED": "4321"})
    assert result.stdout.strip() == demo.digest(data)


@pytest.mark.unit
def test_another_seed_gives_other_data(data, other):
    assert demo.digest(other) != demo.digest(data)
    assert other.seed == OTHER_SEED


@pytest.mark.unit
def test_every_layer_has_its_features(data):
    assert list(data.features) == [layer.id for layer in registry.LAYERS]
    counts = {layer_id: len(features) for layer_id, features in data.features.items()}
    assert {k: n for k, n in counts.items() if not COUNTS[k][0] <= n <= COUNTS[k][1]} == {}


@pytest.mark.unit
@pytest.mark.parametrize("layer", registry.LAYERS, ids=lambda layer: layer.id)
def test_natural_keys_are_unique_and_fields_are_the_models(data, layer):
    keys = [tuple(f[k] for k in layer.natural_key) for f in data.features[layer.id]]
    assert [k for k, n in Counter(keys).items() if n > 1] == []
    fields = {f.name for f in model_for(layer.id)._meta.concrete_fields}
    assert {key for f in data.features[layer.id] for key in f} <= fields


@pytest.mark.unit
def test_geometries_are_valid_typed_and_inside_the_province(any_data):
    inside = _province(any_data).buffer(1.0)
    shapely.prepare(inside)
    for layer in registry.LAYERS:
        bad = [f for f in any_data.features[layer.id]
               if not isinstance(f["geom"], GEOMETRY_TYPES[layer.geometry])
               or f["geom"].is_empty or not f["geom"].is_valid or not inside.covers(f["geom"])]
        assert bad == [], layer.id


@pytest.mark.unit
def test_districts_and_communes_tile_the_province(any_data):
    province = _province(any_data)
    districts = any_data.features["admin_districts"]
    assert _same_area([d["geom"] for d in districts], province)
    assert _same_area([c["geom"] for c in _communes(any_data, current=True)], province)
    for district in districts:
        communes = [c["geom"] for c in _communes(any_data, current=False)
                    if c["district_code"] == district["code"]]
        assert len(communes) == COMMUNES_PER_DISTRICT[district["code"]]
        assert _same_area(communes, district["geom"]), district["name"]


@pytest.mark.unit
def test_provinces_and_districts_are_the_real_ones(data):
    provinces = [(p["code"], p["name"], p["kind"], str(p["valid_from"]), str(p["valid_to"]))
                 for p in data.features["admin_provinces"]]
    assert provinces == [("24", "Bắc Giang", "tỉnh", "2008-08-01", "2025-06-30"),
                         ("24", "Bắc Ninh", "tỉnh", "2025-07-01", "None")]
    assert {d["code"]: (d["name"], d["kind"]) for d in data.features["admin_districts"]} == DISTRICTS
    assert {d["province_code"] for d in data.features["admin_districts"]} == {"24"}


@pytest.mark.unit
def test_communes_are_the_official_ones(data):
    old, new = _communes(data, current=False), _communes(data, current=True)
    official = {(u.code, u.valid_from): u for u in units_catalog.from_package().units
                if u.level == "commune"}
    for commune in old + new:
        unit = official[(commune["code"], commune["valid_from"])]
        assert (commune["name"], commune["kind"]) == (unit.name, unit.kind)
    assert Counter(c["kind"] for c in old) == {"xã": 143, "phường": 35, "thị trấn": 14}
    assert Counter(c["kind"] for c in new) == {"xã": 45, "phường": 13}
    assert {c["district_code"] for c in new} == {""}
    first = {c["code"]: c["name"] for c in old[:3]}
    assert first == {"07201": "Thọ Xương", "07207": "Ngô Quyền", "07210": "Hoàng Văn Thụ"}
    assert [(c["code"], c["name"]) for c in new if c["code"] == "07210"] == [("07210", "Bắc Giang")]


@pytest.mark.unit
def test_every_old_commune_has_its_official_successor(data):
    old = {c["code"]: c for c in _communes(data, current=False)}
    new = {c["code"]: c for c in _communes(data, current=True)}
    successor = dict(data.successions)
    assert len(successor) == len(data.successions) == 192 and sorted(successor) == sorted(old)
    assert sorted(set(successor.values())) == sorted(new)
    assert set(data.successions) <= set(units_catalog.from_package().successions)
    for code, commune in new.items():
        merged = [old[o]["geom"] for o, n in data.successions if n == code]
        assert _same_area(merged, commune["geom"])
    # six wards of the former provincial city and Dĩnh Trì became Phường Bắc Giang
    assert sorted(o for o, n in data.successions if n == "07210") == [
        "07201", "07207", "07210", "07213", "07225", "07231", "07441"]


@pytest.mark.unit
def test_parcels_are_numbered_measured_and_owned(data):
    parcels = data.features["land_parcels"]
    assert all(p["area_m2"] == Decimal(f"{p['geom'].area:.1f}") for p in parcels)
    assert all(150 <= p["geom"].area <= 1500 for p in parcels)
    geoms = [p["geom"] for p in parcels]
    assert sum(g.area for g in geoms) - shapely.union_all(geoms).area < 1.0  # no overlaps
    owned = [p for p in parcels if p["owner_id_number"]]
    assert len(owned) > 0.8 * len(parcels)
    assert all(re.fullmatch(r"024\d{9}", p["owner_id_number"]) for p in owned)
    assert all(re.fullmatch(r"(CS|DĐ|CH|BĐ) \d{6}", p["certificate_number"]) for p in owned)
    uses = Counter(p["land_use_code"] for p in parcels)
    assert set(uses) <= set(registry.LAND_USE_CODES)
    assert sum(uses[c] for c in ("ONT", "ODT", "LUC", "CLN", "BHK")) > 0.8 * len(parcels)
    districts = {c["code"]: c["district_code"] for c in _communes(data, current=False)}
    communes = {p["commune_code"] for p in parcels}
    assert 3 <= len(communes) <= 4 and "213" in {districts[c] for c in communes}


@pytest.mark.unit
def test_buildings_stand_inside_built_up_parcels(data):
    parcels = [p for p in data.features["land_parcels"]
               if p["land_use_code"] in ("ODT", "ONT", "TSC", "DGD", "SKC")]
    tree = shapely.STRtree([p["geom"] for p in parcels])
    for building in data.features["buildings"]:
        assert any(parcels[i]["geom"].contains(building["geom"])
                   for i in tree.query(building["geom"])), building["code"]
        assert 1 <= building["floors"] <= 9
        assert building["floors"] * 3.5 <= building["height_m"] <= building["floors"] * 3.5 + 1.2


@pytest.mark.unit
def test_a_bridge_at_every_road_river_crossing(data):
    crossings = sum(not part.is_empty for road in data.features["roads"]
                    for river in data.features["rivers"]
                    for part in shapely.get_parts(road["geom"].intersection(river["geom"])))
    bridges = data.features["bridges"]
    assert len(bridges) == crossings
    roads = {r["code"]: r["geom"] for r in data.features["roads"]}
    rivers = shapely.union_all([r["geom"] for r in data.features["rivers"]])
    assert all(roads[b["road_code"]].distance(b["geom"]) < 1e-6 for b in bridges)
    assert all(rivers.distance(b["geom"]) < 1e-6 for b in bridges)


@pytest.mark.unit
def test_measures_match_the_geometry(data):
    for layer_id in ("rivers", "railways"):
        assert all(abs(f["length_m"] - f["geom"].length) <= 0.05 for f in data.features[layer_id])
    for layer_id in ("water_bodies", "forest_areas"):
        assert all(abs(f["area_m2"] - f["geom"].area) <= 0.05 for f in data.features[layer_id])


@pytest.mark.unit
def test_real_rivers_roads_and_railways_are_there(data):
    rivers = {(r["name"], r["kind"]) for r in data.features["rivers"]}
    assert {("Sông Thương", "sông"), ("Sông Lục Nam", "sông"), ("Sông Cầu", "sông")} <= rivers
    codes = Counter(r["road_class"] for r in data.features["roads"])
    assert (codes["national"], codes["provincial"], codes["district"], codes["commune"]) == (5, 4, 15, 20)
    assert 10 <= codes["urban"] <= 20
    assert {r["code"] for r in data.features["roads"] if r["road_class"] == "national"} == \
        {"QL1", "QL31", "QL37", "QL17", "QL279"}
    assert {(r["name"], r["gauge"]) for r in data.features["railways"]} == {
        ("Đường sắt Hà Nội – Lạng Sơn", "lồng 1000/1435"), ("Đường sắt Kép – Hạ Long", "1435")}
    lakes = {w["name"] for w in data.features["water_bodies"] if w["kind"] == "hồ"}
    assert lakes == {"Hồ Cấm Sơn", "Hồ Khuôn Thần", "Hồ Suối Nứa"}


@pytest.mark.unit
def test_places_land_roughly_where_they_really_are():
    to_vn2000 = Transformer.from_crs("EPSG:4326", "EPSG:9214", always_xy=True)
    for lon, lat in ((105.87, 21.12), (106.194, 21.273), (107.03, 21.62)):
        assert Point(demo.to_xy(lon, lat)).distance(Point(to_vn2000.transform(lon, lat))) < 400


def _table_digests() -> dict[str, tuple[int, str]]:
    """Row count and md5 of all WKB geometries, in id order, of every layer table."""
    digests = {}
    with connection.cursor() as cursor:
        for layer in registry.LAYERS:
            cursor.execute(f'SELECT count(*), md5(string_agg(ST_AsBinary(geom), \'\'::bytea '
                           f'ORDER BY id)) FROM "{layer.table}"')
            digests[layer.id] = cursor.fetchone()
    return digests


@pytest.mark.django_db
def test_load_inserts_every_feature_and_a_reload_is_identical(data):
    counts = demo_load.load(data)
    expected = {layer_id: len(features) for layer_id, features in data.features.items()}
    assert counts == expected
    first = _table_digests()
    assert {layer_id: n for layer_id, (n, _) in first.items()} == expected
    assert CommuneSuccession.objects.count() == 313  # the official catalog's, not the demo's
    assert set(IngestBatch.objects.values_list("source", "mode")) == {("demo:seed=2025", "replace")}
    assert demo_load.is_loaded()
    assert demo_load.clear() == expected
    assert not demo_load.is_loaded() and CommuneSuccession.objects.count() == 313
    demo_load.load(data)
    assert _table_digests() == first


@pytest.mark.django_db
def test_load_demo_command_loads_once(data, monkeypatch):
    monkeypatch.setattr(demo, "generate", lambda seed: data)  # generating is tested above
    out = StringIO()
    call_command("load_demo", stdout=out)
    counts = {layer_id: n for layer_id, (n, _) in _table_digests().items()}
    assert all(counts[layer.id] > 0 for layer in registry.LAYERS)
    assert len(out.getvalue().splitlines()) == len(registry.LAYERS) + 1
    again = StringIO()
    call_command("load_demo", stdout=again)
    assert "already loaded" in again.getvalue()
    assert {layer_id: n for layer_id, (n, _) in _table_digests().items()} == counts


@pytest.mark.django_db
def test_load_demo_skips_a_database_that_has_provinces():
    AdminProvince.objects.create(code="27", name="Bắc Ninh", kind="tỉnh", valid_from="2008-08-01",
                                 geom="SRID=9214;MULTIPOLYGON(((430000 2330000,431000 2330000,"
                                      "431000 2331000,430000 2330000)))")
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert IngestBatch.objects.count() == 0


@pytest.mark.django_db
def test_load_demo_reports_a_failure_in_one_line(monkeypatch):
    def broken(seed: int) -> demo.DemoData:
        raise demo.DemoError("no simple province outline for this seed")

    monkeypatch.setattr(demo, "generate", broken)
    with pytest.raises(CommandError) as error:
        call_command("load_demo", "--seed", "3")
    assert str(error.value) == ("không nạp được dữ liệu mẫu (could not load the demo data): "
                                "no simple province outline for this seed")
