# SPDX-License-Identifier: MIT
"""pygeoapi's HTML pages load nothing from outside the server (no CDN), in Vietnamese."""
from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db
# what a browser fetches: scripts, images, style sheets and icons
LOADED = re.compile(r'<(?:script|img)\b[^>]*?src="([^"]+)"'
                    r'|<link\b(?=[^>]*rel="(?:stylesheet|icon)")[^>]*?href="([^"]+)"')


def loaded(html: str) -> list[str]:
    return [a or b for a, b in LOADED.findall(html)]
PAGES = ("/ogcapi/?f=html", "/ogcapi/collections?f=html", "/ogcapi/conformance?f=html",
         "/ogcapi/collections/land_parcels?f=html",
         "/ogcapi/collections/land_parcels/items?f=html&limit=5",
         "/ogcapi/collections/land_parcels/queryables?f=html",
         "/ogcapi/collections/land_parcels/tiles?f=html",
         "/ogcapi/openapi?f=html", "/ogcapi/openapi?f=html&ui=redoc",
         "/ogcapi/collections/catalog/items?f=html")


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_only_local_files(client, ogc_data, path):
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    html = response.content.decode()
    assert 'lang="vi"' in html or "Bản đồ nền" in html
    urls = loaded(html)
    assert urls, path
    for url in urls:
        assert url.startswith(("http://testserver/", "/", "data:")), (path, url)
        if url.startswith("http://testserver/ogcapi/"):
            local = client.get(url.removeprefix("http://testserver"))
            assert local.status_code == 200, url


def test_item_page(client, ogc_data):
    fid = ogc_data["land_parcels"][0]
    html = client.get(f"/ogcapi/collections/land_parcels/items/{fid}?f=html").content.decode()
    for url in loaded(html):
        assert url.startswith(("http://testserver/", "/")), url
    assert "ogcapi-shims.js" in html
