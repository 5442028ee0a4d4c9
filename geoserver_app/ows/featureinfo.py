# SPDX-License-Identifier: MIT
"""WMS GetFeatureInfo of the ``/tiles`` WMS, answered by MapServer from the caller's view.

MapProxy draws and caches the map but knows nothing of attributes or grants, so a
GetFeatureInfo request is taken before MapProxy (``geoserver_app.wsgi``) and asked of mapserv
on the caller's view mapfile (the same one as the WFS): a layer the caller may not read is
not defined, an attribute it may not see is not in the mapfile. Formats: ``text/html``
(Vietnamese, drawn here from MapServer's GeoJSON), ``application/json``, GML
(``text/xml`` or ``application/vnd.ogc.gml``) and ``text/plain``. A click where there is nothing (outside the layer or the province) is
an empty, valid answer; a point outside the image is ``InvalidPoint``.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from html import escape
from http import HTTPStatus

from geoserver_app.ows import answer, exceptions, mapserv, params, views
from geoserver_app.ows.exceptions import OwsError, invalid, missing
from geoserver_app.ows.mapfile import Visible
from geoserver_app.security import access
from layers.models import SYSTEM_COLUMNS

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
HTML, JSON = "text/html", "application/json"
GML = "application/vnd.ogc.gml"
# asked format -> what mapserv writes (HTML is drawn here from its GeoJSON)
FORMATS = {HTML: JSON, JSON: JSON, "application/geo+json": JSON, "text/xml": GML, GML: GML,
           "text/plain": "text/plain"}
STYLE = ("body{font:13px sans-serif;margin:4px}h3{font-size:14px;margin:6px 0 2px}"
         "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:2px 6px;"
         "text-align:left}th{background:#f3f3f3;font-weight:normal}")
MAX_SIZE = 4096
MAX_FEATURES = 50


def is_featureinfo(query: dict[str, str]) -> bool:
    return (query.get("REQUEST", "").lower() == "getfeatureinfo"
            and query.get("SERVICE", "WMS").upper() in ("WMS", ""))


def layers_of(query: dict[str, str], view: views.View) -> tuple[Visible, ...]:
    names = [n.strip() for n in params.required(query, "QUERY_LAYERS").split(",") if n.strip()]
    found = []
    for name in names:
        layer = view.find(name)
        if layer is None:
            raise OwsError("LayerNotDefined", "query_layers", f"Không có lớp {name!r}",
                           f"layer {name!r} is not defined")
        found.append(layer)
    return tuple(found)


def size_and_point(query: dict[str, str], version: str) -> list[tuple[str, str]]:
    """WIDTH, HEIGHT and the clicked pixel (I/J in 1.3.0, X/Y before), inside the image."""
    width, height = (params.integer(query, key) for key in ("WIDTH", "HEIGHT"))
    for key, value in (("WIDTH", width), ("HEIGHT", height)):
        if value is None:
            raise missing(key.lower())
        if not 0 < value <= MAX_SIZE:
            raise invalid(key.lower(), str(value), f"từ 1 đến {MAX_SIZE}", f"1 to {MAX_SIZE}")
    keys = ("I", "J") if version == "1.3.0" else ("X", "Y")
    point = []
    for key, limit in zip(keys, (width, height), strict=True):
        text = query.get(key, "").strip()
        if not text:
            raise missing(key.lower())
        if not text.lstrip("-").isdigit() or not 0 <= int(text) < limit:
            raise OwsError("InvalidPoint", key.lower(), f"Điểm {key}={text[:20]} nằm ngoài ảnh",
                           f"{key}={text[:20]} is outside the image")
        point.append((key, text))
    return [("WIDTH", str(width)), ("HEIGHT", str(height)), *point]


def place(query: dict[str, str], version: str) -> list[tuple[str, str]]:
    """CRS (SRS before 1.3.0) and BBOX, checked."""
    key = "CRS" if version == "1.3.0" else "SRS"
    crs = params.required(query, key)
    try:
        params.crs_code(crs, key.lower())
    except OwsError:
        code = "InvalidCRS" if version == "1.3.0" else "InvalidSRS"
        raise OwsError(code, key.lower(), f"Hệ tọa độ {crs[:40]!r} không được hỗ trợ",
                       f"CRS {crs[:40]!r} is not supported") from None
    x0, y0, x1, y1 = params.numbers(params.required(query, "BBOX"), "bbox", 4)
    if not (x0 < x1 and y0 < y1):
        raise invalid("bbox", query["BBOX"], "cần minx < maxx và miny < maxy",
                      "minx < maxx and miny < maxy are expected")
    return [(key, crs), ("BBOX", query["BBOX"])]


def build(query: dict[str, str], view: views.View) -> tuple[str, tuple[Visible, ...],
                                                             list[tuple[str, str]]]:
    """The asked format, the queried layers and mapserv's parameters (minus the layers)."""
    version = "1.3.0" if query.get("VERSION", "1.3.0").strip() != "1.1.1" else "1.1.1"
    asked = query.get("INFO_FORMAT", "text/plain").strip().lower()
    if asked not in FORMATS:
        raise OwsError("InvalidFormat", "info_format", f"Định dạng {asked[:60]!r} không được hỗ trợ",
                       f"format {asked[:60]!r} is not supported; use " + ", ".join(FORMATS))
    layers = layers_of(query, view)
    count = min(params.integer(query, "FEATURE_COUNT", 1) or 1, MAX_FEATURES)
    checked = [("SERVICE", "WMS"), ("VERSION", version), ("REQUEST", "GetFeatureInfo"),
               ("STYLES", ""), *place(query, version), *size_and_point(query, version),
               ("INFO_FORMAT", FORMATS[asked]), ("FEATURE_COUNT", str(count))]
    return asked, layers, checked


