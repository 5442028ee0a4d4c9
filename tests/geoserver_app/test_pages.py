# SPDX-License-Identifier: MIT
"""The URL layout: home page with the public catalog, admin login, /ogcapi/, /tiles/ dispatch."""
from __future__ import annotations

import json

import pytest

from geoserver_app.wsgi import dispatcher
from layers import registry

pytestmark = pytest.mark.django_db


def test_home_lists_public_layers_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    assert "Bản đồ nền GIS dùng chung của tỉnh" in html
    for layer in registry.public_layers():
        assert f'data-layer="{layer.id}"' in html
        assert layer.title_vi in html
    for internal in ("mineral_sites", "construction_permits"):
        assert internal not in html


def test_home_in_english_sticks_with_a_cookie(client):
    response = client.get("/?lang=en")
    assert response.status_code == 200
    assert "Shared GIS base map of the province" in response.content.decode()
    assert response.cookies["django_language"].value == "en"
    again = client.get("/")
    assert "Land parcels" in again.content.decode()


def test_accept_language_does_not_override_vietnamese(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "vi"


def test_admin_login_is_vietnamese(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_ogcapi_landing(client):
    response = client.get("/ogcapi/?f=json")
    assert response.status_code == 200
    assert "self" in {link["rel"] for link in response.json()["links"]}


def _call(app, path: str) -> tuple[str, dict]:
    seen = {}

    def start_response(status, headers):
        seen["status"] = status

    body = b"".join(app({"PATH_INFO": path, "SCRIPT_NAME": "", "REQUEST_METHOD": "GET"},
                        start_response))
    return seen["status"], json.loads(body)


def test_dispatcher_sends_tiles_with_script_name():
    def django_app(environ, start_response):
        start_response("200 OK", [])
        return [json.dumps({"app": "django", "path": environ["PATH_INFO"]}).encode()]

    def tiles_app(environ, start_response):
        start_response("200 OK", [])
        return [json.dumps({"app": "tiles", "script": environ["SCRIPT_NAME"],
                            "path": environ["PATH_INFO"]}).encode()]

    app = dispatcher(django_app, tiles_app)
    assert _call(app, "/tiles/wmts/1.0.0/WMTSCapabilities.xml")[1] == {
        "app": "tiles", "script": "/tiles", "path": "/wmts/1.0.0/WMTSCapabilities.xml"}
    assert _call(app, "/tiles")[1] == {"app": "tiles", "script": "/tiles", "path": "/"}
    assert _call(app, "/tilesets")[1] == {"app": "django", "path": "/tilesets"}
    assert _call(app, "/admin/")[1] == {"app": "django", "path": "/admin/"}


def test_tiles_landing_through_the_real_entry_point():
    from geoserver_app.wsgi import application

    def call(path: str) -> tuple[str, bytes]:
        seen = {}

        def start_response(status, headers, exc_info=None):
            seen["status"] = status

        environ = {"PATH_INFO": path, "SCRIPT_NAME": "", "REQUEST_METHOD": "GET",
                   "QUERY_STRING": "", "SERVER_NAME": "testserver", "SERVER_PORT": "80",
                   "HTTP_HOST": "testserver", "wsgi.url_scheme": "http",
                   "REMOTE_ADDR": "127.0.0.1"}
        body = b"".join(application(environ, start_response))
        return seen["status"], body

    status, body = call("/tiles/")
    assert status == "200 OK"
    assert b'href="http://testserver/tiles/demo/"' in body  # MapProxy's landing page
    assert call("/tiles/nope")[0] == "404 Not Found"
