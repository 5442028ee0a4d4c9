# SPDX-License-Identifier: MIT
"""The map widget in a real browser (Debian chromium via Playwright): OpenLayers loads from
our static files, the map draws the feature over the ``/tiles/`` base map, no request leaves
127.0.0.1, and dragging a vertex then saving changes the parcel in the database."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from layers.models import FeatureHistory, LandParcel
from tests.support.admin_forms import X0, Y0, square

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


_VERTEX_PIXEL = """() => {
    const map = geodjango_geom.map;
    const ring = geodjango_geom.featureCollection.item(0).getGeometry().getCoordinates()[0][0];
    return map.getPixelFromCoordinate(ring[2]);  // the north-east corner
}"""


def _drag_north_east_corner(page, dx: int) -> None:
    """Drag the parcel's north-east vertex ``dx`` pixels east with the mouse."""
    box = page.locator("#id_geom_map").bounding_box()
    x, y = page.evaluate(_VERTEX_PIXEL)
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.mouse.down()
    page.mouse.move(box["x"] + x + dx, box["y"] + y, steps=8)
    page.mouse.up()


def _browse(base: str, parcel_id: int, shot: Path) -> tuple[dict, list[str], list[str], list]:
    """Log in, open the parcel's change form, look, drag a vertex and save.

    Returns the widget's state, the URLs requested, those blocked (other hosts) and the
    (status, content type) of the base map tiles.
    """
    requested, blocked, tiles = [], [], []

    def route(route) -> None:
        url = route.request.url
        requested.append(url)
        if url.startswith(base + "/"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.route("**/*", route)
        page.on("response", lambda r: tiles.append((r.status, r.headers.get("content-type")))
                if "/tiles/" in r.url else None)
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", "lan")
        page.fill("#id_password", "mật-khẩu-thử")
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/layers/landparcel/{parcel_id}/change/")
        page.wait_for_function("() => window.geodjango_geom && geodjango_geom.map.isRendered()")
        # evaluate() has no timeout of its own: a render that never completes (the frame it
        # waits for can be skipped on a loaded machine) reads the state after 15 s instead
        state = page.evaluate("""() => new Promise(resolve => {
            const map = geodjango_geom.map;
            const read = () => resolve({
                olMap: typeof ol.Map,
                layers: map.getLayers().getLength(),
                features: geodjango_geom.featureOverlay.getSource().getFeatures().length,
                zoom: map.getView().getZoom(),
                maxZoom: map.getView().getMaxZoom(),
                canvas: document.querySelectorAll('#id_geom_map canvas').length,
                snap: geodjango_geom.interactions.snap instanceof ol.interaction.Snap,
            });
            map.once('rendercomplete', read);
            setTimeout(read, 15000);
            map.render();
        })""")
        page.locator("#id_geom_div_map").scroll_into_view_if_needed()
        page.screenshot(path=str(shot), full_page=True)
        _drag_north_east_corner(page, 60)
        page.click("input[name=_save]")
        page.wait_for_url(f"{base}/admin/layers/landparcel/")
        browser.close()
    return state, requested, blocked, tiles


@pytest.mark.django_db(transaction=True)
def test_change_form_map_loads_our_openlayers_and_stays_on_this_host(site, tmp_path,
                                                                       django_user_model):
    django_user_model.objects.create_superuser("lan", password="mật-khẩu-thử")
    parcel = LandParcel.objects.create(commune_code="07210", sheet_no=3, parcel_no=7,
                                       land_use_code="ONT", area_m2="400.0",
                                       geom=square(X0, Y0, 20.0))
    shot = tmp_path / "admin-map-widget.png"

    state, requested, blocked, tiles = _browse(site, parcel.pk, shot)

    assert blocked == []
    assert f"{site}/static/editor/vendor/ol/ol.js" in requested
    assert any(url.startswith(f"{site}/tiles/wmts/basemap/webmercator/") for url in requested)
    assert (200, "image/png") in tiles  # MapProxy answered with base map tiles
    assert state == {"olMap": "function", "layers": 1, "features": 1, "zoom": state["zoom"],
                     "maxZoom": 22, "canvas": state["canvas"], "snap": True}
    assert state["zoom"] > 15  # fitted to a 20 m parcel
    assert state["canvas"] >= 1
    assert shot.stat().st_size > 10_000
    saved = LandParcel.objects.get(pk=parcel.pk)
    assert saved.version == 2
    xmin, ymin, xmax, ymax = saved.geom.extent
    assert (xmin, ymin) == (pytest.approx(X0, abs=0.001), pytest.approx(Y0, abs=0.001))
    assert xmax > X0 + 21  # the north-east corner moved east (60 px at < 0.1 m/px)
    assert saved.geom.area > 410
    last = FeatureHistory.objects.get(layer="land_parcels", feature_id=parcel.pk, version=2)
    assert (last.operation, last.actor) == ("U", "user:lan")
    if os.environ.get("ADMIN_SCREENSHOT_DIR"):  # for a person to look at
        shutil.copy(shot, Path(os.environ["ADMIN_SCREENSHOT_DIR"]) / shot.name)
