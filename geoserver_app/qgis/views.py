# SPDX-License-Identifier: MIT
"""``/qgis/basemap.qgz``: a QGIS project of the layers the caller's grant may read."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from geoserver_app.ogcapi.dispatch import api_url
from geoserver_app.qgis import project
from geoserver_app.security.access import grant_for_request

WMTS_CAPABILITIES = "/tiles/wmts/1.0.0/WMTSCapabilities.xml"


@require_GET
def basemap_qgz(request: HttpRequest) -> HttpResponse:
    """The project file (a download); it differs per grant, and holds no token."""
    grant = grant_for_request(request)
    items = project.project_layers(grant, grant.visible_layers())
    content = project.qgz(items, api_url(request),
                          request.build_absolute_uri(WMTS_CAPABILITIES))
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="basemap.qgz"'
    response["Vary"] = "Authorization"
    response["Cache-Control"] = "private, no-cache"
    return response
