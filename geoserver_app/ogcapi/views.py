# SPDX-License-Identifier: MIT
"""Our own OGC API routes: writes (Part 4), the deletions of a collection (change feed), and
the fast paths of item pages and vector tiles (fastpath.py) ahead of pygeoapi."""
from __future__ import annotations

import datetime as dt
import json
from http import HTTPStatus

import pygeoapi.api.tiles as tiles_api
import pygeoapi.django_.views as pygeoapi_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from psycopg2 import sql

from geoserver_app import errors
from geoserver_app.ogcapi import db, dispatch, fastpath, pygeoapi_config, transactions
from geoserver_app.ogcapi.dispatch import api_url
from geoserver_app.security import access
from layers import changefeed

MAX_DELETIONS = 10000
GEOJSON_TYPES = ("application/geo+json",)  # as pygeoapi: other POST bodies are CQL2 JSON
_DELETIONS = sql.SQL(
    "SELECT feature_id, version, deleted_at FROM feature_tombstones "
    "WHERE layer = %s AND deleted_at > %s ORDER BY deleted_at, feature_id LIMIT %s")


def _error(status: int, code: str, description: str) -> JsonResponse:
    return errors.response(status, code, description, headers={"Vary": "Authorization"})


def _since(request: HttpRequest) -> dt.datetime:
    # an unencoded "+00:00" arrives as " 00:00"
    text = request.GET.get("since", "").replace(" ", "+")
    if not text:
        return dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _limit(request: HttpRequest) -> int:
    value = int(request.GET.get("limit", "1000"))
    if not 1 <= value <= MAX_DELETIONS:
        raise ValueError
    return value


def deletions(request: HttpRequest, collection_id: str) -> JsonResponse:
    """Features of ``collection_id`` deleted after ``since`` (oldest first)."""
    grant = access.grant_for_request(request)
    if not grant.can_read(collection_id):
        return _error(HTTPStatus.NOT_FOUND, "NotFound",
                      f"Không có lớp {collection_id!r} (collection not found); see /ogcapi/collections")
    try:
        since = _since(request)
    except ValueError:
        return _error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "since: cần thời điểm RFC 3339, ví dụ 2026-01-31T00:00:00Z "
                      "(an RFC 3339 date-time is required)")
    try:
        limit = _limit(request)
    except ValueError:
        return _error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      f"limit: cần số nguyên từ 1 đến {MAX_DELETIONS} "
                      f"(an integer from 1 to {MAX_DELETIONS} is required)")
    try:
        with db.connection() as conn, conn.cursor() as cursor:
            resync = _resync(cursor, collection_id, since) if "since" in request.GET else None
            if resync is None:
                cursor.execute(_DELETIONS, [collection_id, since, limit])
                rows = cursor.fetchall()
    except db.DatabaseUnavailable as err:
        return _error(HTTPStatus.SERVICE_UNAVAILABLE, "ServiceUnavailable", err.message)
    if resync is not None:
        # 410: the deletions since then cannot be listed; a client that ignored a 200 with a
        # flag would keep features that no longer exist
        return errors.response(HTTPStatus.GONE, "ResyncRequired", resync.message(collection_id),
                               headers={"Vary": "Authorization", "Cache-Control": "no-cache"},
                               resync=resync.as_json())
    return _feed(request, collection_id, rows, limit)


def _resync(cursor, collection_id: str, since: dt.datetime) -> changefeed.Resync | None:
    """Why the client must fetch the layer again, or None (layers/changefeed.py)."""
    cursor.execute(changefeed.RESYNC, {"layer": collection_id, "since": since})
    return changefeed.resync_needed(cursor.fetchone())


def _feed(request: HttpRequest, collection_id: str, rows: list, limit: int) -> JsonResponse:
    items = [{"id": fid, "version": version, "deleted_at": when.isoformat()}
             for fid, version, when in rows]
    base = f"{api_url(request)}/collections/{collection_id}"
    links = [{"rel": "collection", "type": "application/json", "href": base}]
    if len(rows) == limit:
        links.append({"rel": "next", "type": "application/json",
                      "href": f"{base}/deletions?since={items[-1]['deleted_at']}&limit={limit}"})
    response = JsonResponse({"collection": collection_id, "deletions": items,
                             "numberReturned": len(items), "links": links})
    response["Vary"] = "Authorization"
    response["Cache-Control"] = "no-cache"
    return response


