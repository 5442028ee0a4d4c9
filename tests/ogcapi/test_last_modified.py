# SPDX-License-Identifier: MIT
"""Last-Modified and If-Modified-Since on Features: a single item is as new as its
``updated_at``; a page (any page of a collection) as the layer's latest change, deletions
(feature_tombstones) included."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils.http import http_date

pytestmark = pytest.mark.django_db
ITEMS = "/ogcapi/collections/bridges/items"
# two bridges (two points: the capture trigger needs an extent) with known update times
BRIDGES_SQL = """
INSERT INTO bridges (name, road_code, created_at, updated_at, geom)
VALUES ('Cầu A', 'QL1', '2020-01-01T00:00:00Z', '2020-01-02T03:04:05.6Z',
        ST_Transform(ST_SetSRID(ST_MakePoint(106.21, 21.31), 4326), 9214)),
       ('Cầu B', 'QL1', '2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z',
        ST_Transform(ST_SetSRID(ST_MakePoint(106.22, 21.32), 4326), 9214)) RETURNING id
"""
NEWEST = "Thu, 02 Jan 2020 03:04:05 GMT"
OLDEST = "Wed, 01 Jan 2020 00:00:00 GMT"


def _run(statement: str, params: list | None = None) -> list[tuple]:
    from geoserver_app.ogcapi import db

    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SET LOCAL basemap.history = 'off'")
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def bridges(django_db_setup, django_db_blocker) -> Iterator[list[int]]:
    """Two committed bridges, the only ones; removed with their tombstones afterwards."""
    with django_db_blocker.unblock():
        assert _run("SELECT (SELECT count(*) FROM bridges), (SELECT count(*) FROM "
                    "feature_tombstones WHERE layer = 'bridges')") == [(0, 0)]
        ids = sorted(row[0] for row in _run(BRIDGES_SQL))
    yield ids
    with django_db_blocker.unblock():
        _run("DELETE FROM bridges")
        _run("DELETE FROM feature_tombstones WHERE layer = 'bridges'")
        _run("DELETE FROM tile_invalidations WHERE layer = 'bridges'")


def test_item_is_as_new_as_its_updated_at(client, bridges):
    first, second = bridges
    response = client.get(f"{ITEMS}/{first}?f=json")
    assert response.status_code == 200
    assert response["Last-Modified"] == NEWEST
    assert client.get(f"{ITEMS}/{second}?f=json")["Last-Modified"] == OLDEST
    same = client.get(f"{ITEMS}/{first}?f=json", HTTP_IF_MODIFIED_SINCE=NEWEST)
    assert same.status_code == 304
    assert same.content == b""
    older = client.get(f"{ITEMS}/{first}?f=json",
                       HTTP_IF_MODIFIED_SINCE="Thu, 02 Jan 2020 03:04:04 GMT")
    assert older.status_code == 200
    assert older.json()["properties"]["name"] == "Cầu A"


@pytest.mark.parametrize("query", ["f=json&limit=1", "f=json&limit=1&offset=1", "f=html",
                                   "f=json&sortby=name"])
def test_every_page_is_as_new_as_the_layer(client, bridges, query):
    # f=json pages take the fast path; html and sorted pages pygeoapi's
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 200
    assert response["Last-Modified"] == NEWEST
    same = client.get(f"{ITEMS}?{query}", HTTP_IF_MODIFIED_SINCE=NEWEST)
    assert same.status_code == 304
    assert same.content == b""
    assert same["Last-Modified"] == NEWEST
    later = client.get(f"{ITEMS}?{query}", HTTP_IF_MODIFIED_SINCE="Fri, 03 Jan 2020 00:00:00 GMT")
    assert later.status_code == 304
    assert client.get(f"{ITEMS}?{query}", HTTP_IF_MODIFIED_SINCE=OLDEST).status_code == 200


def test_a_deletion_makes_the_pages_newer_not_the_other_items(client, bridges):
    first, second = bridges
    _run("DELETE FROM bridges WHERE id = %s", [second])
    [(deleted_at,)] = _run("SELECT deleted_at FROM feature_tombstones "
                           "WHERE layer = 'bridges' AND feature_id = %s", [second])
    response = client.get(f"{ITEMS}?f=json", HTTP_IF_MODIFIED_SINCE=NEWEST)
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(deleted_at.timestamp())
    assert [f["id"] for f in response.json()["features"]] == [first]
    assert client.get(f"{ITEMS}/{first}?f=json")["Last-Modified"] == NEWEST


def test_if_none_match_wins_over_if_modified_since(client, bridges):
    response = client.get(f"{ITEMS}?f=json", HTTP_IF_MODIFIED_SINCE=NEWEST,
                          HTTP_IF_NONE_MATCH='W/"not-this-one"')
    assert response.status_code == 200
    etag = response["ETag"]
    assert client.get(f"{ITEMS}?f=json", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_unreadable_if_modified_since_is_ignored(client, bridges):
    response = client.get(f"{ITEMS}?f=json", HTTP_IF_MODIFIED_SINCE="yesterday")
    assert response.status_code == 200
    assert len(response.json()["features"]) == 2
