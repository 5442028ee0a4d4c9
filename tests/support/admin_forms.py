# SPDX-License-Identifier: MIT
"""Admin test helpers: parcels made in the test, form data as the browser posts it."""
from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from layers.models import LandParcel

X0, Y0 = 440000.0, 2350000.0  # inside Bắc Giang, EPSG:9214


def square(x: float, y: float, size: float) -> MultiPolygon:
    """A square parcel in EPSG:9214."""
    ring = ((x, y), (x + size, y), (x + size, y + size), (x, y + size), (x, y))
    return MultiPolygon(Polygon(ring), srid=9214)


def as_widget_value(geom: GEOSGeometry) -> str:
    """GeoJSON in the map's EPSG:3857, as the OpenLayers widget posts it."""
    web = geom.transform(3857, clone=True)
    return web.json


def parcel_form(parcel: LandParcel, geom: GEOSGeometry | None = None, **changes) -> dict:
    """The change form's POST data for ``parcel`` opened at its current version."""
    data = {"commune_code": parcel.commune_code, "sheet_no": parcel.sheet_no,
            "parcel_no": parcel.parcel_no, "land_use_code": parcel.land_use_code,
            "area_m2": str(parcel.area_m2), "address": parcel.address,
            "owner_name": parcel.owner_name, "owner_id_number": parcel.owner_id_number,
            "certificate_number": parcel.certificate_number,
            "geom": as_widget_value(geom or parcel.geom), "expected_version": parcel.version,
            "_save": "Lưu"}
    return {**data, **changes}


def change_url(parcel: LandParcel) -> str:
    return f"/admin/layers/landparcel/{parcel.pk}/change/"
