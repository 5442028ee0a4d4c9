# SPDX-License-Identifier: MIT
"""Tile test helpers: an in-process WSGI client, tile numbers, pixel counts."""
from __future__ import annotations

import io
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy
from PIL import Image


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def image(self) -> Image.Image:
        return Image.open(io.BytesIO(self.body))


@dataclass
class WSGIClient:
    """Calls a WSGI app in-process, mounted at /tiles like the dispatcher does."""

    app: Callable
    environ: dict = field(default_factory=dict)

    def get(self, path: str, query: str = "") -> Reply:
        seen: dict = {}

        def start_response(status: str, headers: list, exc_info=None) -> None:
            seen.update(status=int(status.split()[0]), headers=dict(headers))

        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query,
                   "SCRIPT_NAME": "/tiles", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
                   "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
                   "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr, **self.environ}
        body = b"".join(self.app(environ, start_response))
        return Reply(seen["status"], seen["headers"], body)


def xyz(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The Web Mercator (north-west origin) tile containing a point."""
    n = 2 ** zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def count_colour(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    """Pixels within ``tolerance`` of an RGB colour."""
    pixels = numpy.asarray(image.convert("RGB"), dtype=int)
    close = numpy.abs(pixels - numpy.array(colour)).max(axis=2) <= tolerance
    return int(close.sum())
