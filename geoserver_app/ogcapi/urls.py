# SPDX-License-Identifier: MIT
"""``/ogcapi/``: pygeoapi's Django URLs (CSRF-exempt: API clients use tokens, not cookies),
its static files, our change-feed route and the fast paths of item pages and tiles."""
from pathlib import Path

import pygeoapi
import pygeoapi.django_.urls as pygeoapi_urls
import swagger_ui_bundle
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, re_path, resolve
from django.views.decorators.common import no_append_slash
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve

from geoserver_app.ogcapi import patches, views

patches.install()  # the OGC API starts here, before pygeoapi's views serve anything

PYGEOAPI_STATIC = Path(pygeoapi.__file__).resolve().parent / "static"
# files pygeoapi's pages load from CDNs, served from pinned packages (see pages.py)
VENDOR = {"leaflet": xstatic.pkg.leaflet.BASE_DIR, "bootstrap": xstatic.pkg.bootstrap.BASE_DIR,
          "swagger-ui": swagger_ui_bundle.swagger_ui_path,
          "basemap": str(Path(__file__).resolve().parent / "static")}


def _exempt(pattern: URLPattern) -> URLPattern:
    return URLPattern(pattern.pattern, csrf_exempt(pattern.callback), pattern.default_args,
                      pattern.name)


@no_append_slash  # else every unknown /ogcapi/X would be redirected to this view's X/
def without_slash(request: HttpRequest, rest: str) -> HttpResponse:
    """``/ogcapi/X/`` answers as ``/ogcapi/X`` (not a 301: QGIS and others do not follow it,
    and ``strict_slashes`` makes pygeoapi's own routes slash-less); unknown X: 404."""
    path_info = f"/ogcapi/{rest.rstrip('/')}"
    match = resolve(path_info)
    # the links the view writes then equal the slash-less URL's
    request.path = request.path_info = request.META["PATH_INFO"] = path_info
    return match.func(request, *match.args, **match.kwargs)


urlpatterns = [
    path("TileMatrixSets/<str:tilematrixset_id>", views.tilematrixset, name="ogcapi-tms"),
    path("collections/<str:collection_id>/deletions", views.deletions, name="ogcapi-deletions"),
    path("collections/<str:collection_id>/items", views.items, name="ogcapi-items"),
    path("processes/<str:process_id>/execution", views.execution, name="ogcapi-execution"),
    path("collections/<str:collection_id>/items/<str:item_id>", views.item, name="ogcapi-item"),
    path("collections/<str:collection_id>/tiles/<str:tileMatrixSetId>/<str:tileMatrix>/"
         "<str:tileRow>/<str:tileCol>", views.tile, name="ogcapi-tile"),
    re_path(r"^static/(?P<path>.+)$", serve, {"document_root": PYGEOAPI_STATIC}),
    *[re_path(rf"^vendor/{name}/(?P<path>.+)$", serve, {"document_root": root})
      for name, root in VENDOR.items()],
    *[_exempt(p) for p in pygeoapi_urls.urlpatterns if isinstance(p, URLPattern)],
    re_path(r"^(?P<rest>.+)/$", csrf_exempt(without_slash)),
]
LANDING_PAGE = next(p.callback for p in urlpatterns if str(p.pattern) == "")
