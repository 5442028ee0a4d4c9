# SPDX-License-Identifier: MIT
"""The viewer page without a browser: registry-derived legend and style, embedding policy."""
from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from geoserver_app.settings import frame_ancestors
from geoserver_app.viewer import page
from layers import registry
from layers.grants import PUBLIC, Grant, LayerRights

pytestmark = pytest.mark.django_db


def test_legend_words_come_from_the_registry():
    parcels = page.legend(registry.get("land_parcels"), english=False)
    assert len(parcels) == len(registry.LAND_USE_CODES) == 14
    assert parcels[0] == page.LegendItem("LUC – Đất chuyên trồng lúa", "#FFFC82", "#B5651D", 0.5)
    roads = page.legend(registry.get("roads"), english=True)
    assert [item.label for item in roads] == ["National road", "Provincial road", "District road",
                                              "Commune road", "Urban road"]
    assert roads[0].fill is None and roads[0].stroke == "#E8463A"
    rivers = page.legend(registry.get("rivers"), english=False)
    assert rivers == (page.LegendItem("Sông suối", None, "#4A90D9", 2.0),)


@pytest.fixture
def services(settings, tmp_path):
    """A deployment whose raster tiles and OGC API are both configured."""
    settings.BASE_DIR = tmp_path
    for name in (page.TILES_CONFIG, page.OGCAPI_CONFIG):
        (tmp_path / name).write_text("# generated\n")
    return tmp_path


def test_style_has_the_public_layers_only_and_fetches_no_glyphs(services):
    style = page.map_style(PUBLIC)
    public = [layer.id for layer in registry.public_layers()]
    assert sorted(style["sources"]) == sorted(["basemap", *public])
    assert "glyphs" not in style and "sprite" not in style
    assert {spec["metadata"]["layer"] for spec in style["layers"] if "metadata" in spec} == {
        "basemap", *public}
    assert style["sources"]["land_parcels"]["tiles"] == [
        "/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/{z}/{y}/{x}?f=mvt"]
    assert style["sources"]["land_parcels"]["minzoom"] == 15
    assert style["sources"]["basemap"]["tiles"] == [
        "/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png"]
    fill = next(spec for spec in style["layers"] if spec["id"] == "land_parcels-fill")
    assert fill["paint"]["fill-color"][:4] == ["match", ["to-string", ["get", "land_use_code"]],
                                               "LUC", "#FFFC82"]


def test_a_grant_with_internal_layers_gets_them_in_its_style(services):
    everything = Grant(tuple((layer.id, LayerRights()) for layer in registry.LAYERS), name="all")
    assert "mineral_sites" in page.map_style(everything)["sources"]
    assert "mineral_sites" not in page.map_style(PUBLIC)["sources"]
    ids = [layer.id for sector in page.sectors(PUBLIC, "vi") for layer in sector.layers]
    assert ids == [layer.id for sector in registry.Sector for layer in registry.public_layers()
                   if layer.sector is sector]


def test_without_services_the_page_leaves_them_out_and_says_so(services):
    (services / page.TILES_CONFIG).unlink()
    style = page.map_style(PUBLIC)
    assert "basemap" not in style["sources"] and len(style["sources"]) == 13
    assert page.client_config(PUBLIC, "vi")["missing"] == ["basemapMissing"]
    (services / page.OGCAPI_CONFIG).unlink()
    assert page.map_style(PUBLIC)["sources"] == {}
    config = page.client_config(PUBLIC, "en")
    assert config["missing"] == ["basemapMissing", "ogcapiMissing"]
    assert config["messages"]["ogcapiMissing"] == (
        "The OGC API is not available yet: no data layers and no lookup.")


def test_home_refuses_framing_and_embed_allows_the_listed_ancestors(client, settings):
    settings.VIEWER_FRAME_ANCESTORS = ["https://portal.bacninh.gov.vn"]
    page = client.get("/")
    assert page.status_code == 200
    assert page["X-Frame-Options"] == "DENY"
    assert page["Content-Security-Policy"].endswith("frame-ancestors 'none'")
    assert "default-src 'self'" in page["Content-Security-Policy"]
    embed = client.get("/?embed=1")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert embed["Content-Security-Policy"].endswith(
        "frame-ancestors 'self' https://portal.bacninh.gov.vn")
    assert 'class="embed"' in embed.content.decode()
    assert client.get("/admin/login/")["X-Frame-Options"] == "DENY"


def test_page_carries_no_external_url(client):
    html = client.get("/?lang=en").content.decode()
    assert "Shared GIS base map of the province" in html
    assert "https://" not in html and "http://" not in html and "//cdn" not in html
    assert '/static/vendor/maplibre-gl/maplibre-gl.mjs' in html


@pytest.mark.parametrize("value", ["portal.gov.vn", "https://a.vn/path", "'unsafe-inline'",
                                   "https://a.vn;script-src"])
def test_bad_frame_ancestor_is_a_clear_error(value):
    with pytest.raises(ImproperlyConfigured, match="is not an origin such as"):
        frame_ancestors(value)


def test_frame_ancestors_accept_origins_with_commas_or_spaces():
    assert frame_ancestors("https://a.gov.vn, http://b.vn:8080 https://*.c.vn") == [
        "https://a.gov.vn", "http://b.vn:8080", "https://*.c.vn"]
