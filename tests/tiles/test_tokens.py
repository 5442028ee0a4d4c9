# SPDX-License-Identifier: MIT
"""Through the real entry point: a token with an internal layer gets the full tile service."""
from __future__ import annotations

from owslib.wmts import WebMapTileService

from geoserver_app.security import tokens
from tests.support.tile_client import WSGIClient

INTERNAL = {"mineral_sites", "construction_permits"}


def capabilities(site, authorization: str | None) -> tuple[int, set[str], dict]:
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    client = WSGIClient(site, {"SCRIPT_NAME": "", "REMOTE_ADDR": "127.0.0.1", **extra})
    reply = client.get("/tiles/wmts/1.0.0/WMTSCapabilities.xml")
    if reply.status != 200:
        return reply.status, set(), reply.headers
    wmts = WebMapTileService("http://testserver/tiles/wmts", xml=reply.body)
    return reply.status, set(wmts.contents), reply.headers


def test_tokens_choose_the_tile_service(tile_env, db):
    from geoserver_app.wsgi import create_application

    site = create_application()
    _token, full_key = tokens.create_token("mines-app", ["mineral_sites"])
    _token, roads_key = tokens.create_token("roads-app", ["roads"], write=True)
    status, anonymous, headers = capabilities(site, None)
    assert status == 200 and not INTERNAL & anonymous and "basemap" in anonymous
    assert "Authorization" in headers["Vary"]
    assert capabilities(site, f"Bearer {roads_key}")[1] == anonymous
    status, full, _headers = capabilities(site, f"Bearer {full_key}")
    assert full == anonymous | INTERNAL
    assert capabilities(site, "Bearer bm_not-a-token")[0] == 401
