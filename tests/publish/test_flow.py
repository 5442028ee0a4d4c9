# SPDX-License-Identifier: MIT
"""The whole flow on a running server (4 workers): an analyst publishes a TCVN3 shapefile of
schools in the admin, public with one attribute sensitive; GDAL's OAPIF driver and OWSLib
read it, a WMTS tile and the viewer show it, the sensitive attribute reaches no anonymous
client; switched to internal, it is gone for anonymous clients on every path and every
worker within 2 seconds, while a token for it still reads it."""
from __future__ import annotations

import io
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.core.management import call_command
from django.db import connection
from owslib.ogcapi.features import Features
from PIL import Image
from pyproj import Transformer

from tests.publish.conftest import EXPECTED_NAMES, drop_published, point
from tests.publish.test_admin import URL, choices, preview, zipped
from tests.support.tile_client import xyz

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 4
LAYER = "truong_hoc"
ITEMS = f"/ogcapi/collections/{LAYER}/items?f=json"


def database_url() -> str:
    s = connection.settings_dict
    return f"postgis://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def school_tiles() -> tuple[str, str, str]:
    """A WMTS tile, a vector tile and a WMS GetMap over the first school."""
    lon, lat = Transformer.from_crs(9214, 4326, always_xy=True).transform(*point(0).coords[0])
    x, y = xyz(lon, lat, 16)
    box = f"{lon - 0.002},{lat - 0.002},{lon + 0.002},{lat + 0.002}"
    return (f"/tiles/wmts/{LAYER}/webmercator/16/{x}/{y}.png",
            f"/ogcapi/collections/{LAYER}/tiles/WebMercatorQuad/16/{y}/{x}?f=mvt",
            f"/tiles/service?SERVICE=WMS&REQUEST=GetMap&VERSION=1.1.1&LAYERS={LAYER}&STYLES="
            f"&SRS=EPSG:4326&BBOX={box}&WIDTH=256&HEIGHT=256&FORMAT=image/png")


def statuses(base: str, path: str) -> set[int]:
    """The statuses of 2 x WORKERS simultaneous requests (every worker busy)."""
    with ThreadPoolExecutor(2 * WORKERS) as pool:
        return set(pool.map(lambda _: requests.get(base + path, timeout=30).status_code,
                            range(2 * WORKERS)))


def gdal_features(base: str) -> str:
    """What GDAL's OGC API Features driver reads of the layer (ogrinfo, every feature)."""
    return subprocess.run(["ogrinfo", "-ro", "-al", "-q", f"OAPIF:{base}/ogcapi", LAYER],
                          capture_output=True, text=True, timeout=120, check=True).stdout


def drawn_pixels(png: bytes) -> int:
    alpha = Image.open(io.BytesIO(png)).convert("RGBA").getchannel("A")
    return sum(alpha.histogram()[1:])  # pixels with any opacity


def new_token() -> str:
    out = io.StringIO()
    call_command("apitoken", "create", "so-giao-duc", "--layers", LAYER, "--sensitive",
                 stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def published(admin_client, schools, settings, tmp_path, request) -> None:
    """The analyst's steps in the admin: upload, preview, choose, publish."""
    settings.MEDIA_ROOT = tmp_path / "media"
    request.addfinalizer(lambda: drop_published(LAYER))
    page = preview(admin_client, zipped(schools)).content.decode()
    response = admin_client.post(URL, {**choices(page), "id": LAYER, "title_vi": "Trường học",
                                       "title_en": "Schools", "sector": "construction",
                                       "access": "public", "sensitive": ["hieutruong"]})
    assert response.status_code == 302


def test_publish_read_everywhere_then_internal_everywhere(published, serve, tmp_path):
    base = serve({"DATABASE_URL": database_url(), "BASEMAP_VAR_DIR": str(tmp_path / "var"),
                  "BASEMAP_CATALOG_LISTENER": "1"}, workers=WORKERS)
    wmts, mvt, wms = school_tiles()

    ogr = gdal_features(base)
    assert sorted(line.split(" = ")[1] for line in ogr.splitlines()
                  if "ten_truong (String) = " in line) == sorted(EXPECTED_NAMES)
    assert "hieutruong" not in ogr and "Nguyễn" not in ogr
    items = Features(f"{base}/ogcapi").collection_items(LAYER)
    assert items["numberReturned"] == 2
    assert sorted(f["properties"]["ten_truong"] for f in items["features"]) == sorted(
        EXPECTED_NAMES)
    assert all("hieutruong" not in f["properties"] for f in items["features"])
    tile = requests.get(base + wmts, timeout=60)
    assert (tile.status_code, tile.headers["Content-Type"]) == (200, "image/png")
    assert drawn_pixels(tile.content) > 0  # the school is drawn
    assert requests.get(base + mvt, timeout=60).status_code == 200
    assert "Trường học" in requests.get(base + "/", timeout=60).text
    token = {"Authorization": f"Bearer {new_token()}"}

    call_command("layer", "set", LAYER, "--access", "internal")
    changed = time.monotonic()
    while statuses(base, ITEMS) != {404}:
        assert time.monotonic() - changed < 2.0, "a worker still serves the layer after 2 s"
    for path in (mvt, wmts, f"/ogcapi/collections/{LAYER}?f=json"):
        assert statuses(base, path) == {404}, path
    assert b"LayerNotDefined" in requests.get(base + wms, timeout=60).content
    assert "Trường học" not in requests.get(base + "/", timeout=60).text
    private = requests.get(base + ITEMS, headers=token, timeout=60).json()
    assert sorted(f["properties"]["hieutruong"] for f in private["features"]) == [
        "Nguyễn Văn Tưởng", "Trần Thị Hồng"]
