# SPDX-License-Identifier: MIT
"""The viewer in a real browser on the demo data: tiles, lookup, search, layers, locality."""
from __future__ import annotations

import struct
import unicodedata

import pytest
from pyproj import Transformer

from layers import registry
from tests.support.browser import DESKTOP, PHONE, tiles_loaded, wait_until

# A parcel whose inner point lies in a land-use plan zone (and, when the demo has one there,
# an urban planning zone): the expected values come from the database, not from the page.
PARCEL_IN_ZONE = """
SELECT p.commune_code, p.sheet_no, p.parcel_no, p.land_use_code, p.area_m2,
       ST_X(ST_PointOnSurface(p.geom_4326)), ST_Y(ST_PointOnSurface(p.geom_4326))
FROM land_parcels p
WHERE EXISTS (SELECT 1 FROM land_use_plan_zones z
              WHERE ST_Contains(z.geom_4326, ST_PointOnSurface(p.geom_4326)))
ORDER BY EXISTS (SELECT 1 FROM urban_planning_zones u
                 WHERE ST_Contains(u.geom_4326, ST_PointOnSurface(p.geom_4326))) DESC,
         p.commune_code, p.sheet_no, p.parcel_no
LIMIT 1
"""
ZONES_AT = """
SELECT 'plan', plan_code FROM land_use_plan_zones
WHERE ST_Contains(geom_4326, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
UNION ALL
SELECT 'urban', zone_code FROM urban_planning_zones
WHERE ST_Contains(geom_4326, ST_SetSRID(ST_MakePoint(%s, %s), 4326))
ORDER BY 1, 2
"""
PIXELS = """async () => {
  const canvas = await window.basemapViewer.snapshot();
  const map = window.basemapViewer.map.getCanvas();
  const data = canvas.getContext("2d").getImageData(0, 0, map.width, map.height).data;
  const colours = new Set();
  let painted = 0, total = 0;
  for (let i = 0; i < data.length; i += 4 * 7) {
    total += 1;
    colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    if (Math.abs(data[i] - 0xF2) + Math.abs(data[i + 1] - 0xEF) + Math.abs(data[i + 2] - 0xE9) > 12) painted += 1;
  }
  return {colours: colours.size, painted: painted / total};
}"""


def vi_number(value: float, digits: int) -> str:
    """A number as vi-VN writes it: 1.234,5."""
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.fixture
def parcel(demo_site) -> dict:
    commune, sheet, number, land_use, area, lon, lat = demo_site.rows(PARCEL_IN_ZONE)[0]
    zones = demo_site.rows(ZONES_AT, (lon, lat, lon, lat))
    return {"commune": commune, "sheet": sheet, "number": number, "land_use": land_use,
            "area": float(area), "lon": lon, "lat": lat,
            "plans": [code for kind, code in zones if kind == "plan"],
            "urban": [code for kind, code in zones if kind == "urban"]}


def only_loopback(requests: list[str], base: str) -> list[str]:
    """Requests that went anywhere but the server under test (data:/blob: stay local)."""
    return [url for url in requests
            if not (url.startswith(base + "/") or url.startswith(("data:", "blob:")))]


def test_map_draws_tiles_from_the_project_only(serve, demo_site, open_page, parcel, screenshots):
    base = serve(demo_site.env)
    view = open_page(f"{base}/#16/{parcel['lat']:.5f}/{parcel['lon']:.5f}/basemap,land_parcels")
    tiles_loaded(view.page)
    pixels = view.page.evaluate(PIXELS)
    assert pixels["colours"] > 40, pixels
    assert pixels["painted"] > 0.25, pixels
    vector = [u for u in view.requests if "/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/16/" in u]
    raster = [u for u in view.requests if u.startswith(base + "/tiles/")]
    assert len(vector) >= 4 and len(raster) >= 4, (vector, raster)
    assert only_loopback(view.requests, base) == []
    assert view.errors == []
    screenshots(view.page, "desktop")


