# SPDX-License-Identifier: MIT
"""Guide test helpers: the examples of docs/examples run as a reader would, sample uploads."""
from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from playwright.sync_api import Page
from shapely import box

from tests.support.ingest_sources import ESRI_TM3_107, write_legacy_shapefile
from tests.support.servers import ROOT

EXAMPLES = ROOT / "docs" / "examples"
# interpreters of the examples a shell or Python runs (the JavaScript ones run in a browser)
RUNNERS = {".sh": ["bash"], ".py": [sys.executable]}
ANALYST = ("canbo_dat", "Mat-khau-thu-nghiem-2026")


def run_example(path: Path, base: str, token: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run one example file with BASE and TOKEN set, in ``cwd`` (it may write files there)."""
    env = {**os.environ, "BASE": base, "TOKEN": token}
    return subprocess.run([*RUNNERS[path.suffix], str(path)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def example_page(path: Path) -> str:
    """A page that runs a JavaScript example as the guide says: a map div, the library."""
    code = path.read_text(encoding="utf-8")
    if path.suffix == ".mjs":
        head = ('<link rel="stylesheet" href="/static/vendor/maplibre-gl/maplibre-gl.css">'
                '<script type="importmap">{"imports": {"maplibre-gl": '
                '"/static/vendor/maplibre-gl/maplibre-gl.mjs"}}</script>')
        script = f'<script type="module">{code}</script>'
    else:
        head = ('<link rel="stylesheet" href="/static/editor/vendor/ol/ol.css">'
                '<script src="/static/editor/vendor/ol/ol.js"></script>')
        script = f"<script>{code}</script>"
    return (f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>'
            f'<div id="map" style="width:800px;height:600px"></div>{script}</body></html>')


def log_in(page: Page, base: str) -> None:
    """Log in to the admin with the analyst's local account (the form of the login page)."""
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", ANALYST[0])
    page.fill("#id_password", ANALYST[1])
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    # the side bar closed (the admin remembers it in the browser): more room for the page
    page.evaluate("localStorage.setItem('django.admin.navSidebarIsOpen', 'false')")
    page.reload()


# TCVN3 (ABC) bytes, written from the TCVN 5712:1993 table: "Thôn Đông", "Xóm Trại"
TCVN3_ADDRESSES = [b"Th\xabn \xa7\xabng", b"X\xe3m Tr\xb9i"]


def legacy_parcels_zip(folder: Path, commune: str, x: float, y: float) -> Path:
    """A zipped TCVN3 shapefile of five parcels in VN-2000 (no .cpg, an ESRI .prj): one with
    an unknown land-use code and one far outside the province, so the report rejects two."""
    count = 5
    geoms = [box(x + 30 * i, y, x + 30 * i + 20, y + 20) for i in range(count)]
    geoms[4] = box(x + 300_000, y, x + 300_020, y + 20)  # 300 km east: outside
    write_legacy_shapefile(folder / "thua_dat_moi.shp", {
        b"MaXa": [commune.encode()] * count, b"SoTo": [90] * count,
        b"SoThua": list(range(1, count + 1)),
        b"LoaiDat": [b"ONT", b"ONT", b"XYZ", b"LUC", b"ONT"],
        b"DienTich": [400.0] * count,
        b"DiaChi": [TCVN3_ADDRESSES[i % 2] for i in range(count)],
    }, geoms, ESRI_TM3_107)
    archive = folder / "thua_dat_moi.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        for part in sorted(folder.glob("thua_dat_moi.*")):
            if part.suffix != ".zip":
                bundle.write(part, part.name)
    return archive
