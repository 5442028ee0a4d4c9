# SPDX-License-Identifier: MIT
"""The ``/wfs`` WSGI app: WFS 2.0.0, 1.1.0 (and 1.0.0) by MapServer, per grant view.

A request is read as key-value parameters, checked against the caller's view
(``geoserver_app.ows.wfs_request``), run by mapserv on the view's mapfile and relayed with our
URLs and error texts (``geoserver_app.ows.answer``). Refusals are OWS exception reports with
status 400; a failing MapServer or database is a 503 report. XML-encoded (POST) requests
are refused as not supported: every parameter is then in a document MapServer would read
on its own, past our checks.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from http import HTTPStatus

from geoserver_app.ows import answer, exceptions, mapserv, params, views, wfs_request
from geoserver_app.ows.exceptions import OwsError
from geoserver_app.security import access

log = logging.getLogger(__name__)
PATH = "/wfs"
WSGIApp = Callable[[dict, Callable], Iterable[bytes]]
DROPPED_HEADERS = {"status", "content-disposition", "content-length"}


def run(environ: dict, store: views.Mapfiles) -> tuple[str, mapserv.Output]:
    """The WFS version and mapserv's answer to a request (OwsError when refused)."""
    query = params.read(environ.get("QUERY_STRING", ""))
    version = "2.0.0"
    try:
        version = wfs_request.version_of(query)
    except OwsError:
        pass  # reported below, in the newest version's form
    if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
        raise params.not_supported("yêu cầu mã hóa XML (POST); dùng GET với tham số",
                                   "request") from None
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
