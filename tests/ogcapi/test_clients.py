# SPDX-License-Identifier: MIT
"""Clients that must work unchanged, against gunicorn: GDAL's OAPIF driver and OWSLib."""
from __future__ import annotations

import json
import subprocess

import pytest
import requests
from django.conf import settings
from owslib.ogcapi.features import Features
from owslib.ogcapi.records import Records

pytestmark = pytest.mark.django_db


@pytest.fixture
def server(serve, ogc_data, tmp_path) -> str:
    """gunicorn serving the test database (where ``ogc_data`` lives); the /ogcapi URL."""
    db = settings.DATABASES["default"]
    url = (f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}")
    return serve({"DATABASE_URL": url, "BASEMAP_VAR_DIR": str(tmp_path)}) + "/ogcapi"


def run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_ogrinfo_lists_public_collections(server):
    out = run("ogrinfo", "-ro", "-q", f"OAPIF:{server}")
    assert "land_parcels" in out
    assert "roads" in out
    assert "mineral_sites" not in out


def test_ogr2ogr_reads_a_whole_collection_through_paging(server, tmp_path):
    target = tmp_path / "parcels.geojson"
    run("ogr2ogr", "-f", "GeoJSON", str(target), f"OAPIF:{server}", "land_parcels",
        "--config", "OGR_WFS_PAGE_SIZE", "7")
    features = json.loads(target.read_text())["features"]
    assert sorted(f["properties"]["parcel_no"] for f in features) == list(range(30))
    assert "owner_name" not in features[0]["properties"]


def test_owslib_features(server):
    api = Features(server)
    assert "land_parcels" in [c["id"] for c in api.collections()["collections"]]
    items = api.collection_items("land_parcels", limit=5, land_use_code="LUC")
    assert [f["properties"]["parcel_no"] for f in items["features"]] == [0, 3, 6, 9, 12]
    queryables = api.collection_queryables("land_parcels")
    assert "owner_name" not in queryables["properties"]


def test_owslib_records(server):
    catalogue = Records(server)
    found = catalogue.collection_items("catalog", q="thửa")
    assert [r["id"] for r in found["features"]] == ["land_parcels"]


def test_conformance_declares_what_we_serve(server):
    classes = requests.get(f"{server}/conformance?f=json", timeout=10).json()["conformsTo"]
    for expected in ("ogcapi-features-1/1.0/conf/core", "ogcapi-features-1/1.0/conf/geojson",
                     "ogcapi-features-2/1.0/conf/crs", "ogcapi-tiles-1/1.0/conf/core",
                     "ogcapi-records-1/1.0/conf/core"):
        assert any(expected in c for c in classes), expected


def test_ogrinfo_summary_counts_what_the_database_holds(server, ogc_data):
    """GDAL reads the count from numberMatched (one request, no paging through the layer)."""
    out = run("ogrinfo", "-ro", "-so", f"OAPIF:{server}", "land_parcels")
    assert f"Feature Count: {len(ogc_data['land_parcels'])}" in out
    bbox = run("ogrinfo", "-ro", "-so", "-spat", "106.2", "21.3", "106.2025", "21.3015",
               f"OAPIF:{server}", "land_parcels")
    assert "Feature Count: 6" in bbox


def test_the_api_url_typed_without_its_slash_answers_200(server):
    for url in (server, f"{server}/", f"{server}/collections/", f"{server}/conformance/"):
        answer = requests.get(url, params={"f": "json"}, timeout=30, allow_redirects=False)
        assert answer.status_code == 200, url


def test_features_are_served_as_geojson(server, ogc_data):
    """OGC API Features Part 1 (/req/geojson/content), what ArcGIS Pro and GDAL ask for."""
    items = f"{server}/collections/land_parcels/items"
    for url, headers in ((f"{items}?f=json&limit=2", {}),
                         (f"{items}?limit=2", {"Accept": "application/geo+json"}),
                         (f"{items}?f=json&limit=2&land_use_code=LUC", {}),
                         (f"{items}/{ogc_data['land_parcels'][0]}?f=json", {})):
        answer = requests.get(url, headers=headers, timeout=30)
        assert answer.headers["Content-Type"] == "application/geo+json", url
    assert requests.get(f"{items}?f=jsonld&limit=1", timeout=30).headers[
        "Content-Type"].startswith("application/ld+json")
