# SPDX-License-Identifier: MIT
"""The one change to MapProxy's behaviour (MapProxy 7.0.0), explained and tested.

MapProxy renders OGC exceptions for bad requests (``image size too large``, ``layer X is
not queryable``, unknown layer in WMS 1.1.1) with the exception handler's default HTTP
status, which is 500 for WMS. Our interface contract answers bad input with a 4xx, so a
*non-internal* ``RequestError`` (MapProxy's own flag: the request, not a source, is at
fault) whose status would be 5xx is answered with 400; the body stays MapProxy's OGC
exception. Source failures (``internal=True``) keep their 5xx, which ``geoserver_app.tiles``
turns into a JSON 503. tests/tiles/test_bad_input.py fails if upstream changes this.
"""
from __future__ import annotations

import mapproxy.version
from mapproxy.exception import RequestError

PINNED = "7.0.0"
_APPLIED = "_basemap_client_status"


def client_status(error: RequestError) -> int | None:
    """400 for a client error that MapProxy would answer with a 5xx, else None."""
    if error.internal or error.status is not None:
        return None
    handler = getattr(error.request, "exception_handler", None)
    if handler is None:
        return 400
    status = handler.status_codes.get(error.code, handler.status_code)
    return 400 if status >= 500 else None


def apply() -> None:
    """Patch ``RequestError.render`` once (idempotent); refuse an unexpected version."""
    if getattr(RequestError, _APPLIED, False):
        return
    if mapproxy.version.version != PINNED:
        raise RuntimeError(f"geoserver_app.mapproxy_patches is written for MapProxy {PINNED}, "
                           f"found {mapproxy.version.version}: re-check the patch")
    original = RequestError.render

    def render(self: RequestError):
        status = client_status(self)
        if status is not None:
            self.status = status
        return original(self)

    RequestError.render = render
    setattr(RequestError, _APPLIED, True)
