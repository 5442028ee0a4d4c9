# SPDX-License-Identifier: MIT
"""Thin fast paths for the two hot OGC API reads: GeoJSON pages of items and vector tiles.

pygeoapi answers every request through its generic machinery (request object, plugin
loading per request, ``json.loads`` of the page PostgreSQL built, then ``json.dumps``
again), about as long as the SQL itself. For the common, simple requests these functions
run the same statement (``queries.collection_page`` through the provider's ``build_page``,
``tiles.MVTProvider.get_tiles``) and send its bytes, with the body structure, links and
headers pygeoapi gives. They answer ``None`` for anything else (HTML, CSV, CQL2 filters,
sortby, other CRSs, another language, repeated or unusual parameters, values pygeoapi would
refuse) and pygeoapi answers as before, with its 400s and 404s.

Access is the same: the collection, its provider and its columns come from the API of the
request's grant (``apis.api_for``), so a layer the grant cannot read is absent (pygeoapi's
404) and hidden attributes are never selected.
"""
from __future__ import annotations

import datetime as dt
import functools
import json
import math
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from pygeoapi import l10n
from pygeoapi.api import HEADERS, SYSTEM_LOCALE, validate_bbox
from pygeoapi.api import evaluate_limit as pygeoapi_limit
from pygeoapi.crs import set_content_crs_header
from pygeoapi.plugin import load_plugin
from pygeoapi.provider.tile import ProviderTileNotFoundError
from pygeoapi.util import get_dataset_formatters
from sqlalchemy.exc import OperationalError as SQLAlchemyOperationalError

from geoserver_app.ogcapi import apis, db, dispatch, pygeoapi_config, queries
from geoserver_app.ogcapi.provider import BadParameter, PostGISProvider, keyset_next
from geoserver_app.ogcapi.vector_tiles import MVTProvider
from geoserver_app.security import access
from layers import grants

ITEM_PARAMETERS = frozenset({"f", "bbox", "limit", "offset", "after"})
TILE_PARAMETERS = frozenset({"f"})
JSON_MIMETYPES = ("", "*/*")  # no f: pygeoapi's default (JSON) only for these Accept values


@dataclass(frozen=True)
class Collection:
    """What the fast paths need of one collection in one grant's API (built once)."""

    id: str
    features: PostGISProvider | None
    feature_def: dict
    tiles: MVTProvider | None
    tile_def: dict
    title: object
    limits: tuple[dict, dict]
    formatters: tuple[tuple[str, str, str], ...]
    default_locale: object


def _provider(resource: dict, kind: str, name: str) -> tuple[dict, object] | None:
    for provider_def in resource.get("providers", []):
        if provider_def.get("type") == kind:
            return (provider_def, load_plugin("provider", provider_def)
                    if provider_def.get("name") == name else None)
    return None


@functools.lru_cache(maxsize=256)
def collection(api: object, collection_id: str) -> Collection | None:
    """The fast-path view of ``collection_id`` in ``api`` (None: not a layer of this API)."""
    resource = api.config["resources"].get(collection_id)
    if not resource or resource.get("type") != "collection":
        return None
    feature = _provider(resource, "feature", pygeoapi_config.FEATURE_PROVIDER)
    tile = _provider(resource, "tile", pygeoapi_config.TILE_PROVIDER)
    formatters = tuple((key, value.mimetype, value.name)
                       for key, value in get_dataset_formatters(resource).items())
    return Collection(
        collection_id, feature[1] if feature else None, feature[0] if feature else {},
        tile[1] if tile else None, tile[0] if tile else {}, resource["title"],
        (api.config["server"].get("limits", {}), resource.get("limits", {})), formatters,
        l10n.str2locale(api.locales[0]))


def _collection_of(request: HttpRequest,
                   collection_id: str) -> tuple[grants.Grant, object, Collection] | None:
    """The request's grant, its API and the collection in it (None: pygeoapi answers)."""
    grant = access.grant_for_request(request)
    try:
        api = apis.api_for(grant, dispatch.api_url(request))
    except (db.DatabaseUnavailable, SQLAlchemyOperationalError):
        return None  # pygeoapi's path answers it: 503
    found = collection(api, collection_id)
    return (grant, api, found) if found is not None else None


