# SPDX-License-Identifier: MIT
"""The viewer's place search in a real browser: an old name finds the former unit and says
what it became on 1 July 2025; a former unit with no boundary is found from the catalog."""
from __future__ import annotations

from tests.support.browser import wait_until


def search(page, text: str) -> list[str]:
    page.fill("#place-q", text)
    page.click("#search-place button[type=submit]")
    page.locator("#results button").first.wait_for(timeout=20000)
    return page.locator("#results button").all_inner_texts()


def test_an_old_name_says_both_names(serve, demo_site, open_page, tmp_path):
    base = serve(demo_site.env)
    (west, south, east, north), = demo_site.rows(
        "SELECT ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g) FROM (SELECT geom_4326::box2d "
        "AS g FROM admin_communes WHERE code = '07201' AND valid_to IS NOT NULL) AS b")
    view = open_page(f"{base}/?lang=vi")
    page = view.page
    assert search(page, "tho xuong") == ["Phường Thọ Xương (cũ) → Phường Bắc Giang"]
    page.locator("#results button").first.click()
    wait_until(page, "window.basemapViewer.highlighted")
    assert page.evaluate("window.basemapViewer.highlighted.features.length") == 1
    centre = wait_until(page, "(() => { const m = window.basemapViewer.map; return !m.isMoving()"
                              " && m.getCenter().toArray(); })()")
    assert west < centre[0] < east and south < centre[1] < north  # the old ward, framed
    page.screenshot(path=str(tmp_path / "place-history.png"))
    # the new name lists the unit itself first, then the units that became it
    labels = search(page, "Phường Bắc Giang")
    assert labels[0] == "Phường Bắc Giang"
    assert sorted(labels[1:]) == sorted(
        f"Phường {name} (cũ) → Phường Bắc Giang" for name in (
            "Dĩnh Kế", "Dĩnh Trì", "Hoàng Văn Thụ", "Ngô Quyền", "Thọ Xương", "Trần Phú",
            "Xương Giang"))
    # the former Bắc Ninh has no boundary in the demo: found from the official catalog
    assert search(page, "Đình Bảng") == ["Phường Đình Bảng (cũ) → Phường Từ Sơn"]
    english = open_page(f"{base}/?lang=en").page
    assert search(english, "tho xuong") == ["Phường Thọ Xương (former) → Phường Bắc Giang"]
    assert view.errors == []
