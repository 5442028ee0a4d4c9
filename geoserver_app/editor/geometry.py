# SPDX-License-Identifier: MIT
"""Geometry checks on save: parsable, valid, of the layer's type, inside the province."""
from __future__ import annotations

import shapely
from django.contrib.gis import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiLineString, MultiPolygon
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from geoserver_app.editor import sql
from layers import catalog, registry

# The map edits in Web Mercator; VN-2000 -> 3857 -> VN-2000 through PROJ moves a vertex by up
# to ~0.7 mm. Vertices that came back within this distance of a stored vertex are the stored
# vertex (not moved by the user), so they keep their surveyed coordinates exactly.
UNMOVED_TOLERANCE_M = 0.005

# A single part is accepted where the layer stores multi-part geometries.
_PROMOTIONS = {("MULTIPOLYGON", "Polygon"): MultiPolygon,
               ("MULTILINESTRING", "LineString"): MultiLineString}

_TYPE_NAMES = {"POINT": _("point"), "MULTILINESTRING": _("line"),
               "MULTIPOLYGON": _("polygon"), "Point": _("point"),
               "LineString": _("line"), "MultiLineString": _("line"),
               "Polygon": _("polygon"), "MultiPolygon": _("polygon")}


def promote(geom: GEOSGeometry, wanted: str) -> GEOSGeometry:
    """``geom`` as the layer's type (a Polygon becomes a one-part MultiPolygon, ...)."""
    multi = _PROMOTIONS.get((wanted, geom.geom_type))
    if multi is not None:
        return multi(geom, srid=geom.srid)
    if geom.geom_type.upper() != wanted:
        raise ValidationError(
            _("Wrong geometry type: this layer needs a %(wanted)s, the drawing is a %(got)s. "
              "Delete the drawing and draw a %(wanted)s."),
            code="invalid_geom_type",
            params={"wanted": _TYPE_NAMES.get(wanted, wanted),
                    "got": _TYPE_NAMES.get(geom.geom_type, geom.geom_type)})
    return geom


def check_valid(geom: GEOSGeometry) -> None:
    """Refuse self-intersecting or otherwise invalid geometries, saying where."""
    if geom.empty:
        raise ValidationError(_("The geometry is empty: draw the feature on the map."),
                              code="empty_geom")
    if not geom.valid:
        raise ValidationError(
            _("The geometry is not valid (%(reason)s). Move the vertices so that edges do not "
              "cross and rings close, then save again."),
            code="invalid_geom", params={"reason": geom.valid_reason})


def check_inside_province(layer: registry.Layer, geom: GEOSGeometry) -> None:
    """Refuse geometries outside the province (usually a wrong coordinate system)."""
    if not sql.inside_province(layer, bytes(geom.ewkb)):
        raise ValidationError(
            _("The geometry lies outside the province. Check the position on the map or the "
              "coordinate system of the data (VN-2000 / TM-3 107°00′, EPSG:9214)."),
            code="outside_province")


def keep_unmoved_vertices(new: GEOSGeometry, stored: GEOSGeometry | None) -> GEOSGeometry:
    """``new`` with every vertex within UNMOVED_TOLERANCE_M of a stored vertex set to it.

    Only vertices move (to their stored position); none is added or removed, the type stays.
    """
    if stored is None or stored.srid != new.srid:
        return new
    geom = shapely.from_wkb(bytes(new.wkb))
    coords = shapely.get_coordinates(geom)
    reference = shapely.get_coordinates(shapely.from_wkb(bytes(stored.wkb)))
    tree = shapely.STRtree(shapely.points(reference))
    near, match = tree.query_nearest(shapely.points(coords), max_distance=UNMOVED_TOLERANCE_M,
                                     all_matches=False)
    coords[near] = reference[match]
    snapped = shapely.set_coordinates(geom, coords)
    result = GEOSGeometry(memoryview(shapely.to_wkb(snapped)), srid=new.srid)
    return result if result.valid else new


def unchanged(stored: GEOSGeometry, new: GEOSGeometry) -> bool:
    """Whether ``new`` (any SRID) is ``stored`` up to the map's round-trip noise."""
    new = new.transform(stored.srid, clone=True) if new.srid != stored.srid else new
    return stored.equals_exact(new, UNMOVED_TOLERANCE_M)


class FeatureGeometryField(forms.GeometryField):
    """GeoDjango's geometry field with the checks above, messages in the active language."""

    def __init__(self, *, layer_id: str, **kwargs) -> None:
        self.layer = catalog.current().get(layer_id)
        self.wanted = kwargs.get("geom_type", "GEOMETRY")
        super().__init__(**kwargs)
        self.error_messages["invalid_geom"] = _(
            "The geometry cannot be read. Draw it on the map again.")
        self.error_messages["required"] = _("Draw the feature on the map before saving.")

    def clean(self, value: object) -> GEOSGeometry | None:
        """Parse, type-check (promoting single parts), transform, validate, locate."""
        geom = forms.Field.clean(self, value)
        if geom is None:
            return None
        geom = promote(geom, self.wanted)
        if self.srid and geom.srid != self.srid:
            try:
                geom.transform(self.srid)
            except GEOSException as error:
                raise ValidationError(self.error_messages["transform_error"],
                                      code="transform_error") from error
        check_valid(geom)
        check_inside_province(self.layer, geom)
        return geom

    def has_changed(self, initial: object, data: object) -> bool:
        """Changed only beyond the Web Mercator round trip's sub-millimetre noise."""
        try:
            new, stored = self.to_python(data), self.to_python(initial)
        except ValidationError:
            return True
        if not (new and stored):
            return bool(new) != bool(stored)
        try:
            return not unchanged(stored, promote(new, self.wanted))
        except (ValidationError, GEOSException):
            return True

