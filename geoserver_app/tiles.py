# SPDX-License-Identifier: MIT
"""The ``/tiles/`` WSGI app. A landing page until MapProxy is wired (tiles issue)."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable


def create_app() -> Callable:
    """A WSGI app that describes the tile service and answers 404 below it."""

    def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "/") not in ("", "/"):
            body = {"code": "NotFound", "description": "Dịch vụ bản đồ ảnh chưa có lớp này."}
            status = "404 Not Found"
        else:
            body = {"title": "Dịch vụ bản đồ nền dạng ảnh (WMTS/TMS/WMS)",
                    "base": environ.get("SCRIPT_NAME", "") + "/",
                    "status": "MapProxy sẽ phục vụ tại đây (đang triển khai)."}
            status = "200 OK"
        payload = json.dumps(body, ensure_ascii=False).encode()
        start_response(status, [("Content-Type", "application/json; charset=utf-8"),
                                 ("Content-Length", str(len(payload)))])
        return [payload]

    return app
