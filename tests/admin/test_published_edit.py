# SPDX-License-Identifier: MIT
"""A layer published at run time is edited in the admin like a curated one, no restart."""
from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import GEOSGeometry
from django.core.management import call_command
from django.db import connection

from layers import catalog
from layers.models import FeatureHistory
from tests.publish.conftest import EXPECTED_NAMES, drop_published, publish, write_schools
from tests.support.admin_forms import as_widget_value

pytestmark = pytest.mark.django_db(transaction=True)
LAYER = "truong_hoc"
BASE = f"/admin/published/{LAYER}/"


@pytest.fixture
def schools_layer(tmp_path, request) -> str:
    request.addfinalizer(lambda: drop_published(LAYER))
    publish(str(write_schools(tmp_path / "truong_hoc.shp", count=3)), "--id", LAYER,
            "--title-vi", "Trường học", "--title-en", "Schools", "--sector", "construction",
            "--sensitive", "hieutruong")
    return LAYER


def analyst(django_user_model, client, username: str, group: str | None):
    user = django_user_model.objects.create_user(username, password="x", is_staff=True)
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return client


def changed_ids(page: str) -> list[str]:
    return re.findall(r'href="/admin/published/truong_hoc/(\d+)/change/', page)


def school(pk: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ten_truong, so_hs, version FROM {LAYER} WHERE id = %s", [pk])
        return cursor.fetchone()


def geometry(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ST_AsEWKT(geom) FROM {LAYER} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def form(pk: int, **changes) -> dict:
    name, pupils, version = school(pk)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT hieutruong FROM {LAYER} WHERE id = %s", [pk])
        principal = cursor.fetchone()[0]
    return {"ten_truong": name, "hieutruong": principal, "so_hs": pupils,
            "geom": as_widget_value(GEOSGeometry(geometry(pk))), "expected_version": version,
            "_save": "Lưu", **changes}


def test_list_search_change_history_and_revert(schools_layer, client, django_user_model):
    client = analyst(django_user_model, client, "xaydung", "construction")
    page = client.get(BASE)
    assert page.status_code == 200
    assert changed_ids(page.text) == ["3", "2", "1"]
    assert f'<td class="field-ten_truong">{EXPECTED_NAMES[1]}</td>' in page.text
    assert changed_ids(client.get(BASE, {"q": "Đào Lý"}).text) == ["2"]
    assert changed_ids(client.get(BASE, {"q": "Trần Thị"}).text) == ["2"]

    change = client.get(f"{BASE}2/change/")
    assert change.status_code == 200
    assert 'name="ten_truong"' in change.text and 'value="Trường TH Đào Lý"' in change.text
    assert 'name="so_hs"' in change.text and 'value="421"' in change.text
    assert "editor/js/basemap-widget.js" in change.text and 'id="id_geom"' in change.text
    assert '<a href="/admin/layers/">Lớp dữ liệu nền</a>' in change.text  # the breadcrumbs

    saved = client.post(f"{BASE}2/change/", form(2, ten_truong="Trường TH Đào Lý mới"))
    assert saved.status_code == 302 and saved["Location"] == BASE
    assert school(2) == ("Trường TH Đào Lý mới", 421, 2)
    history = client.get(f"{BASE}2/history/")
    assert history.status_code == 200
    assert "user:xaydung" in history.text and "Tên trường" in history.text
    assert history.text.count('class="history-version"') == 2

    reverted = client.post(f"{BASE}2/history/1/revert/", {"expected_version": 2})
    assert reverted.status_code == 302 and reverted["Location"] == f"{BASE}2/history/"
    assert school(2) == ("Trường TH Đào Lý", 421, 3)
    last = FeatureHistory.objects.get(layer=LAYER, feature_id=2, version=3)
    assert (last.operation, last.actor) == ("U", "user:xaydung")


def test_other_sectors_read_and_strangers_are_refused(schools_layer, client,
                                                      django_user_model):
    reader = analyst(django_user_model, client, "giaothong", "transport")
    assert reader.get(BASE).status_code == 200
    assert changed_ids(reader.get(BASE, {"q": "Tân Sỏi"}).text) == ["3", "1"]
    # the principal's name is sensitive: searched for the layer's editors only
    assert changed_ids(reader.get(BASE, {"q": "Trần Thị"}).text) == []
    assert reader.get(f"{BASE}1/change/").status_code == 200  # the read-only view
    refused = reader.post(f"{BASE}1/change/", form(1, ten_truong="Không được"))
    assert refused.status_code == 403
    assert school(1)[0] == EXPECTED_NAMES[0]
    assert reader.post(f"{BASE}1/history/1/revert/", {"expected_version": 1}).status_code == 403

    stranger = analyst(django_user_model, client, "khach", None)
    assert stranger.get(BASE).status_code == 403
    client.logout()
    login = client.get(BASE)
    assert login.status_code == 302 and login["Location"].startswith("/admin/login/")


def test_unknown_curated_and_retired_layers_are_404(schools_layer, admin_client):
    assert admin_client.get("/admin/published/khong_co/").status_code == 404
    assert admin_client.get("/admin/published/roads/").status_code == 404
    call_command("layer", "retire", LAYER)
    catalog.invalidate()
    assert admin_client.get(BASE).status_code == 404
    call_command("layer", "restore", LAYER)
    catalog.invalidate()
    assert admin_client.get(BASE).status_code == 200


def test_catalog_changes_need_no_restart(schools_layer, admin_client, tmp_path, request):
    assert "Trường học" in admin_client.get(BASE).text
    call_command("layer", "set", LAYER, "--title-vi", "Trường phổ thông")
    catalog.invalidate()
    assert "Trường phổ thông" in admin_client.get(BASE).text
    request.addfinalizer(lambda: drop_published("nha_tre"))
    publish(str(write_schools(tmp_path / "nha_tre.shp")), "--id", "nha_tre",
            "--title-vi", "Nhà trẻ", "--sector", "construction")
    catalog.invalidate()
    assert admin_client.get("/admin/published/nha_tre/1/change/").status_code == 200
    assert admin_client.get(f"{BASE}1/change/").status_code == 200
    entry = admin_client.get(f"/admin/layers/catalogentry/{LAYER}/change/")
    assert f'href="{BASE}"' in entry.text