def test_click_on_a_parcel_shows_it_and_its_plan_zones(serve, demo_site, open_page, parcel):
    base = serve(demo_site.env)
    view = open_page(f"{base}/#18/{parcel['lat']:.6f}/{parcel['lon']:.6f}")
    box = view.page.locator("#map").bounding_box()
    view.page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    card = view.page.locator("#lookup .card.parcel")
    card.wait_for(timeout=20000)
    words = registry.LAND_USE_CODES[parcel["land_use"]][0]
    assert card.locator("h3").inner_text() == f"Thửa đất {parcel['number']}, tờ bản đồ số {parcel['sheet']}"
    terms = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts(),
                     strict=True))
    assert terms["Tờ bản đồ số"] == str(parcel["sheet"])
    assert terms["Thửa đất số"] == str(parcel["number"])
    assert terms["Loại đất"] == f"{parcel['land_use']} – {words}"
    assert terms["Diện tích pháp lý"] == f"{vi_number(parcel['area'], 1)} m²"
    plans = view.page.locator("#lookup .card.plan h3").all_inner_texts()
    urban = view.page.locator("#lookup .card.urban h3").all_inner_texts()
    assert plans == [f"Quy hoạch sử dụng đất {code}" for code in parcel["plans"]]
    assert urban == [f"Quy hoạch đô thị {code}" for code in parcel["urban"]]
    assert len(plans) >= 1
    assert view.page.locator("#lookup .card").count() == 1 + len(plans) + len(urban)
    assert view.errors == []
    assert only_loopback(view.requests, base) == []


def test_phone_search_finds_a_parcel_and_centres_it(serve, demo_site, open_page, parcel,
                                                     screenshots):
    base = serve(demo_site.env)
    view = open_page(f"{base}/", viewport=PHONE, is_mobile=True, has_touch=True)
    page = view.page
    assert page.locator("#panel").is_hidden()
    page.click("#btn-panel")
    page.select_option("#parcel-commune", parcel["commune"])
    page.fill("#parcel-sheet", str(parcel["sheet"]))
    page.fill("#parcel-no", str(parcel["number"]))
    page.click("#search-parcel button[type=submit]")
    page.locator("#lookup .card.parcel").wait_for(timeout=20000)
    assert page.locator("#results [role=status]").inner_text() == "Tìm thấy 1 kết quả."
    assert page.locator("#lookup .card.parcel h3").inner_text() == (
        f"Thửa đất {parcel['number']}, tờ bản đồ số {parcel['sheet']}")
    wait_until(page, "!window.basemapViewer.map.isMoving()")
    # the parcel is on screen above the bottom sheet, zoomed in
    point = page.evaluate(f"window.basemapViewer.map.project([{parcel['lon']}, {parcel['lat']}])")
    x, y = point["x"], point["y"]
    sheet_top = page.locator("#panel").bounding_box()["y"] - page.locator("#map").bounding_box()["y"]
    assert 0 < x < PHONE["width"] and 0 < y < sheet_top, (x, y, sheet_top)
    assert page.evaluate("window.basemapViewer.map.getZoom()") > 16
    assert view.errors == []
    assert only_loopback(view.requests, base) == []
    tiles_loaded(page)
    screenshots(page, "phone")