def ask(store: views.Mapfiles, view: views.View, checked: list[tuple[str, str]],
        names: str) -> mapserv.Output:
    output = mapserv.run(store.path(view), [*checked, ("LAYERS", names), ("QUERY_LAYERS", names)])
    if answer.is_exception(output):
        raise answer.as_error(output)
    return output


def collection(store: views.Mapfiles, view: views.View, layers: tuple[Visible, ...],
               checked: list[tuple[str, str]]) -> dict:
    """One GeoJSON FeatureCollection of every queried layer (MapServer writes one layer per
    GeoJSON document), each feature naming its ``layer``."""
    features = []
    for layer in layers:
        found = json.loads(ask(store, view, checked, layer.layer.id).body or b"{}")
        features += [{**feature, "layer": layer.layer.id} for feature in found.get("features", [])]
    return {"type": "FeatureCollection", "features": features}


def html(found: dict, view: views.View) -> bytes:
    """The Vietnamese HTML of the features found: a table per feature (without the
    bookkeeping columns: version and times of the record)."""
    parts = ['<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
             f"<title>Thông tin đối tượng</title><style>{STYLE}</style></head><body>"]
    if not found["features"]:
        parts.append("<p>Không có đối tượng nào tại điểm này.</p>")
    for feature in found["features"]:
        layer = view.by_id[feature["layer"]].layer
        titles = view.titles[layer.id]
        rows = "".join(f"<tr><th>{escape(titles.get(key, key))}</th><td>{escape(str(value))}</td></tr>"
                       for key, value in feature.get("properties", {}).items()
                       if value is not None and key not in SYSTEM_COLUMNS)
        parts.append(f"<h3>{escape(layer.title_vi)}</h3><table>{rows}</table>")
    parts.append("</body></html>")
    return "".join(parts).encode()


def respond(store: views.Mapfiles, environ: dict, query: dict[str, str]) -> tuple[str, bytes]:
    view = views.view_for(access.grant_for_environ(environ))
    asked, layers, checked = build(query, view)
    if FORMATS[asked] == JSON:
        found = collection(store, view, layers, checked)
        if asked == HTML:
            return "text/html; charset=utf-8", html(found, view)
        return "application/json; charset=utf-8", json.dumps(found, ensure_ascii=False).encode()
    output = ask(store, view, checked, ",".join(layer.layer.id for layer in layers))
    return output.content_type, output.body


def create_app(store: views.Mapfiles | None = None) -> WSGIApp:
    """GetFeatureInfo for the caller's view."""
    store = store or views.Mapfiles()

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        query = params.read(environ.get("QUERY_STRING", ""))
        version = "1.3.0" if query.get("VERSION", "1.3.0").strip() != "1.1.1" else "1.1.1"
        try:
            content_type, body = respond(store, environ, query)
        except OwsError as error:
            return exceptions.respond(start_response, error.status,
                                      *exceptions.wms_report(error, version))
        except mapserv.MapservFailed:
            log.exception("featureinfo: mapserv failed")
            return exceptions.respond(start_response, HTTPStatus.SERVICE_UNAVAILABLE,
                                      *exceptions.wms_report(answer.UNAVAILABLE, version))
        return exceptions.respond(start_response, HTTPStatus.OK, content_type, body)

    return app


def in_front_of(tiles_app: WSGIApp, info_app: WSGIApp) -> WSGIApp:
    """The tile service with its GetFeatureInfo requests answered by ``info_app``."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if is_featureinfo(params.read(environ.get("QUERY_STRING", ""))):
            return info_app(environ, start_response)
        return tiles_app(environ, start_response)

    return app