def _single_values(request: HttpRequest, allowed: frozenset[str]) -> bool:
    query = request.GET
    return set(query) <= allowed and all(len(query.getlist(key)) == 1 for key in query)


def _plain(request: HttpRequest) -> bool:
    """A request whose language is the default one (pygeoapi would pick it too)."""
    return "lang" not in request.GET and "HTTP_ACCEPT_LANGUAGE" not in request.META


def _json_format(request: HttpRequest) -> str | None | bool:
    """'json' for f=json, None for no f and no particular Accept, False otherwise."""
    f = request.GET.get("f")
    if f is not None:
        return "json" if f == "json" else False
    return None if request.META.get("HTTP_ACCEPT", "") in JSON_MIMETYPES else False


@dataclass
class ItemsQuery:
    """The parameters of a fast items request, checked as pygeoapi checks them."""

    limit: int
    offset: int
    bbox: list[float]
    after: str | None


def _items_query(request: HttpRequest, limits: tuple[dict, dict]) -> ItemsQuery | None:
    query = request.GET
    limit_text, offset_text = query.get("limit"), query.get("offset", "0")
    after = query.get("after")
    if (limit_text is not None and not limit_text.isdecimal()) or not offset_text.isdecimal():
        return None
    if after is not None and not after.isdigit():
        return None
    try:
        limit = pygeoapi_limit(None if limit_text is None else int(limit_text), *limits)
        bbox = validate_bbox(query["bbox"]) if "bbox" in query else []
    except ValueError:
        return None
    if bbox and (len(bbox) != 4 or not all(map(math.isfinite, bbox))
                 or bbox[0] > bbox[2]):
        return None
    return ItemsQuery(limit, int(offset_text), bbox, after)


def _links(request: HttpRequest, api: object, found: Collection, fmt: str | None,
           items: ItemsQuery, returned: int, last_id: int | None) -> list[dict]:
    """The links pygeoapi 0.24 writes on a page (get_collection_items), in its order."""
    links = []
    if returned == items.limit:
        links.append(keyset_next(request.build_absolute_uri(), last_id))
    serialized = "".join(f"&{quote(key, safe='')}={quote(str(value), safe=',')}"
                         for key, value in request.GET.items() if key not in ("f", "offset"))
    uri = f"{api.get_collections_url()}/{found.id}/items"
    links += [
        {"type": "application/geo+json", "rel": "self", "title": "This document as GeoJSON",
         "href": f"{uri}?f=json{serialized}"},
        {"rel": "alternate", "type": "application/ld+json",
         "title": "This document as RDF (JSON-LD)", "href": f"{uri}?f=jsonld{serialized}"},
        {"type": "text/html", "rel": "alternate", "title": "This document as HTML",
         "href": f"{uri}?f=html{serialized}"}]
    links += [{"type": mimetype, "rel": "alternate", "title": f"This document as {key}",
               "href": f"{uri}?f={name}{serialized}"}
              for key, mimetype, name in found.formatters]
    if returned != items.limit and items.offset > 0:
        previous = max(0, items.offset - items.limit)
        start = f"{uri}?f={fmt}&" if fmt is not None else f"{uri}?"
        links.append({"type": "application/geo+json", "rel": "prev", "title": "Items (prev)",
                      "href": f"{start}offset={previous}{serialized}"})
    links.append({"type": "application/json",
                  "title": l10n.translate(found.title, found.default_locale),
                  "rel": "collection", "href": uri.rsplit("/", 1)[0]})
    return links


def _headers(request: HttpRequest, api: object) -> dict:
    """pygeoapi's response headers: its defaults, the API's own, gzip when accepted."""
    headers = {**HEADERS, **api.api_headers}
    if "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", ""):
        headers["Content-Encoding"] = "gzip"
    return headers


