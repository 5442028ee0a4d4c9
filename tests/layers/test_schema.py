# SPDX-License-Identifier: MIT
"""Every registry layer has its table, spatial indexes, natural key and write triggers."""
from __future__ import annotations

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core import checks
from django.db import IntegrityError, connection

from layers import registry
from layers.checks import registry_matches_models
from layers.models import LandParcel, model_for

pytestmark = pytest.mark.django_db

INDEX_SQL = """
SELECT a.attname FROM pg_index i
JOIN pg_class t ON t.oid = i.indrelid
JOIN pg_class ix ON ix.oid = i.indexrelid
JOIN pg_am am ON am.oid = ix.relam
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey)
WHERE t.relname = %s AND am.amname = 'gist' ORDER BY a.attname
"""


@pytest.mark.parametrize("layer", registry.LAYERS, ids=lambda layer: layer.id)
def test_layer_table_has_spatial_indexes_and_srids(layer):
    with connection.cursor() as cursor:
        cursor.execute(INDEX_SQL, [layer.table])
        assert [row[0] for row in cursor.fetchall()] == ["geom", "geom_4326"]
        cursor.execute("SELECT f_geometry_column, srid, type FROM geometry_columns "
                       "WHERE f_table_name = %s ORDER BY 1", [layer.table])
        expected_type = layer.geometry.value.upper()
        assert cursor.fetchall() == [("geom", 9214, expected_type),
                                     ("geom_4326", 4326, expected_type)]


@pytest.mark.parametrize("layer", registry.LAYERS, ids=lambda layer: layer.id)
def test_layer_natural_key_is_unique_constraint(layer):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                       "WHERE conname = %s", [f"{layer.id}_natural_key"])
        assert cursor.fetchone()[0] == f"UNIQUE ({', '.join(layer.natural_key)})"


def test_registry_and_models_agree():
    assert registry_matches_models() == []
    assert {model_for(layer.id)._meta.db_table for layer in registry.LAYERS} == {
        layer.id for layer in registry.LAYERS}


def test_registry_check_names_a_missing_attribute(monkeypatch):
    broken = registry.Layer("roads", "Road", "x", "x", "x", "x", registry.Sector.TRANSPORT,
                            registry.Geometry.LINE, ("code", "no_such_field"),
                            registry.Style(None, "#000"))
    monkeypatch.setattr(registry, "LAYERS", (broken,))
    errors = registry_matches_models()
    assert [(e.id, e.msg) for e in errors] == [
        ("layers.E002", "layer roads: attribute 'no_such_field' is not a field of Road")]
    assert all(isinstance(e, checks.Error) for e in errors)


def test_access_levels_and_sensitive_attributes_follow_the_contract():
    internal = {layer.id for layer in registry.LAYERS if not layer.public}
    assert internal == {"mineral_sites", "construction_permits"}
    sensitive = {(layer.id, a) for layer in registry.LAYERS for a in layer.sensitive}
    assert sensitive == {("land_parcels", "owner_name"), ("land_parcels", "owner_id_number"),
                         ("land_parcels", "certificate_number"),
                         ("construction_permits", "investor_name")}


def _parcel(parcel_no: int) -> LandParcel:
    square = Polygon(((500000, 2350000), (500020, 2350000), (500020, 2350020),
                      (500000, 2350020), (500000, 2350000)), srid=9214)
    return LandParcel.objects.create(commune_code="07210", sheet_no=5, parcel_no=parcel_no,
                                     land_use_code="ONT", area_m2=400,
                                     geom=MultiPolygon(square, srid=9214))


def test_trigger_bumps_version_and_updated_at_on_any_update():
    parcel = _parcel(1)
    parcel.refresh_from_db()
    assert parcel.version == 1
    created, first_update = parcel.created_at, parcel.updated_at
    with connection.cursor() as cursor:  # as QGIS would: plain SQL, not the ORM
        cursor.execute("UPDATE land_parcels SET land_use_code = 'ODT', version = 99, "
                       "created_at = now() - interval '1 year' WHERE id = %s", [parcel.id])
    parcel.refresh_from_db()
    assert parcel.version == 2
    assert parcel.created_at == created
    assert parcel.updated_at > first_update


def test_generated_web_geometry_follows_the_native_one():
    parcel = _parcel(2)
    parcel.refresh_from_db()
    assert parcel.geom_4326.srid == 4326
    centroid = parcel.geom_4326.centroid
    assert centroid.x == pytest.approx(107.0019786, abs=1e-6)
    assert centroid.y == pytest.approx(21.2443822, abs=1e-6)
    assert parcel.geom.area == pytest.approx(400.0)


def test_duplicate_natural_key_is_refused():
    _parcel(3)
    with pytest.raises(IntegrityError):
        _parcel(3)
