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


def run(query: dict[str, str], environ: dict, store: views.Mapfiles) -> mapserv.Output:
    """mapserv's answer to a request (OwsError when refused)."""
    view = views.view_for(access.grant_for_environ(environ))
    _version, checked = wfs_request.build(query, view)
    output = mapserv.run(store.path(view), checked)
    if answer.is_exception(output):
        raise answer.as_error(output)
    return output


def create_app(store: views.Mapfiles | None = None) -> WSGIApp:
    """The WFS of every grant view (mapfiles written on first use)."""
    store = store or views.Mapfiles()

    def report(start_response: Callable, error: OwsError, version: str) -> list[bytes]:
        return exceptions.respond(start_response, error.status,
                                  *exceptions.report(error, version))

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            query = parameters(environ)
        except OwsError as error:
            return report(start_response, error, wfs_request.VERSIONS[0])
        version = wfs_request.version_or_newest(query)
        try:
            output = run(query, environ, store)
        except OwsError as error:
            return report(start_response, error, version)
        except mapserv.MapservFailed:
            log.exception("wfs: mapserv failed")
            return report(start_response, answer.UNAVAILABLE, version)
        body = answer.with_urls(output.body, environ, PATH)
        headers = [(key.title(), value) for key, value in output.headers.items()
                   if key not in DROPPED_HEADERS and key != "content-type"]
        return exceptions.respond(start_response, HTTPStatus.OK, output.content_type, body,
                                  headers)

    return app
