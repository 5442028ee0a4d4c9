# SPDX-License-Identifier: MIT
"""Every items page carries an exact numberMatched: the fast path and pygeoapi's path, with
bbox, CQL2 filters, property filters, datetime, offset and keyset pages."""
from __future__ import annotations

import pytest

from geoserver_app.ogcapi import db

pytestmark = pytest.mark.django_db
ITEMS = "/ogcapi/collections/land_parcels/items"
BBOX = "106.2001,21.3001,106.2021,21.3005"
BBOX_SQL = "ST_Intersects(geom_4326, ST_MakeEnvelope(106.2001, 21.3001, 106.2021, 21.3005, 4326))"


def counted(where: str) -> int:
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM land_parcels WHERE {where}")  # noqa: S608
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("query", "where"), [
    ("f=json&limit=4", "true"),                                   # fast path, full page
    ("f=json&limit=4&offset=28", "true"),                         # fast path, last page
    ("f=json&limit=4&offset=500", "true"),                        # past the end: counted
    ("f=json&limit=100", "true"),                                 # short first page
    (f"f=json&limit=3&bbox={BBOX}", BBOX_SQL),
    (f"f=json&limit=100&bbox={BBOX}", BBOX_SQL),
    ("f=json&limit=2&land_use_code=LUC", "land_use_code = 'LUC'"),  # pygeoapi's path
    ("f=json&limit=2&filter=parcel_no<7", "parcel_no < 7"),
    (f"f=json&limit=2&filter=parcel_no>=3&bbox={BBOX}", f"parcel_no >= 3 AND {BBOX_SQL}"),
    ("f=json&limit=2&datetime=2000-01-01T00:00:00Z/..", "updated_at >= '2000-01-01'"),
    ("f=json&limit=2&datetime=../2000-01-01T00:00:00Z", "updated_at <= '2000-01-01'"),
    ("f=json&limit=2&sortby=-parcel_no", "true"),
])
def test_number_matched_is_exact(client, ogc_data, query, where):
    body = client.get(f"{ITEMS}?{query}").json()
    assert body["numberMatched"] == counted(where)
    assert body["numberReturned"] == len(body["features"])


def test_keyset_page_matches_the_features_after_its_id(client, ogc_data):
    """``after`` is a condition like the others, so no page announces a next page that is
    not there."""
    ids = ogc_data["land_parcels"]
    body = client.get(f"{ITEMS}?f=json&limit=3&after={ids[26]}").json()
    assert (body["numberMatched"], body["numberReturned"]) == (3, 3)
    last = client.get(f"{ITEMS}?f=json&limit=3&after={ids[27]}&land_use_code=ONT").json()
    assert (last["numberMatched"], last["numberReturned"]) == (1, 1)
    assert "next" not in [link["rel"] for link in last["links"]]


def test_the_same_number_in_every_page_and_in_hits(client, ogc_data):
    pages = [client.get(f"{ITEMS}?f=json&limit=7&offset={n}&land_use_code=CLN").json()
             for n in (0, 7)]
    hits = client.get(f"{ITEMS}?f=json&resulttype=hits&land_use_code=CLN").json()
    assert [p["numberMatched"] for p in pages] == [10, 10]
    assert hits["numberMatched"] == 10


def scans(plan: dict) -> list[tuple[str, int]]:
    """(table, times its scan ran) of every scan in a JSON plan."""
    own = [(plan["Relation Name"], plan["Actual Loops"])] if "Relation Name" in plan else []
    return own + [s for child in plan.get("Plans", ()) for s in scans(child)]


def test_a_page_without_filter_reads_the_kept_count_not_the_layer(client, ogc_data):
    """The whole layer's numberMatched is the sum of its ``layer_row_counts`` (one row per
    insert or delete statement, folded by the pruner): exact after edits, and no scan of a
    table of millions on a user's request."""
    from geoserver_app.ogcapi import queries
    from layers import changefeed

    def unfiltered() -> int:
        return client.get(f"{ITEMS}?f=json&limit=4").json()["numberMatched"]

    assert unfiltered() == counted("true") == 30
    with db.connection() as conn, conn.cursor() as cursor:
        cursor.execute("SET LOCAL basemap.history = 'off'")
        cursor.execute("DELETE FROM land_parcels WHERE id IN (SELECT id FROM land_parcels "
                       "ORDER BY id LIMIT 3)")
        cursor.execute("INSERT INTO land_parcels (commune_code, sheet_no, parcel_no, "
                       "land_use_code, area_m2, geom) SELECT '07210', 900, parcel_no, 'ONT', "
                       "1, geom FROM land_parcels ORDER BY id LIMIT 2")
    assert unfiltered() == counted("true") == 29
    with db.connection() as conn, conn.cursor() as cursor:
        changefeed.prune(cursor)
        cursor.execute("SELECT count(*) FROM layer_row_counts WHERE layer = 'land_parcels'")
        assert cursor.fetchone()[0] == 1  # folded into one row
        statement, params = queries.count_matched(queries.Page("land_parcels", ["parcel_no"]))
        cursor.execute(b"EXPLAIN (ANALYZE, FORMAT JSON) " + cursor.mogrify(statement, params))
        loops = dict(scans(cursor.fetchone()[0][0]["Plan"]))
    assert unfiltered() == 29
    assert loops == {"layer_row_counts": 1, "land_parcels": 0}  # the count: planned, not run
    assert client.get(f"{ITEMS}?f=json&resulttype=hits").json()["numberMatched"] == 29
