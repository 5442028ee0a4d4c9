# SPDX-License-Identifier: MIT
"""Triggers capture every write: history with the actor, tombstones, tile invalidations."""
from __future__ import annotations

import pytest
from django.contrib.gis.geos import LineString, MultiLineString
from django.db import connection, transaction

from layers.models import FeatureHistory, FeatureTombstone, Road, TileInvalidation

pytestmark = pytest.mark.django_db


def _road(code: str, x0: float) -> Road:
    line = LineString((x0, 2350000), (x0 + 1000, 2350000), srid=9214)
    return Road.objects.create(code=code, name=f"Đường {code}", road_class="district",
                               geom=MultiLineString(line, srid=9214))


@pytest.mark.django_db(transaction=True)
def test_insert_update_delete_are_captured_with_the_actor():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL basemap.actor = 'user:lan'")
        road = _road("ĐH.01", 440000)
    Road.objects.filter(pk=road.pk).update(width_m=7.5)  # no actor set: the database role
    Road.objects.filter(pk=road.pk).delete()
    history = list(FeatureHistory.objects.filter(layer="roads", feature_id=road.pk)
                   .order_by("id").values_list("operation", "version", "actor"))
    assert history == [("I", 1, "user:lan"), ("U", 2, "db:basemap"), ("D", 2, "db:basemap")]
    update = FeatureHistory.objects.get(layer="roads", feature_id=road.pk, operation="U")
    assert update.data["width_m"] == 7.5
    assert update.data["code"] == "ĐH.01"
    assert "geom_4326" not in update.data
    assert update.geom.srid == 9214
    tomb = FeatureTombstone.objects.get(layer="roads", feature_id=road.pk)
    assert (tomb.version, tomb.actor) == (2, "db:basemap")


def test_one_invalidation_per_statement_covering_old_and_new_geometry():
    first, second = _road("ĐH.02", 440000), _road("ĐH.03", 450000)
    TileInvalidation.objects.all().delete()
    moved = MultiLineString(LineString((460000, 2360000), (461000, 2360000), srid=9214), srid=9214)
    Road.objects.filter(pk=first.pk).update(geom=moved)
    rows = list(TileInvalidation.objects.all())
    assert len(rows) == 1
    xmin, ymin, xmax, ymax = rows[0].bbox.extent
    assert rows[0].layer == "roads"
    assert xmin == pytest.approx(106.4238003, abs=1e-6)  # old position, x=440000
    assert xmax == pytest.approx(106.6258964, abs=1e-6)  # new position, x=461000
    assert (ymin, ymax) == (pytest.approx(21.2433077, abs=1e-6), pytest.approx(21.3342022, abs=1e-6))
    Road.objects.filter(pk__in=[first.pk, second.pk]).update(surface="láng nhựa")
    assert TileInvalidation.objects.count() == 2


def test_history_can_be_switched_off_for_bulk_loads_but_tombstones_stay():
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL basemap.history = 'off'")
        road = _road("ĐH.04", 440000)
        Road.objects.filter(pk=road.pk).delete()
    assert not FeatureHistory.objects.filter(layer="roads", feature_id=road.pk).exists()
    assert FeatureTombstone.objects.filter(layer="roads", feature_id=road.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_every_write_notifies_listeners():
    with connection.cursor() as cursor:
        cursor.execute("LISTEN basemap_changes")
    _road("ĐH.05", 440000)
    connection.connection.poll()
    channels = [(n.channel, n.payload) for n in connection.connection.notifies]
    assert ("basemap_changes", "roads") in channels


def test_point_layers_are_captured_too():
    from django.contrib.gis.geos import Point

    from layers.models import MineralSite

    TileInvalidation.objects.all().delete()
    site = MineralSite.objects.create(license_number="12/GP-UBND", mineral="than",
                                      license_status="còn hiệu lực", licensee="Công ty A",
                                      geom=Point(480000, 2360000, srid=9214))
    [row] = TileInvalidation.objects.filter(layer="mineral_sites")
    assert row.bbox.geom_type == "Polygon"
    assert row.bbox.contains(site.geom_4326)
