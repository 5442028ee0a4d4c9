# SPDX-License-Identifier: MIT
"""Every change we make to pygeoapi's behaviour, in one place, pinned to pygeoapi 0.24.0.

``install()`` (called where pygeoapi is first used: ``ogcapi/urls.py`` and ``apis.api_for``;
not at start-up, so commands that never serve the API do not import pygeoapi) replaces
three module-level functions; tests/ogcapi/test_upstream.py fails when pygeoapi changes any
of them, so an upgrade forces a review here.

1. ``pygeoapi.django_.views.execute_from_django`` builds a new ``API`` from the one global
   config on every request. Ours picks the cached API of the request's grant
   (``apis.api_for``), answers conditional GETs (ETag/If-None-Match, and for features
   Last-Modified/If-Modified-Since: 304), adds ``Vary: Authorization``, gzips at level
   ``GZIP_LEVEL`` (pygeoapi's 9 costs three times level 6 for 1-2 % fewer bytes),
   refuses bodies over ``MAX_BODY`` (413) and turns a database outage into 503.
2. ``pygeoapi.api.itemtypes.transform_bbox`` builds a pyproj Transformer per request, even for
   CRS84 -> CRS84 (~15 ms). Ours returns the bbox unchanged when the CRSs are the same and
   caches Transformers.
   It also rewords the few 400 messages of pygeoapi that do not name their parameter
   (``_REWORDED``), so every bad request says which parameter to fix.
3. ``pygeoapi.crs.get_srid`` (imported by ``provider/sql.py`` as ``get_srid``) falls back to a
   slow proj4 round trip for every call (~15 ms). Ours caches the answer per CRS.
"""
from __future__ import annotations

import datetime as dt
import functools
import gzip
import hashlib
import json
import re
import sys
from collections.abc import Callable
from contextvars import ContextVar
from http import HTTPStatus

import pygeoapi
import pyproj
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe
from pygeoapi import crs as pygeoapi_crs
from pygeoapi.api import APIRequest
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError

from geoserver_app import errors
from geoserver_app.ogcapi.db import DatabaseUnavailable
from geoserver_app.security import access

PYGEOAPI_VERSION = "0.24.0"
# the absolute URL of the request being served (providers build keyset ``next`` links)
REQUEST_URL: ContextVar[str | None] = ContextVar("ogcapi_request_url", default=None)
# the last change of what the provider answered (a feature's updated_at, a layer's last
# change): the response's Last-Modified
LAST_MODIFIED: ContextVar[dt.datetime | None] = ContextVar("ogcapi_last_modified",
                                                           default=None)
GZIP_LEVEL = 6
MAX_BODY = 10 * 1024 * 1024
MVT = "application/vnd.mapbox-vector-tile"
# the items timestamp changes every response; it is left out of the ETag
_TIMESTAMP = re.compile(rb'"timeStamp": ?"[^"]*"')
# pygeoapi 0.24's messages that do not say which parameter is wrong -> ours (vi, en)
_BBOX_HINT = "bbox: cần minx,miny,maxx,maxy với min < max (bbox needs min < max)"
_REWORDED = {
    "Bad CQL text": "filter: biểu thức CQL2 không hợp lệ; xem /queryables "
                    "(filter: invalid CQL2 text expression)",
    "Bad CQL JSON": "filter: thân yêu cầu không phải CQL2 JSON hợp lệ "
                    "(filter: the body is not valid CQL2 JSON)",
    "miny should be less than maxy": _BBOX_HINT,
    "minx should be less than maxx": _BBOX_HINT,
    "minz should be less than maxz": _BBOX_HINT,
}
upstream_transform_bbox = pygeoapi_crs.transform_bbox
upstream_get_srid = pygeoapi_crs.get_srid


@functools.lru_cache(maxsize=64)
def _transformer(from_crs: str, to_crs: str, always_xy: bool) -> tuple[Callable, bool]:
    source, target = pygeoapi_crs.get_crs(from_crs), pygeoapi_crs.get_crs(to_crs)
    transform = pyproj.Transformer.from_crs(source, target, always_xy=always_xy).transform
    return transform, target.to_epsg() == 3857


def transform_bbox(bbox: list, from_crs: str | pyproj.CRS, to_crs: str | pyproj.CRS,
                   always_xy: bool = False) -> list:
    """``pygeoapi.crs.transform_bbox`` without the per-call Transformer."""
    if not isinstance(from_crs, str) or not isinstance(to_crs, str):
        return upstream_transform_bbox(bbox, from_crs, to_crs, always_xy)
    if from_crs == to_crs:
        return list(bbox)
    transform, web_mercator = _transformer(from_crs, to_crs, always_xy)
    if web_mercator:
        bbox = [bbox[0], max(-85.0511, bbox[1]), bbox[2], min(85.0511, bbox[3])]
    n_dims = len(bbox) // 2
    return list(transform(*bbox[:n_dims]) + transform(*bbox[n_dims:]))


@functools.lru_cache(maxsize=64)
def _srid_of(key: str) -> int | None:
    return upstream_get_srid(key)


def get_srid(crs: str | pyproj.CRS) -> int | None:
    """``pygeoapi.crs.get_srid`` computed once per CRS."""
    return _srid_of(crs if isinstance(crs, str) else crs.to_wkt())


