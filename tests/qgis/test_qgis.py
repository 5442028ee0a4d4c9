# SPDX-License-Identifier: MIT
"""Real QGIS 3.22, headless, against gunicorn over the demo data: the OGC API Features,
WMTS and WMS layers a user adds by hand, and the generated project file. Every layer valid,
and each drawing shows data (pixels counted; the PNGs are kept for a person to look at)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import requests
from PIL import Image

from tests.support.servers import ROOT

QGIS_PYTHON = "/usr/bin/python3"  # QGIS's bindings are for Debian's Python, not the venv's
CLIENT = ROOT / "tests" / "support" / "qgis_client.py"
HALF = 300.0  # metres: the drawn extent is 600 m around a parcel


def qgis(*args: str) -> dict:
    done = subprocess.run([QGIS_PYTHON, str(CLIENT), *args], capture_output=True, text=True,
                          timeout=300, check=False, cwd=ROOT,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def drawn(png: Path) -> int:
    """Pixels that are not the white background."""
    histogram = Image.open(png).convert("L").histogram()
    return sum(histogram) - histogram[255]


def colours(png: Path) -> int:
    return len(Image.open(png).convert("RGB").getcolors(1 << 20) or [])


@pytest.fixture
def site(demo_site, serve) -> tuple[str, list[str]]:
    """The server's URL and an EPSG:9214 extent around the demo's first parcel."""
    (x, y), = demo_site.rows("SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(geom) AS c "
                             "FROM land_parcels ORDER BY id LIMIT 1) AS p")
    extent = [f"{v:.1f}" for v in (x - HALF, y - HALF, x + HALF, y + HALF)]
    return serve(demo_site.env, workers=2), extent


def keep(png: Path) -> None:
    """A copy for a person to look at (``QGIS_SCREENSHOTS``, default var/screenshots)."""
    target = Path(os.environ.get("QGIS_SCREENSHOTS", ROOT / "var" / "screenshots"))
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, target / f"qgis-{png.name}")


def test_qgis_loads_oapif_wmts_and_wms_layers(site, demo_site, tmp_path):
    base, extent = site
    result = qgis("layers", base, str(tmp_path), *extent)
    assert {name: entry["valid"] for name, entry in result.items()} == {
        "oapif": True, "wmts": True, "wms": True}, result
    (parcels,), = demo_site.rows("SELECT count(*) FROM land_parcels")
    assert result["oapif"]["count"] == parcels
    assert "owner_name" not in result["oapif"]["fields"]
    for name in ("oapif", "wmts", "wms"):
        png = tmp_path / f"{name}.png"
        keep(png)
        assert drawn(png) > 20_000, name  # of 360,000 pixels


def test_qgis_opens_the_generated_project_and_draws_it(site, demo_site, tmp_path):
    base, extent = site
    answer = requests.get(f"{base}/qgis/basemap.qgz", timeout=60)
    assert answer.status_code == 200
    path = tmp_path / "basemap.qgz"
    path.write_bytes(answer.content)
    project_layers = [name for name in zipfile.ZipFile(path).read("basemap.qgs").decode()
                      .split("<maplayer ")[1:]]
    png = tmp_path / "project.png"
    result = qgis("project", str(path), str(png), *extent)
    keep(png)
    assert result["read"] is True
    assert result["crs"] == "EPSG:9214"
    invalid = {k: v for k, v in result["layers"].items() if not v["valid"]}
    assert invalid == {}
    parcels, base = result["layers"]["land_parcels_oapif"], result["layers"]["basemap_wmts"]
    assert (parcels["name"], parcels["renderer"], parcels["labels"]) == (
        "Thửa đất", "categorizedSymbol", True)
    assert base["provider"] == "wms"
    assert len(result["layers"]) == len(project_layers)
    assert result["groups"] == ["Hành chính", "Đất đai", "Tài nguyên", "Giao thông",
                                "Xây dựng", "Nền"]
    (x, y), = demo_site.rows("SELECT ST_X(p), ST_Y(p) FROM ST_Transform(ST_SetSRID("
                             "ST_MakePoint(106.2, 21.3), 4326), 9214) AS p")
    assert abs(result["probe"][0] - x) < 0.01 and abs(result["probe"][1] - y) < 0.01
    assert drawn(png) > 100_000
    assert colours(png) > 50  # base map, parcel classes, labels: not one flat colour
