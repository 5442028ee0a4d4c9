# SPDX-License-Identifier: MIT
"""/ogcapi/ is pygeoapi behind Django: landing, collections, strict slashes, Vietnamese."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_landing_is_pygeoapi_in_vietnamese(client, ogc_data):
    response = client.get("/ogcapi/?f=json")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "Bản đồ nền GIS dùng chung – OGC API"
    assert response["Content-Language"] == "vi"
    assert "Authorization" in response["Vary"]
    rels = {link["rel"] for link in body["links"]}
    assert {"service-desc", "conformance", "data"} <= rels


def test_english_on_request(client, ogc_data):
    body = client.get("/ogcapi/?f=json&lang=en").json()
    assert body["title"] == "Shared GIS base map – OGC API"


def test_strict_slashes(client, ogc_data):
    assert client.get("/ogcapi/collections?f=json").status_code == 200
    assert client.get("/ogcapi/collections/?f=json").status_code == 200  # not a 301 or 404


def test_items_of_parcels(client, ogc_data):
    response = client.get("/ogcapi/collections/land_parcels/items?f=json&limit=5")
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["features"]) == 5
    assert body["features"][0]["id"] == ogc_data["land_parcels"][0]
