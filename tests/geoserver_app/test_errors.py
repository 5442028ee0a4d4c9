# SPDX-License-Identifier: MIT
"""The one JSON error builder: the OGC exception body, its Django and WSGI adapters."""
from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from geoserver_app import errors

pytestmark = pytest.mark.unit


def test_the_body_has_the_ogc_keys_and_only_the_optional_keys_given():
    assert errors.body("NotFound", "Không có") == {"code": "NotFound", "description": "Không có"}
    assert errors.body("TileOutOfRange", "Ngoài", "Outside") == {
        "code": "TileOutOfRange", "description": "Ngoài", "description_en": "Outside"}
    assert errors.body("Conflict", "a; b", reasons=["a", "b"]) == {
        "code": "Conflict", "description": "a; b", "reasons": ["a", "b"]}


def test_the_wsgi_adapter_sends_status_line_headers_and_utf8_body():
    started = []
    chunks = errors.wsgi(lambda status, headers: started.append((status, headers)),
                         HTTPStatus.TOO_MANY_REQUESTS, "TooManyRequests", "Quá nhiều yêu cầu",
                         headers=[("Retry-After", "3")])
    (status, headers), = started
    content = b"".join(chunks)
    assert status == "429 Too Many Requests"
    assert dict(headers) == {"Content-Type": "application/json; charset=utf-8",
                             "Content-Length": str(len(content)), "Retry-After": "3"}
    assert json.loads(content) == {"code": "TooManyRequests", "description": "Quá nhiều yêu cầu"}
    assert "Quá".encode() in content


def test_the_django_adapter_keeps_status_and_headers():
    response = errors.response(401, "Unauthorized", "Khóa API không hợp lệ (x).",
                               headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert json.loads(response.content) == {"code": "Unauthorized",
                                            "description": "Khóa API không hợp lệ (x)."}