def test_layer_switcher_lists_the_public_layers_only(serve, demo_site, open_page):
    base = serve(demo_site.env)
    view = open_page(f"{base}/#14/21.3/106.2/roads,rivers")
    page = view.page
    listed = page.eval_on_selector_all("[data-layer-toggle]:not(#toggle-basemap)",
                                       "boxes => boxes.map(b => b.dataset.layerToggle)")
    public = [layer.id for sector in registry.Sector for layer in registry.public_layers()
              if layer.sector is sector]
    assert listed == public
    assert len(listed) == 13
    html = page.content()
    for internal in ("mineral_sites", "construction_permits"):
        assert internal not in html
    style_sources = page.evaluate("Object.keys(window.basemapViewer.map.getStyle().sources)")
    assert sorted(style_sources) == sorted(["basemap", "highlight", *public])
    checked = page.eval_on_selector_all("[data-layer-toggle]:checked",
                                        "boxes => boxes.map(b => b.dataset.layerToggle)")
    assert checked == ["rivers", "roads"]  # and not the base map: it is not in the hash
    assert page.evaluate("window.basemapViewer.map.getLayoutProperty('basemap', "
                         "'visibility')") == "none"
    page.focus("#tab-search")  # the tabs work from the keyboard: arrows move, Space toggles
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-layers"
    assert page.locator("#pane-layers").is_visible() and page.locator("#pane-search").is_hidden()
    page.focus("#toggle-land_parcels")
    page.keyboard.press("Space")
    assert page.evaluate("window.basemapViewer.map.getLayoutProperty('land_parcels-fill', "
                         "'visibility')") == "visible"
    assert page.evaluate("location.hash").split("/")[3] == "land_parcels,rivers,roads"
    assert page.evaluate("window.basemapViewer.map.getLayoutProperty('buildings-fill', "
                         "'visibility')") == "none"
    assert view.errors == []
    assert only_loopback(view.requests, base) == []


def test_road_and_place_search_highlight_on_the_map(serve, demo_site, open_page):
    base = serve(demo_site.env)
    (code, name), = demo_site.rows("SELECT code, name FROM roads WHERE code = 'QL1'")
    commune, = demo_site.rows("SELECT name FROM admin_communes WHERE valid_to IS NULL "
                              "ORDER BY code LIMIT 1")[0]
    view = open_page(f"{base}/?lang=en")
    page = view.page
    assert page.locator("label[for=road-q]").inner_text() == "Road (code or name, e.g. QL1)"
    page.fill("#road-q", "ql1")
    page.click("#search-road button[type=submit]")
    buttons = page.locator("#results button")
    buttons.first.wait_for(timeout=20000)
    assert f"{code} – {name}" in buttons.all_inner_texts()
    assert page.locator("#results [role=status]").inner_text().startswith("Found: ")
    buttons.filter(has_text=f"{code} – {name}").first.click()
    wait_until(page, "window.basemapViewer.highlighted")
    assert page.evaluate("window.basemapViewer.highlighted.features.length") == 1
    assert page.evaluate("window.basemapViewer.highlighted.features[0].geometry.type") == (
        "MultiLineString")
    folded = "".join(c for c in unicodedata.normalize("NFD", commune.lower().replace("đ", "d"))
                     if not unicodedata.combining(c))
    page.fill("#place-q", folded)
    page.click("#search-place button[type=submit]")
    page.locator("#results button").first.wait_for(timeout=20000)
    labels = page.locator("#results button").all_inner_texts()
    assert any(label.endswith(f" {commune}") for label in labels), labels
    assert view.errors == []
    assert only_loopback(view.requests, base) == []


def test_coordinates_in_vn2000_agree_with_pyproj(serve, demo_site, open_page):
    base = serve(demo_site.env)
    view = open_page(f"{base}/")
    reference = Transformer.from_crs("EPSG:4326", "EPSG:9214", always_xy=True)
    for lon, lat in [(106.2, 21.3), (105.9, 21.5), (106.95, 21.15), (107.0, 21.4)]:
        east, north = view.page.evaluate(f"window.basemapViewer.toVn2000({lon}, {lat})")
        want_east, want_north = reference.transform(lon, lat)
        assert abs(east - want_east) < 1.0 and abs(north - want_north) < 1.0, (lon, lat)
    shown = view.page.locator("#coord-vn2000").inner_text()
    assert shown.startswith("X ") and " m · Y " in shown


