# SPDX-License-Identifier: MIT
"""The guides' pictures, taken in a real browser (Debian chromium) on the demo data.

``make docs`` sets DOCS_IMG_DIR=docs/img and runs this module, which writes the pictures the
guides link; in ``make test`` they go to the test's temporary folder, so the same steps are
checked on every run. The viewer's help link opens the citizens' guide in each language.
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page

from tests.support.browser import tiles_loaded, wait_until
from tests.support.guides import legacy_parcels_zip, log_in

VIEW = {"width": 1200, "height": 720}
MAX_BYTES = 300_000
# a demo parcel inside a land-use plan zone (the developers' examples use it too)
PARCEL = {"commune": "07228", "sheet": "1", "number": "29"}
# the admin's map widget has drawn everything, base map tiles included (at most 15 s)
RENDERED = """() => new Promise(resolve => {
    const map = geodjango_geom.map;
    map.once('rendercomplete', resolve);
    setTimeout(resolve, 15000);
    map.render();
})"""


@pytest.fixture
def pictures(tmp_path) -> Path:
    """Where the pictures go: docs/img under `make docs`, else the test's folder."""
    folder = Path(os.environ.get("DOCS_IMG_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Page, folder: Path, name: str, **options: object) -> Path:
    """A PNG of the page, in 256 colours (a third of the size, text stays sharp)."""
    path = folder / f"{name}.png"
    shot = Image.open(io.BytesIO(page.screenshot(animations="disabled", **options)))
    shot.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE).save(path, optimize=True)
    assert 2_000 < path.stat().st_size < MAX_BYTES, (name, path.stat().st_size)
    return path


def new_page(browser, **options: object) -> Page:
    return browser.new_context(viewport=VIEW, locale="vi-VN", **options).new_page()


def around(page: Page, selector: str, margin: int = 12) -> dict[str, float]:
    """The clip of an element and a margin around it, inside the page."""
    box = page.locator(selector).bounding_box()
    x, y = max(box["x"] - margin, 0), max(box["y"] - margin, 0)
    return {"x": x, "y": y, "width": min(box["width"] + 2 * margin, VIEW["width"] - x),
            "height": box["height"] + 2 * margin}


def test_viewer_finds_a_parcel_and_its_help_opens(browser, docs_site, pictures):
    page = new_page(browser)
    page.goto(f"{docs_site}/?lang=vi#15/21.2540/106.1676/basemap,admin_communes,land_parcels,land_use_plan_zones")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30000)
    page.select_option("#parcel-commune", PARCEL["commune"])
    page.fill("#parcel-sheet", PARCEL["sheet"])
    page.fill("#parcel-no", PARCEL["number"])
    page.click("#search-parcel button[type=submit]")
    page.locator("#lookup .card.parcel").wait_for(timeout=60000)
    assert page.locator("#lookup .card.parcel h3").inner_text() == "Thửa đất 29, tờ bản đồ số 1"
    wait_until(page, "!window.basemapViewer.map.isMoving()")
    tiles_loaded(page)
    shoot(page, pictures, "viewer-parcel")

    for language, heading in (("vi", "Trợ giúp: bản đồ cho người dân"),
                              ("en", "Help: the map for citizens")):
        page.goto(f"{docs_site}/?lang={language}")
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30000)
        page.click("#link-help")
        page.wait_for_url(re.compile(r"/docs/citizens"))
        assert page.locator("article.guide-body h1").inner_text() == heading
        assert page.locator("html").get_attribute("lang") == language
    page.context.close()


def test_admin_pages(browser, docs_site, pictures):
    page = new_page(browser)
    page.goto(f"{docs_site}/admin/login/?next=/admin/")
    assert page.locator("#sso-login").inner_text() == "Đăng nhập bằng tài khoản một cửa (SSO)"
    shoot(page, pictures, "admin-login", clip=around(page, "#container"))
    log_in(page, docs_site)
    shoot(page, pictures, "admin-dashboard")
    assert page.locator("#user-tools a[href='/docs/']").text_content() == "Tài liệu"

    page.goto(f"{docs_site}/admin/layers/landparcel/?q=07228&commune_code__exact=07228")
    shoot(page, pictures, "admin-parcels")
    page.goto(f"{docs_site}/admin/layers/landparcel/?q=28&commune_code__exact=07228")
    page.click("#result_list tbody tr:first-child th a")
    page.wait_for_function("() => window.geodjango_geom && geodjango_geom.map.isRendered()")
    page.locator(".field-geom").scroll_into_view_if_needed()
    page.evaluate(RENDERED)
    # the map row only: the rows above it hold the (synthetic) owner; the guides show no one
    shoot(page, pictures, "admin-parcel-edit", clip=around(page, ".field-geom"))
    page.fill("#id_address", page.input_value("#id_address") + " (đã kiểm tra)")
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    page.click("a.historylink")
    page.wait_for_selector(".history-version")
    # the page down to the newest version: the first one lists the (synthetic) owner
    newest = page.locator(".history-version").first.bounding_box()
    shoot(page, pictures, "admin-history", clip={"x": 0, "y": 0, "width": VIEW["width"],
                                                 "height": newest["y"] + newest["height"] + 12})
    page.context.close()


def test_upload_report(browser, docs_site, demo_site, pictures, tmp_path):
    x, y = demo_site.rows(
        "SELECT ST_XMin(geom), ST_YMin(geom) FROM land_parcels "
        "WHERE commune_code = '07228' AND sheet_no = 1 AND parcel_no = 29")[0]
    archive = legacy_parcels_zip(tmp_path, "07228", x + 1500, y - 2500)  # away from the examples
    page = new_page(browser)
    log_in(page, docs_site)
    page.goto(f"{docs_site}/admin/editor/upload/add/")
    page.set_input_files("#id_file", str(archive))
    page.select_option("#id_layer", "land_parcels")
    shoot(page, pictures, "admin-upload")
    page.click("#upload-form input[type=submit]")
    page.wait_for_selector("[data-status=done]", timeout=60000)
    text = page.locator("#content").inner_text()
    assert "tcvn3" in text and "EPSG:9214" in text
    assert "land_use_code 'XYZ' không có trong danh mục" in text
    assert "nằm ngoài phạm vi tỉnh (kể cả vùng đệm)" in text
    report = around(page, "#content-main")
    report["height"] = page.locator("#upload-rejected").bounding_box()["y"] + 90 - report["y"]
    shoot(page, pictures, "admin-upload-report", clip=report)
    page.goto(f"{docs_site}/admin/editor/upload/publish/")
    shoot(page, pictures, "admin-publish")
    page.goto(f"{docs_site}/admin/metadata/layermetadata/")
    page.click("#result_list tbody tr:first-child th a")
    page.wait_for_url(re.compile(r"/admin/metadata/layermetadata/\d+/change/"))
    page.wait_for_selector("#id_abstract")
    shoot(page, pictures, "admin-metadata")
    page.context.close()
