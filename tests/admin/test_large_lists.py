# SPDX-License-Identifier: MIT
"""The parcel list at millions of rows: parsed searches on indexes, the owner name only for
its editors, counts from the planner (editor/search.py)."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection

from geoserver_app.editor import search
from layers.models import LandParcel

pytestmark = pytest.mark.django_db

URL = "/admin/layers/landparcel/"


def _parcels(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r"<th class=\"field-commune_code\"><a [^>]*>(\d+)</a></th>"
                      r"<td class=\"field-sheet_no\">(\d+)</td><td class=\"field-parcel_no\">(\d+)",
                      html)


@pytest.fixture
def parcels(make_parcel):
    make_parcel(345, sheet_no=12, address="Số 5, Thôn Đông, xã Tân Sỏi", owner_name="Lê Thị Hồng")
    make_parcel(12, sheet_no=345, address="Số 9, Xóm Mới", owner_name="Trần Văn Tưởng")
    make_parcel(7, sheet_no=3, commune_code="25001", address="Thôn Trung")


def _client(client, group: str):
    user = User.objects.create_user(group, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


@pytest.mark.parametrize(("q", "found"), [
    ("345", [("07210", "12", "345"), ("07210", "345", "12")]),
    ("12/345", [("07210", "12", "345")]),
    (" 12 / 345 ", [("07210", "12", "345")]),
    ("25001/3/7", [("25001", "3", "7")]),
    ("25001", [("25001", "3", "7")]),
    ("1/2/3/4", []),
    ("thôn đông", [("07210", "12", "345")]),
    ("xóm", [("07210", "345", "12")]),
    ("Th", []),  # too short for a trigram: nothing rather than a scan
])
def test_search_parses_numbers_and_matches_text(admin_client, parcels, q, found):
    assert sorted(_parcels(admin_client.get(URL, {"q": q}).text)) == sorted(found)


def test_owner_name_is_searched_only_for_the_layers_editors(client, parcels):
    land = _client(client, "land")
    assert _parcels(land.get(URL, {"q": "tưởng"}).text) == [("07210", "345", "12")]
    transport = _client(client, "transport")  # may view parcels, not edit them
    assert _parcels(transport.get(URL, {"q": "tưởng"}).text) == []
    assert _parcels(transport.get(URL, {"q": "xóm mới"}).text) == [("07210", "345", "12")]


def test_searches_use_their_indexes():
    plans = {}
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for term, sensitive in (("12/345", False), ("345", False), ("thôn", True)):
            query = LandParcel.objects.filter(search.search(
                LandParcel, ("commune_code", "sheet_no", "parcel_no"), ("owner_name",), term,
                sensitive))
            statement, params = query.query.sql_with_params()
            cursor.execute(f"EXPLAIN {statement}", params)
            plans[term] = " ".join(row[0] for row in cursor.fetchall())
        # the commune filter, newest first (the list's order)
        statement, params = LandParcel.objects.filter(commune_code="25001").order_by(
            "-pk")[:50].query.sql_with_params()
        cursor.execute(f"EXPLAIN {statement}", params)
        plans["commune"] = " ".join(row[0] for row in cursor.fetchall())
    assert "land_parcels_commune_id" in plans["commune"]
    assert not any("Seq Scan" in plan for plan in plans.values())  # an index serves each
    assert {"land_parcels_address_trgm", "land_parcels_owner_trgm"} <= set(
        re.findall(r"land_parcels_\w+", plans["thôn"]))


def test_counts_come_from_the_planner_above_the_exact_threshold(make_parcel, monkeypatch):
    for number in range(1, 6):
        make_parcel(number)
    queryset = LandParcel.objects.order_by("-pk")
    assert search.EstimatedCountPaginator(queryset, 50).count == 5  # few: counted exactly
    monkeypatch.setattr(search, "EXACT_BELOW", 0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE land_parcels")
    assert search.EstimatedCountPaginator(queryset, 50).count == search.planned_rows(queryset)
    assert search.planned_rows(queryset) == 5


def test_the_dashboard_reads_large_layers_from_the_statistics(make_parcel, monkeypatch):
    from geoserver_app.editor import sql
    from layers import registry

    for number in range(1, 4):
        make_parcel(number)
    layer = registry.get("land_parcels")
    exact = sql.layer_summary(layer)
    assert exact[0] == 3
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE land_parcels")
    monkeypatch.setattr(sql, "ESTIMATE_FROM", 0)
    count, updated, extent = sql.layer_summary(layer)
    assert (count, updated) == (3, exact[1])
    x0, y0, x1, y1 = exact[2]
    assert extent[0] <= (x0 + x1) / 2 <= extent[2] and extent[1] <= (y0 + y1) / 2 <= extent[3]
