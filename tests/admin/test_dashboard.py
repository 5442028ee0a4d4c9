# SPDX-License-Identifier: MIT
"""The admin index: per layer its feature count, last update, last ingest and extent thumbnail."""
from __future__ import annotations

import re

import pytest

from layers import province, registry
from layers.models import IngestBatch
from tests.support.admin_forms import X0, Y0, square

pytestmark = pytest.mark.django_db


def _row(html: str, layer_id: str) -> str:
    match = re.search(rf'<tr data-layer="{layer_id}">(.*?)</tr>', html, re.S)
    assert match, layer_id
    return match.group(1)


def test_index_shows_every_layer_with_counts_ingest_and_thumbnail(admin_client, make_parcel):
    batch = IngestBatch.objects.create(layer="land_parcels", source="thua_dat_xa_07210.gpkg")
    make_parcel(1, ingest_batch=batch)
    make_parcel(2, geom=square(X0 + 1000, Y0 + 500, 20.0))
    page = admin_client.get("/admin/")
    assert page.status_code == 200
    html = page.text
    assert html.count('<tr data-layer="') == len(registry.LAYERS)
    parcels = _row(html, "land_parcels")
    assert '<td class="count">2</td>' in parcels
    assert "thua_dat_xa_07210.gpkg" in parcels
    assert '<svg class="extent-thumb"' in parcels and '<rect class="extent"' in parcels
    roads = _row(html, "roads")
    assert '<td class="count">0</td>' in roads
    assert '<rect class="extent"' not in roads
    assert '<td class="ingest">—</td>' in roads


def test_extent_box_is_where_the_data_is(admin_client, make_parcel):
    make_parcel(1)
    make_parcel(2, geom=square(X0 + 1000, Y0 + 500, 20.0))
    box = re.search(r'<rect class="extent" x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" '
                    r'height="([\d.]+)"', _row(admin_client.get("/admin/").text, "land_parcels"))
    x, y, width, height = map(float, box.groups())
    # the two 20 m squares span 440000-441020 x 2350000-2350520 in EPSG:9214; SVG y points down
    assert x == pytest.approx(106.42380, abs=1e-5)
    assert -y == pytest.approx(21.24804, abs=1e-5)
    assert width == pytest.approx(106.43361 - 106.42380, abs=2e-5)
    # 473 m is below the minimum visible box: 0.75 % of the frame's width, the province's
    # extent (1.17°) while admin_provinces is empty
    west, _south, east, _north = province.EXTENT
    assert height == pytest.approx(0.0075 * (east - west), abs=1e-5)


def test_a_user_sees_only_the_layers_they_may_view(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("dat", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_road"))
    client.force_login(user)
    html = client.get("/admin/").text
    assert re.findall(r'<tr data-layer="(\w+)">', html) == ["roads"]