def _item_headers(request: HttpRequest, api: object, found: Collection) -> dict:
    headers = _headers(request, api)
    l10n.set_response_language(headers, found.default_locale)
    set_content_crs_header(headers, found.feature_def, None)
    return headers


def items(request: HttpRequest, collection_id: str) -> HttpResponse | None:
    """A GeoJSON page straight from PostgreSQL's text, or None (pygeoapi answers)."""
    fmt = _json_format(request)
    if (request.method != "GET" or fmt is False or not _plain(request)
            or not _single_values(request, ITEM_PARAMETERS)):
        return None
    found_in = _collection_of(request, collection_id)
    if found_in is None or found_in[2].features is None:
        return None
    grant, api, found = found_in
    query = _items_query(request, found.limits)
    if query is None:
        return None
    headers = _item_headers(request, api, found)
    try:
        if "HTTP_IF_MODIFIED_SINCE" in request.META:
            changed = _last_change(found)
            if dispatch.not_modified_since(request, changed):
                return _not_modified(grant, headers, changed)
        page = found.features.build_page(
            query.offset, query.limit, query.bbox,
            properties=[("after", query.after)] if query.after else [])
        statement, params = queries.collection_page(page, found.features.layer.id,
                                                    as_text=True)
        features, returned, last_id, changed, matched = db.fetch_one(
            statement, params, found.features.database)
    except (db.DatabaseUnavailable, BadParameter):
        return None  # pygeoapi's path answers: 503, or the 400 naming the parameter
    body = _page_body(features, matched, returned,
                      _links(request, api, found, fmt, query, returned, last_id))
    status = dispatch.conditional(request, headers, HTTPStatus.OK, body, None, changed)
    content = b"" if status == HTTPStatus.NOT_MODIFIED else dispatch.apply_gzip(headers, body)
    return dispatch.respond(grant, headers, status, content)


def _page_body(features: str, matched: int, returned: int, links: list[dict]) -> str:
    """The page as pygeoapi's ``to_json`` writes it (its key order, ``<``/``>`` escaped)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = (f'{{"type":"FeatureCollection","features":{features},"numberMatched":{matched},'
            f'"numberReturned":{returned},'
            f'"links":{json.dumps(links, separators=(",", ":"))},"timeStamp":"{stamp}"}}')
    return body.replace("<", "&lt;").replace(">", "&gt;")


def _last_change(found: Collection) -> dt.datetime | None:
    layer = found.features.layer
    return db.fetch_one(queries.layer_last_change(layer.table), [layer.id],
                        found.features.database)[0]


def _not_modified(grant: grants.Grant, headers: dict, changed: dt.datetime) -> HttpResponse:
    headers.pop("Content-Encoding", None)
    headers["Last-Modified"] = http_date(changed.timestamp())
    return dispatch.respond(grant, headers, HTTPStatus.NOT_MODIFIED, b"")


def tile(request: HttpRequest, collection_id: str, tileset: str, z: str, y: str,
         x: str) -> HttpResponse | None:
    """An MVT tile from the layer's tile statement, or None (pygeoapi answers)."""
    if (request.method != "GET" or request.GET.get("f") != "mvt"
            or not _single_values(request, TILE_PARAMETERS)):
        return None
    found_in = _collection_of(request, collection_id)
    if found_in is None or found_in[2].tiles is None:
        return None
    grant, api, found = found_in
    try:
        content = found.tiles.get_tiles(layer=found.tiles.get_layer(), tileset=tileset,
                                        z=z, y=y, x=x)
    except (ProviderTileNotFoundError, db.DatabaseUnavailable):
        return None
    headers = _headers(request, api)
    headers["Content-Type"] = found.tile_def["format"]["mimetype"]
    l10n.set_response_language(headers, SYSTEM_LOCALE)
    status = dispatch.conditional(request, headers, HTTPStatus.OK, content, None)
    content = b"" if status == HTTPStatus.NOT_MODIFIED else dispatch.apply_gzip(headers, content)
    return dispatch.respond(grant, headers, status, content)
