# SPDX-License-Identifier: MIT
"""The public API has no internal layer and no sensitive attribute anywhere; a wider grant
gets its own API object with them."""
from __future__ import annotations

import json

import pytest

from geoserver_app.ogcapi import apis
from layers.grants import PUBLIC
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db
INTERNAL = ("mineral_sites", "construction_permits")
SENSITIVE = ("owner_name", "owner_id_number", "certificate_number", "investor_name")
PUBLIC_PATHS = (
    "/ogcapi/collections?f=json", "/ogcapi/collections?f=html", "/ogcapi/collections?f=jsonld",
    "/ogcapi/openapi?f=json", "/ogcapi/?f=json", "/ogcapi/conformance?f=json",
    "/ogcapi/collections/land_parcels?f=json",
    "/ogcapi/collections/land_parcels/items?f=json&limit=3",
    "/ogcapi/collections/land_parcels/items?f=html&limit=3",
    "/ogcapi/collections/land_parcels/items?f=jsonld&limit=3",
    "/ogcapi/collections/land_parcels/items?f=csv&limit=3",
    "/ogcapi/collections/land_parcels/queryables?f=json",
    "/ogcapi/collections/land_parcels/schema?f=json",
    "/ogcapi/collections/catalog/items?f=json&limit=50",
)


def _text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.content[:300])
    return response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_never_sees_internal_or_sensitive(client, ogc_data, as_grant, path):
    as_grant(PUBLIC)
    text = _text(client, path)
    for word in (*INTERNAL, *SENSITIVE, "Nguyễn Văn", "Trần Thị B"):
        assert word not in text, (path, word)


def test_public_item_has_only_public_attributes(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    fid = ogc_data["land_parcels"][3]
    feature = client.get(f"/ogcapi/collections/land_parcels/items/{fid}?f=json").json()
    assert sorted(feature["properties"]) == sorted([
        "created_at", "updated_at", "version", "commune_code", "sheet_no", "parcel_no",
        "land_use_code", "area_m2", "address", "commune_code_2025", "address_original"])
    assert feature["properties"]["parcel_no"] == 3


@pytest.mark.parametrize("path", ["/ogcapi/collections/mineral_sites?f=json",
                                  "/ogcapi/collections/mineral_sites/items?f=json",
                                  "/ogcapi/collections/mineral_sites/queryables?f=json",
                                  "/ogcapi/collections/construction_permits/items/1?f=json",
                                  "/ogcapi/collections/mineral_sites/tiles?f=json",
                                  "/ogcapi/collections/mineral_sites/deletions"])
def test_internal_collections_do_not_exist_for_the_public(client, ogc_data, as_grant, path):
    as_grant(PUBLIC)
    assert client.get(path).status_code == 404


def test_wider_grant_sees_internal_layers_and_owners(client, ogc_data, as_grant):
    grant = everything()
    as_grant(grant)
    ids = {c["id"] for c in client.get("/ogcapi/collections?f=json").json()["collections"]}
    assert {"mineral_sites", "construction_permits", "land_parcels"} <= ids
    fid = ogc_data["land_parcels"][3]
    feature = client.get(f"/ogcapi/collections/land_parcels/items/{fid}?f=json").json()
    assert feature["properties"]["owner_name"] == "Nguyễn Văn 3"
    permits = client.get("/ogcapi/collections/construction_permits/items?f=json").json()
    assert [f["properties"]["investor_name"] for f in permits["features"]] == [
        "Trần Thị B", "Lê Văn D"]
    assert "owner_id_number" in json.dumps(client.get("/ogcapi/openapi?f=json").json())
    queryables = client.get("/ogcapi/collections/land_parcels/queryables?f=json").json()
    assert "owner_name" in queryables["properties"]


def test_one_api_object_per_grant(client, ogc_data, as_grant):
    apis.clear()
    as_grant(PUBLIC)
    client.get("/ogcapi/collections?f=json")
    client.get("/ogcapi/collections/land_parcels/items?f=json")
    as_grant(everything())
    client.get("/ogcapi/collections?f=json")
    assert len(apis._cache.apis) == 2
    assert apis.api_for(PUBLIC, "http://testserver/ogcapi") is apis.api_for(
        PUBLIC, "http://testserver/ogcapi")


def test_vary_authorization(client, ogc_data):
    response = client.get("/ogcapi/collections/land_parcels/items?f=json")
    assert "Authorization" in response["Vary"]