def _respond(result: transactions.Result) -> HttpResponse:
    if result.body is None:
        response = HttpResponse(status=result.status)
    else:
        response = JsonResponse(result.body, status=result.status,
                                json_dumps_params={"ensure_ascii": False})
    for key, value in result.headers.items():
        response[key] = value
    response["Vary"] = "Authorization"
    return response


def _body(request: HttpRequest) -> bytes:
    """The request body, or more than MAX_BODY bytes' worth when it is declared too large."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > transactions.MAX_BODY:
        return b" " * (transactions.MAX_BODY + 1)
    return request.body


@csrf_exempt
def items(request: HttpRequest, collection_id: str) -> HttpResponse:
    """GET: the fast path, else pygeoapi (also CQL2 JSON POST); a GeoJSON POST creates a
    feature."""
    if collection_id == pygeoapi_config.CATALOG_ID and request.GET.get("f") == "csv":
        # pygeoapi 0.24 fails (UnboundLocalError) writing records as CSV
        return _error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      "f: danh mục không có dạng CSV; dùng f=json hoặc f=html "
                      "(the catalogue has no CSV format; use f=json or f=html)")
    if request.method == "POST" and request.content_type in GEOJSON_TYPES:
        result = transactions.create(access.grant_for_request(request), collection_id,
                                     _body(request), request.headers.get("Content-Crs"),
                                     api_url(request))
        return _respond(result)
    return geojson_type(fastpath.items(request, collection_id)
                        or pygeoapi_views.collection_items(request, collection_id))


def geojson_type(response: HttpResponse) -> HttpResponse:
    """Features in JSON as ``application/geo+json`` (OGC API Features Part 1, /req/geojson/
    content; ArcGIS Pro and GDAL ask for it), where pygeoapi 0.24 says ``application/json``."""
    if response.get("Content-Type", "").startswith("application/json"):
        response["Content-Type"] = GEOJSON_TYPES[0]
    return response


def tilematrixset(request: HttpRequest, tilematrixset_id: str) -> HttpResponse:
    """One tile matrix set (pygeoapi 0.24's Django view passes the id to the handler of the
    list, a TypeError and a 500)."""
    return dispatch.execute(tiles_api.tilematrixset, request, tilematrixset_id)


def tile(request: HttpRequest, collection_id: str, tileMatrixSetId: str,  # noqa: N803
         tileMatrix: str, tileRow: str, tileCol: str) -> HttpResponse:  # noqa: N803
    """A vector tile: the fast path, else pygeoapi (its names for the URL parameters)."""
    return (fastpath.tile(request, collection_id, tileMatrixSetId, tileMatrix, tileRow, tileCol)
            or pygeoapi_views.collection_item_tiles(request, collection_id, tileMatrixSetId,
                                                    tileMatrix, tileRow, tileCol))


@csrf_exempt
def item(request: HttpRequest, collection_id: str, item_id: str) -> HttpResponse:
    """GET to pygeoapi; PUT, PATCH and DELETE are our transactions."""
    grant = access.grant_for_request(request)
    if request.method in ("PUT", "PATCH"):
        return _respond(transactions.update(
            grant, collection_id, item_id, _body(request), request.headers.get("Content-Crs"),
            request.headers.get("If-Match"), partial=request.method == "PATCH"))
    if request.method == "DELETE":
        return _respond(transactions.delete(grant, collection_id, item_id,
                                            request.headers.get("If-Match")))
    return geojson_type(pygeoapi_views.collection_item(request, collection_id, item_id))


def _execution_body_error(body: bytes) -> str | None:
    """Why an execution request body is unusable, or None (pygeoapi assumes an object)."""
    try:
        data = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "the body must be JSON: {\"inputs\": {...}}"
    if not isinstance(data, dict):
        return "the body must be a JSON object: {\"inputs\": {...}}"
    for key in ("inputs", "outputs", "subscriber"):
        if key in data and not isinstance(data[key], dict):
            return f"{key!r} must be a JSON object"
    return None


@csrf_exempt
def execution(request: HttpRequest, process_id: str) -> HttpResponse:
    """Process execution: the body checked first, then pygeoapi's own view."""
    problem = _execution_body_error(request.body) if request.method == "POST" else None
    if problem:
        return _error(HTTPStatus.BAD_REQUEST, "InvalidParameterValue",
                      f"Yêu cầu xử lý không hợp lệ: {problem}. (Invalid execute request.)")
    return pygeoapi_views.process_execution(request, process_id)
