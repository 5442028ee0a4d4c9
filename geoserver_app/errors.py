# SPDX-License-Identifier: MIT
"""The JSON error responses of every path, in the OGC API exception shape.

The body is ``{"code": ..., "description": ...}`` (OGC API - Common's exception keys), plus
``description_en`` when the English text is given apart and any extra keys a path documents
(``reasons`` of a refused transaction). The description is Vietnamese first, with English
for the applications' developers: either inside it, in parentheses, or, where clients
already read it there (the tile service), in ``description_en``. Messages say what to change,
never SQL or a stack trace.

``body`` builds the dict; ``response`` adapts it to Django and ``wsgi`` to a WSGI
``start_response`` (the guard and the tile service answer before Django).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from http import HTTPStatus

from django.http import JsonResponse

CONTENT_TYPE = "application/json; charset=utf-8"
# set when this request's answer is a 503 because PostgreSQL could not be reached (a failover,
# a restart): geoserver_app/ops/retry.py then runs a safe read once more
DATABASE_FAILED: ContextVar[bool] = ContextVar("database_failed", default=False)


def database_unavailable() -> None:
    """Note that the request failed on the database connection, not on its input."""
    DATABASE_FAILED.set(True)


def body(code: str, description: str, description_en: str | None = None,
         **extra: object) -> dict:
    """The error body: OGC exception ``code``, ``description`` and the optional keys."""
    result: dict = {"code": code, "description": description}
    if description_en is not None:
        result["description_en"] = description_en
    return {**result, **extra}


def response(status: int, code: str, description: str, description_en: str | None = None,
             headers: dict[str, str] | None = None, **extra: object) -> JsonResponse:
    """The error as a Django response."""
    return JsonResponse(body(code, description, description_en, **extra), status=status,
                        headers=headers)


def wsgi(start_response: Callable, status: int, code: str, description: str,
         description_en: str | None = None,
         headers: Iterable[tuple[str, str]] = ()) -> list[bytes]:
    """The error answered through a WSGI ``start_response``; the body as the iterable."""
    content = json.dumps(body(code, description, description_en), ensure_ascii=False).encode()
    start_response(status_line(status), [("Content-Type", CONTENT_TYPE),
                                         ("Content-Length", str(len(content))), *headers])
    return [content]


def status_line(status: int) -> str:
    """``404`` -> ``"404 Not Found"``."""
    return f"{status} {HTTPStatus(status).phrase}"
