# SPDX-License-Identifier: MIT
"""The change feed's deletions: tombstones of a collection since a time, same access policy."""
from __future__ import annotations

import datetime as dt

import pytest

from geoserver_app.ogcapi import db
from layers.grants import PUBLIC
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db


COLUMNS = ("id, version, commune_code, sheet_no, parcel_no, land_use_code, area_m2, address, "
           "owner_name, owner_id_number, certificate_number, geom")


@pytest.fixture
def deleted_parcel(ogc_data):
    """Parcel 29 deleted (and restored afterwards, so other tests see the same data)."""
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                       "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        before = cursor.fetchone()[0]
        cursor.execute("SET LOCAL basemap.actor = 'test'")
        cursor.execute(f"DELETE FROM land_parcels WHERE parcel_no = 29 RETURNING {COLUMNS}")
        row = cursor.fetchone()
    yield row[0], row[1], before
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute(f"INSERT INTO land_parcels ({COLUMNS}) VALUES "
                       f"({', '.join(['%s'] * len(row))})", row)


def test_deletions_since(client, deleted_parcel):
    fid, version, before = deleted_parcel
    body = client.get(f"/ogcapi/collections/land_parcels/deletions?since={before}").json()
    assert [(d["id"], d["version"]) for d in body["deletions"]] == [(fid, version)]
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert client.get(f"/ogcapi/collections/land_parcels/deletions?since={later}"
                      ).json()["deletions"] == []
    assert "actor" not in body["deletions"][0]


def test_internal_deletions_need_the_layer(client, as_grant, ogc_data):
    as_grant(PUBLIC)
    assert client.get("/ogcapi/collections/mineral_sites/deletions").status_code == 404
    as_grant(everything())
    body = client.get("/ogcapi/collections/mineral_sites/deletions").json()
    assert body == {"collection": "mineral_sites", "deletions": [], "numberReturned": 0,
                    "links": [{"rel": "collection", "type": "application/json",
                               "href": "http://testserver/ogcapi/collections/mineral_sites"}]}


@pytest.mark.parametrize(("query", "word"), [("since=yesterday", "since"), ("limit=0", "limit"),
                                             ("limit=x", "limit")])
def test_bad_parameters(client, ogc_data, query, word):
    response = client.get(f"/ogcapi/collections/land_parcels/deletions?{query}")
    assert response.status_code == 400
    assert response.json()["description"].startswith(word)
