# SPDX-License-Identifier: MIT
"""No admin page references another host: the HTML, and the CSS/JS it loads (ours and Django's).

OpenLayers' own build names hosts in code it does not run here (e.g. the default OSM source);
the real-browser test (test_map_widget_browser.py) proves no request leaves 127.0.0.1.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from geoserver_app.metadata.models import LayerMetadata
from layers.models import IngestBatch

pytestmark = pytest.mark.django_db

ATTRIBUTE_URL = re.compile(r'\b(?:src|href|action|data-src)\s*=\s*"([^"]*)"', re.I)
CSS_URL = re.compile(r'url\(\s*["\']?([^"\')]+)|@import\s+["\']([^"\']+)', re.I)
ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
OWN_CODE = ("editor/js/basemap-widget.js", "gis/js/OLMapWidget.js")


def _pages(parcel) -> list[str]:
    meta = LayerMetadata.objects.get(layer="land_parcels")
    batch = IngestBatch.objects.create(layer="land_parcels", source="x.gpkg")
    return ["/admin/", "/admin/layers/landparcel/", "/admin/layers/landparcel/add/",
            f"/admin/layers/landparcel/{parcel.pk}/change/",
            f"/admin/layers/landparcel/{parcel.pk}/history/", "/admin/layers/road/add/",
            "/admin/layers/bridge/add/", "/admin/layers/ingestbatch/",
            f"/admin/layers/ingestbatch/{batch.pk}/change/",
            f"/admin/metadata/layermetadata/{meta.pk}/change/", "/admin/metadata/layermetadata/",
            "/admin/editor/upload/", "/admin/editor/upload/add/"]


def _urls(html: str) -> list[str]:
    return [url for url in ATTRIBUTE_URL.findall(html) if url and not url.startswith("#")]


def _static_file(url: str) -> Path:
    assert url.startswith("/static/"), url
    found = finders.find(url.removeprefix("/static/").split("?")[0])
    assert found, f"{url} is not a static file of the project"
    return Path(found)


def test_admin_pages_and_their_css_and_js_stay_on_this_host(admin_client, make_parcel):
    parcel = make_parcel()
    seen_static: set[str] = set()
    for page in _pages(parcel):
        response = admin_client.get(page)
        assert response.status_code == 200, page
        html = response.text
        external = [url for url in _urls(html) if ABSOLUTE.match(url)]
        assert external == [], (page, external)
        assert "openstreetmap" not in html and "cdn." not in html, page
        seen_static |= {url for url in _urls(html) if url.startswith("/static/")}
    assert "/static/editor/vendor/ol/ol.js" in seen_static
    assert "/static/editor/vendor/ol/ol.css" in seen_static
    for url in sorted(u for u in seen_static if u.endswith(".css")):
        css = _static_file(url).read_text()
        references = [a or b for a, b in CSS_URL.findall(css)]
        assert [r for r in references if ABSOLUTE.match(r)] == [], url
    for name in OWN_CODE:
        assert not re.search(r"https?://", Path(finders.find(name)).read_text()), name


def test_the_vendored_openlayers_comes_with_its_source_map():
    ol = Path(finders.find("editor/vendor/ol/ol.js"))
    assert ol.read_text().rstrip().endswith("//# sourceMappingURL=ol.js.map")
    assert (ol.parent / "ol.js.map").stat().st_size > 1_000_000
