# SPDX-License-Identifier: MIT
"""The map widget: GeoDjango's OpenLayers widget on our own files and our own base map.

GeoDjango's default loads OpenLayers from a CDN and tiles from openstreetmap.org; this one
loads the OpenLayers build that set-up copies from the npm package into
``static/editor/vendor/ol/`` and draws the MapProxy base map from ``/tiles/`` underneath.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.gis.forms import OpenLayersWidget

from layers import province

MAX_ZOOM = 22  # deep enough to place vertices at centimetres and snap on them
# MapProxy's WMTS REST (north-west origin, XYZ order), grid ``webmercator`` of 21 levels
TILE_URL = "/tiles/wmts/basemap/webmercator/{z}/{x}/{y}.png"
TILE_MAX_ZOOM = 20  # the grid's last level; deeper zooms magnify it


class BasemapWidget(OpenLayersWidget):
    """OpenLayers widget with vendored files, the ``/tiles/`` base map, snapping, deep zoom."""

    template_name = "editor/map_widget.html"

    class Media:
        extend = False  # the parent's Media are the CDN files
        css = {"all": ("editor/vendor/ol/ol.css", "gis/css/ol3.css", "editor/css/map.css")}
        js = ("editor/vendor/ol/ol.js", "gis/js/OLMapWidget.js", "editor/js/basemap-widget.js")

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs)
        self.attrs.update({
            "default_lon": province.HOME_LON, "default_lat": province.HOME_LAT,
            "default_zoom": province.HOME_ZOOM, "max_zoom": MAX_ZOOM,
            "tile_url": getattr(settings, "BASEMAP_TILE_URL", TILE_URL),
            "tile_max_zoom": TILE_MAX_ZOOM,
        })
