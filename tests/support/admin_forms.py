# SPDX-License-Identifier: MIT
"""Admin test helpers: parcels made in the test, form data as the browser posts it."""
from __future__ import annotations

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from layers import registry
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


def catalog_form(layer: registry.Layer, **changes) -> dict:
    """The catalog change page's POST data for ``layer`` as it is, with ``changes``.

    A field left out of the browser's POST (an unticked box) is given as None here and
    dropped, as the browser drops it.
    """
    style = layer.style
    data = {"title_vi": layer.title_vi, "title_en": layer.title_en,
            "description_vi": layer.description_vi, "description_en": layer.description_en,
            "sector": layer.sector.value, "access": layer.access.value,
            "sensitive": list(layer.sensitive), "min_zoom": layer.min_zoom,
            "max_zoom": layer.max_zoom, "features": "on" if layer.features else None,
            "tiles": "on" if layer.tiles else None,
            "editable": "on" if layer.editable else None, "fill": style.fill or "",
            "stroke": style.stroke, "width": style.width, "classify_by": style.classify_by or "",
            "label": style.label or "", "classes-TOTAL_FORMS": len(style.classes) + 1,
            "classes-INITIAL_FORMS": len(style.classes), "_save": "Lưu"}
    rows = [*style.classes.items(), ("", "")]
    for index, (value, colour) in enumerate(rows):
        data[f"classes-{index}-value"], data[f"classes-{index}-colour"] = value, colour
    return {key: value for key, value in {**data, **changes}.items() if value is not None}
