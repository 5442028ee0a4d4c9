# SPDX-License-Identifier: MIT
"""The OGC API follows the run-time catalog: access, sensitive attributes, retirement."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from layers.grants import PUBLIC, Grant, LayerRights
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db
PARCEL_ITEMS = "/ogcapi/collections/land_parcels/items?f=json&limit=2"
PARCEL_TILE = "/ogcapi/collections/land_parcels/tiles/WebMercatorQuad/16/28797/52101?f=mvt"


def status(client, path: str) -> int:
    return client.get(path).status_code


def test_a_public_layer_made_internal_is_gone_for_anonymous_and_kept_for_its_token(
        client, ogc_data, as_grant):
    parcels_reader = Grant((("land_parcels", LayerRights()),), "token:cadastre")
    as_grant(PUBLIC)
    assert status(client, PARCEL_ITEMS) == 200
    assert status(client, PARCEL_TILE) == 200
    call_command("layer", "set", "land_parcels", "--access", "internal")
    for path in (PARCEL_ITEMS, "/ogcapi/collections/land_parcels?f=json",
                 "/ogcapi/collections/land_parcels/queryables?f=json", PARCEL_TILE):
        assert status(client, path) == 404, path
    ids = {c["id"] for c in client.get("/ogcapi/collections?f=json").json()["collections"]}
    assert "land_parcels" not in ids
    assert "land_parcels" not in client.get("/ogcapi/openapi?f=json").content.decode()
    as_grant(parcels_reader)
    page = client.get(PARCEL_ITEMS).json()
    assert page["numberReturned"] == 2
    assert "owner_name" not in page["features"][0]["properties"]  # still sensitive


def test_an_internal_layer_made_public_appears_for_anonymous(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    minerals = "/ogcapi/collections/mineral_sites/items?f=json"
    assert status(client, minerals) == 404
    call_command("layer", "set", "mineral_sites", "--access", "public")
    page = client.get(minerals).json()
    assert sorted(f["properties"]["license_number"] for f in page["features"]) == [
        "GP-01", "GP-02"]


def test_an_attribute_made_sensitive_leaves_every_public_path(client, ogc_data, as_grant):
    as_grant(PUBLIC)
    assert "address" in client.get(PARCEL_ITEMS).json()["features"][0]["properties"]
    call_command("layer", "set", "land_parcels", "--sensitive",
                 "owner_name,owner_id_number,certificate_number,address")
    assert "address" not in client.get(PARCEL_ITEMS).json()["features"][0]["properties"]
    queryables = client.get("/ogcapi/collections/land_parcels/queryables?f=json").json()
    assert "address" not in queryables["properties"]
    as_grant(everything())
    assert client.get(PARCEL_ITEMS).json()["features"][0]["properties"]["address"].startswith(
        "Thôn ")


def test_a_retired_layer_is_gone_for_everyone_and_back_when_restored(client, ogc_data, as_grant):
    as_grant(everything())
    call_command("layer", "retire", "land_parcels")
    assert status(client, PARCEL_ITEMS) == 404
    call_command("layer", "restore", "land_parcels")
    assert client.get(PARCEL_ITEMS).json()["numberReturned"] == 2