def api_url(request: HttpRequest) -> str:
    """The OGC API base URL of a request (its origin; Host is checked by ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/ogcapi")


def _etag(content: bytes | str) -> str:
    body = content.encode() if isinstance(content, str) else content
    return 'W/"' + hashlib.blake2b(_TIMESTAMP.sub(b"", body), digest_size=12).hexdigest() + '"'


def _feature_etag(collection: str, content) -> str | None:
    """The version-based ETag of one GeoJSON feature (what If-Match must quote)."""
    from geoserver_app.ogcapi.transactions import etag
    from layers import registry

    try:
        feature = json.loads(content)
        return etag(registry.get(collection), int(feature["id"]),
                    int(feature["properties"]["version"]))
    except (ValueError, TypeError, KeyError):
        return None


def not_modified_since(request: HttpRequest, last_modified: dt.datetime | None) -> bool:
    """True when If-Modified-Since (and no If-None-Match, which wins) covers
    ``last_modified`` (HTTP dates have whole seconds)."""
    since = request.headers.get("If-Modified-Since")
    if last_modified is None or not since or "If-None-Match" in request.headers:
        return False
    since_epoch = parse_http_date_safe(since)
    return since_epoch is not None and int(last_modified.timestamp()) <= since_epoch


def conditional(request: HttpRequest, headers: dict, status: int, content,
                collection: str | None, last_modified: dt.datetime | None = None) -> int:
    """Set the ETag (and Last-Modified) of a successful GET; 304 when the client's copy is
    current.

    ``collection`` is given for a single item: its JSON gets the version-based ETag.
    """
    if request.method not in ("GET", "HEAD") or status != HTTPStatus.OK:
        return status
    if collection and "json" in headers.get("Content-Type", ""):
        headers["ETag"] = _feature_etag(collection, content) or _etag(content)
    headers.setdefault("ETag", _etag(content))
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified.timestamp())
    if headers["ETag"] in request.headers.get("If-None-Match", ""):
        return HTTPStatus.NOT_MODIFIED
    if not_modified_since(request, last_modified):
        return HTTPStatus.NOT_MODIFIED
    return status


def apply_gzip(headers: dict, content: bytes | str) -> bytes | str:
    """pygeoapi's ``apply_gzip`` (Content-Encoding set from Accept-Encoding by pygeoapi's
    response headers) at ``GZIP_LEVEL``."""
    if "gzip" not in headers.get("Content-Encoding", ""):
        return content
    if isinstance(content, str):
        headers["Content-Type"] = f"{headers['Content-Type']}; charset=utf-8"
        content = content.encode()
    return gzip.compress(content, compresslevel=GZIP_LEVEL)


def _reworded(status: int, content):
    """A 400 JSON body whose description is one of ``_REWORDED``, reworded."""
    if status != HTTPStatus.BAD_REQUEST or not isinstance(content, str):
        return content
    try:
        body = json.loads(content)
    except ValueError:
        return content
    if not isinstance(body, dict) or body.get("description") not in _REWORDED:
        return content
    body["description"] = _REWORDED[body["description"]]
    return json.dumps(body, ensure_ascii=False)


def _error(status: int, code: str, description: str) -> HttpResponse:
    return errors.response(status, code, description, headers={"Vary": "Authorization"})


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY
    except ValueError:
        return True


def execute(api_function: Callable, request: HttpRequest, *args,
            skip_valid_check: bool = False) -> HttpResponse:
    """Run a pygeoapi handler on the cached API of the request's grant."""
    from geoserver_app.ogcapi import apis

    if _too_large(request):
        return _error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "PayloadTooLarge",
                      f"Nội dung quá lớn (tối đa {MAX_BODY // 1048576} MB). "
                      f"(Body larger than {MAX_BODY // 1048576} MB.)")
    grant = access.grant_for_request(request)
    try:
        api = apis.api_for(grant, api_url(request))
    except (DatabaseUnavailable, SQLAlchemyOperationalError):  # building the job manager
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, DatabaseUnavailable.ogc_exception_code,
                      DatabaseUnavailable.default_msg)
    api_request = APIRequest.from_django(request, api.locales)
    REQUEST_URL.set(request.build_absolute_uri())
    LAST_MODIFIED.set(None)
    if not skip_valid_check and not api_request.is_valid():
        headers, status, content = api.get_format_exception(api_request)
    else:
        headers, status, content = api_function(api, api_request, *args)
        content = _reworded(status, content)
        item = args[0] if api_function is _get_item() else None
        status = conditional(request, headers, status, content, item, LAST_MODIFIED.get())
        content = (b"" if status == HTTPStatus.NOT_MODIFIED
                   else apply_gzip(headers, content))
    return respond(grant, headers, status, content)


def respond(grant: access.Grant, headers: dict, status: int, content) -> HttpResponse:
    """The Django response of a pygeoapi-style (headers, status, content) answer."""
    response = HttpResponse(content, status=status)
    for key, value in headers.items():
        response[key] = value
    response["Vary"] = "Authorization, Accept, Accept-Encoding, Accept-Language"
    if headers.get("Content-Type") == MVT:
        response["Cache-Control"] = f"{'public' if grant.anonymous else 'private'}, max-age=300"
    return response


def _get_item() -> Callable:
    from pygeoapi.api.itemtypes import get_collection_item

    return get_collection_item


def check_version() -> None:
    """Refuse to patch a pygeoapi we have not reviewed."""
    if pygeoapi.__version__ != PYGEOAPI_VERSION:
        raise RuntimeError(f"geoserver_app.ogcapi.upstream is written for pygeoapi "
                           f"{PYGEOAPI_VERSION}, found {pygeoapi.__version__}: review it")


def install() -> None:
    """Apply the three replacements (idempotent)."""
    check_version()
    import pygeoapi.api.itemtypes as itemtypes
    import pygeoapi.django_.views as django_views

    django_views.execute_from_django = execute
    itemtypes.transform_bbox = transform_bbox
    pygeoapi_crs.get_srid = get_srid
    sql_provider = sys.modules.get("pygeoapi.provider.sql")
    if sql_provider is not None:
        sql_provider.get_srid = get_srid
