# SPDX-License-Identifier: MIT
"""mapserv's answer made ours: real URLs in, MapServer's error texts out.

MapServer writes ``mapfile.ONLINE`` wherever a document names the service; it becomes the
request's own ``/wfs`` address (with the caller's ``token`` parameter when the token came
that way, so clients that follow the capabilities' URLs keep their rights). An exception
report of MapServer keeps its OGC code and locator, but its text (which may name SQL,
tables or files) is logged and replaced.
"""
from __future__ import annotations

import logging
from http import HTTPStatus
from urllib.parse import quote
from wsgiref.util import application_uri
from xml.sax.saxutils import escape

from lxml import etree

from geoserver_app.ows import mapfile
from geoserver_app.ows.exceptions import OwsError
from geoserver_app.ows.mapserv import Output
from geoserver_app.security import access

log = logging.getLogger(__name__)
CLIENT_CODES = frozenset({"InvalidParameterValue", "MissingParameterValue",
                          "OperationParsingFailed", "OperationNotSupported", "OptionNotSupported",
                          "VersionNegotiationFailed", "InvalidFormat", "InvalidCRS", "InvalidSRS",
                          "LayerNotDefined", "LayerNotQueryable", "InvalidPoint", "InvalidValue"})
UNAVAILABLE = OwsError("NoApplicableCode", "", "Dịch vụ tạm thời lỗi (máy chủ dữ liệu hoặc "
                       "MapServer); vui lòng thử lại sau ít phút",
                       "the service is temporarily failing; please try again in a few minutes",
                       HTTPStatus.SERVICE_UNAVAILABLE)


def service_url(environ: dict, path: str) -> str:
    """The address of a service of this site, as the caller reached it, ending in ``?`` or
    ``&`` (ready for parameters)."""
    base = application_uri(environ).rstrip("/") + path + "?"
    token = environ.get(access.QUERY_TOKEN_KEY)
    return base + (f"token={quote(token, safe='')}&" if token else "")


def with_urls(body: bytes, environ: dict, path: str) -> bytes:
    """The body with the placeholders of ``mapfile`` replaced by this site's addresses
    (XML-escaped: the placeholders are in XML attributes)."""
    body = body.replace(mapfile.ONLINE.encode(),
                        escape(service_url(environ, path), {'"': "&quot;"}).encode("utf-8"))
    root = application_uri(environ).rstrip("/")  # the Host header is the caller's text
    return body.replace(mapfile.ROOT.encode(), escape(root, {'"': "&quot;"}).encode("utf-8"))


def is_exception(output: Output) -> bool:
    head = output.body[:600]
    return output.headers.get("status", "200").startswith(("4", "5")) or (
        b"ExceptionReport" in head and b"<" in head[:10])


def as_error(output: Output) -> OwsError:
    """Our error for a MapServer exception report (its text only in the log)."""
    log.warning("mapserv refused: %s", output.body[:800])
    try:
        root = etree.fromstring(output.body, etree.XMLParser(resolve_entities=False,
                                                             no_network=True))
        found = root.xpath("//*[@exceptionCode or @code]")
    except etree.XMLSyntaxError:
        found = []
    code = found[0].get("exceptionCode") or found[0].get("code") if found else None
    if code not in CLIENT_CODES:
        return UNAVAILABLE
    locator = found[0].get("locator", "") if found else ""
    return OwsError(code, locator, "MapServer từ chối yêu cầu; xem lại các tham số",
                    f"the request was refused ({code}); check its parameters")
