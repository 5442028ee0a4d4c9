# SPDX-License-Identifier: MIT
"""The ``/wfs`` WSGI app: WFS 2.0.0, 1.1.0 (and 1.0.0) by MapServer, per grant view.

A request is read as key-value parameters (a POSTed XML document is read into the same,
``geoserver_app.ows.wfs_xml``), checked against the caller's view
(``geoserver_app.ows.wfs_request``), run by mapserv on the view's mapfile as a rebuilt GET, and
relayed with our URLs and error texts (``geoserver_app.ows.answer``). Refusals are OWS
exception reports with status 400; a failing MapServer or database is a 503 report.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus

from geoserver_app.ows import answer, exceptions, mapserv, params, views, wfs_request, wfs_xml
from geoserver_app.ows.exceptions import OwsError
from geoserver_app.security import access

log = logging.getLogger(__name__)
PATH = "/wfs"
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
DROPPED_HEADERS = {"status", "content-disposition", "content-length"}


def parameters(environ: dict) -> dict[str, str]:
    """The request's parameters: the query string's, or those of a POSTed document."""
    if environ.get("REQUEST_METHOD", "GET") != "POST":
        return params.read(environ.get("QUERY_STRING", ""))
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(min(length, wfs_xml.MAX_BYTES + 1)) if length else b""
    if environ.get("CONTENT_TYPE", "").startswith("application/x-www-form-urlencoded"):
        return params.read(body.decode("utf-8", "replace"))
    return wfs_xml.read(body)


def run(environ: dict, store: views.Mapfiles) -> tuple[str, mapserv.Output]:
    """The WFS version and mapserv's answer to a request (OwsError when refused)."""
    query = parameters(environ)
    version = wfs_request.version_or_newest(query)
    view = views.view_for(access.grant_for_environ(environ))
    try:
        version, checked = wfs_request.build(query, view)
    except OwsError as error:
        raise Refused(error, version) from None
    output = mapserv.run(store.path(view), checked)
    if answer.is_exception(output):
        raise Refused(answer.as_error(output), version)
    return version, output


class Refused(Exception):
    """An OwsError with the WFS version its report is written in."""

    def __init__(self, error: OwsError, version: str) -> None:
        super().__init__(error.code)
        self.error, self.version = error, version


def create_app(store: views.Mapfiles | None = None) -> WSGIApp:
    """The WFS of every grant view (mapfiles written on first use)."""
    store = store or views.Mapfiles()

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            _version, output = run(environ, store)
        except Refused as refused:
            return exceptions.respond(start_response, refused.error.status,
                                      *exceptions.report(refused.error, refused.version))
        except OwsError as error:
            return exceptions.respond(start_response, error.status,
                                      *exceptions.report(error, "2.0.0"))
        except mapserv.MapservFailed:
            log.exception("wfs: mapserv failed")
            return exceptions.respond(start_response, HTTPStatus.SERVICE_UNAVAILABLE,
                                      *exceptions.report(answer.UNAVAILABLE, "2.0.0"))
        body = answer.with_urls(output.body, environ, PATH)
        headers = [(key.title(), value) for key, value in output.headers.items()
                   if key not in DROPPED_HEADERS and key != "content-type"]
        return exceptions.respond(start_response, HTTPStatus.OK, output.content_type, body,
                                  headers)

    return app
