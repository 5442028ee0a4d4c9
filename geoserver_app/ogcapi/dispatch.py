# SPDX-License-Identifier: MIT
"""How a pygeoapi handler answers a Django request: ours, around pygeoapi's handlers.

``execute`` replaces ``pygeoapi.django_.views.execute_from_django`` (``patches.install``).
It picks the cached API of the request's grant (``apis.api_for``), answers conditional GETs
(ETag/If-None-Match, and for features Last-Modified/If-Modified-Since: 304), adds
``Vary: Authorization``, gzips at level ``GZIP_LEVEL`` (pygeoapi's 9 costs three times
level 6 for 1-2 % fewer bytes), refuses bodies over ``MAX_BODY`` (413), turns a database
outage into 503, and rewords the few 400 messages of pygeoapi that do not name their
parameter (``_REWORDED``), so every bad request says which parameter to fix. The fast
paths (``fastpath.py``) answer with the same conditional/gzip/respond helpers.
"""
from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import re
from collections.abc import Callable
from contextvars import ContextVar
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date, parse_http_date_safe
from pygeoapi.api import APIRequest
from pygeoapi.api.itemtypes import get_collection_item
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError

from geoserver_app import errors
from geoserver_app.ogcapi import apis
from geoserver_app.ogcapi.db import DatabaseUnavailable
from geoserver_app.ogcapi.transactions import etag
from geoserver_app.security import access
from layers import catalog, grants

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


def api_url(request: HttpRequest) -> str:
    """The OGC API base URL of a request (its origin; Host is checked by ALLOWED_HOSTS)."""
    return request.build_absolute_uri("/ogcapi")


def _etag(content: bytes | str) -> str:
    body = content.encode() if isinstance(content, str) else content
    return 'W/"' + hashlib.blake2b(_TIMESTAMP.sub(b"", body), digest_size=12).hexdigest() + '"'


def _feature_etag(collection: str, content) -> str | None:
    """The version-based ETag of one GeoJSON feature (what If-Match must quote)."""
    try:
        feature = json.loads(content)
        return etag(catalog.current().get(collection), int(feature["id"]),
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
        item = args[0] if api_function is get_collection_item else None
        status = conditional(request, headers, status, content, item, LAST_MODIFIED.get())
        content = (b"" if status == HTTPStatus.NOT_MODIFIED
                   else apply_gzip(headers, content))
    return respond(grant, headers, status, content)


def respond(grant: grants.Grant, headers: dict, status: int, content) -> HttpResponse:
    """The Django response of a pygeoapi-style (headers, status, content) answer."""
    response = HttpResponse(content, status=status)
    for key, value in headers.items():
        response[key] = value
    response["Vary"] = "Authorization, Accept, Accept-Encoding, Accept-Language"
    if headers.get("Content-Type") == MVT:
        response["Cache-Control"] = f"{'public' if grant.anonymous else 'private'}, max-age=300"
    return response