def test_export_png_and_locate_me(serve, demo_site, open_page, parcel):
    base = serve(demo_site.env)
    view = open_page(f"{base}/#15/21.30000/106.20000", geolocation={
        "latitude": parcel["lat"], "longitude": parcel["lon"]}, permissions=["geolocation"])
    page = view.page
    tiles_loaded(page)
    with page.expect_download() as info:
        page.click("#btn-export")
    png = open(info.value.path(), "rb").read()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    canvas = page.evaluate("[window.basemapViewer.map.getCanvas().width, "
                           "window.basemapViewer.map.getCanvas().height]")
    assert (width, height) == (canvas[0], canvas[1] + 28)
    assert canvas[0] == DESKTOP["width"] - 360
    page.click("#btn-locate")
    wait_until(page, f"Math.abs(window.basemapViewer.map.getCenter().lng - {parcel['lon']}) < 1e-6")
    assert page.evaluate("window.basemapViewer.map.getZoom()") == 16
    assert view.errors == []
    assert only_loopback(view.requests, base) == []


def test_print_lays_out_the_snapshot_of_the_view_alone(serve, demo_site, open_page, screenshots):
    base = serve(demo_site.env)
    view = open_page(f"{base}/#15/21.30000/106.20000")
    page = view.page
    tiles_loaded(page)
    # headless Chromium has no print dialog: count the calls, then print with page.pdf()
    # the image must be decoded when the dialog opens (a print laid out before it is blank)
    # (a function, so evaluate() defines print and does not call it: a script whose value is
    # a function, as an assignment of one is, gets called)
    page.evaluate("""() => { window.printed = 0; window.print = () => {
        const img = document.querySelector('#print-image');
        window.printedSize = img.complete ? [img.naturalWidth, img.naturalHeight] : null;
        window.printed += 1; }; }""")
    assert page.evaluate("window.printed") == 0
    page.click("#btn-print")
    wait_until(page, "window.printed >= 1")  # (a double click opens one dialog: see printView)
    size = page.evaluate("window.printedSize")
    canvas = page.evaluate("[window.basemapViewer.map.getCanvas().width, "
                           "window.basemapViewer.map.getCanvas().height]")
    assert page.evaluate("document.querySelector('#print-image').src.slice(0, 22)") == \
        "data:image/png;base64,"
    assert size == [canvas[0], canvas[1] + 28]  # the view plus its attribution line
    page.emulate_media(media="print")
    shown = page.evaluate("""['#print-image', '#map', '#panel', '.bar .tools'].map(
        (s) => getComputedStyle(document.querySelector(s)).display)""")
    assert shown == ["block", "none", "none", "none"]
    screenshots(page, "print")
    pdf = page.pdf(format="A4", landscape=True)
    assert pdf[:5] == b"%PDF-"
    assert pdf.count(b"/Subtype /Image") == 1  # the snapshot, and no other picture
    assert view.errors == []


def test_only_the_embed_page_can_be_framed(serve, demo_site, browser):
    base = serve(demo_site.env)
    context = browser.new_context(viewport=DESKTOP)
    try:
        page = context.new_page()
        refused = []
        page.on("console", lambda message: "frame" in message.text and refused.append(message.text))
        page.goto(f"{base}/healthz")  # a same-origin host page ('self' may frame the embed)
        page.evaluate("""(base) => {
          for (const [id, path] of [["embed", "/?embed=1#15/21.2505/106.1873"], ["full", "/"]]) {
            const frame = document.createElement("iframe");
            frame.id = id; frame.src = base + path; frame.width = 640; frame.height = 420;
            document.body.append(frame);
          }
        }""", base)
        embed = page.frame_locator("#embed").locator("body[data-ready=true]")
        embed.wait_for(state="attached", timeout=30000)
        assert page.frame_locator("#embed").locator(".open-full").count() == 1
        for _ in range(100):  # the browser reports the refusal on the console
            if refused:
                break
            page.wait_for_timeout(100)
        assert any("frame-ancestors 'none'" in text for text in refused), refused
        full = page.query_selector("#full").content_frame()
        assert full.url != f"{base}/", full.url  # refused: Chromium shows its error page
        assert page.frame_locator("#full").locator("#map").count() == 0
    finally:
        context.close()
