# SPDX-License-Identifier: MIT
"""Rate limiting per client address and per token, on the API paths only."""
from __future__ import annotations

import pytest

from geoserver_app.security import access, guard
from layers.grants import PUBLIC, LayerRights

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0 * 60

    def __call__(self) -> float:
        return self.now


def limiter(anonymous: int = 3, token: int = 0, **kwargs) -> guard.RateLimiter:
    return guard.RateLimiter(anonymous, token, kwargs.get("exempt", frozenset()),
                             kwargs.get("trusted", frozenset()), kwargs.get("clock", Clock()))


def env(address: str, forwarded: str = "") -> dict:
    return {"REMOTE_ADDR": address, "HTTP_X_FORWARDED_FOR": forwarded}


def test_anonymous_limit_per_address_and_window():
    clock = Clock()
    rl = limiter(clock=clock)
    assert [rl.allow(env("10.0.0.1"), PUBLIC) for _ in range(4)] == [None, None, None, 60 + 1]
    assert rl.allow(env("10.0.0.2"), PUBLIC) is None
    clock.now += 60
    assert rl.allow(env("10.0.0.1"), PUBLIC) is None


def test_tokens_have_their_own_limit_and_loopback_is_exempt():
    token = PUBLIC.extended([("mineral_sites", LayerRights())], "token:app")
    rl = limiter(anonymous=1, token=2, exempt=frozenset({"127.0.0.1"}))
    assert [rl.allow(env("10.0.0.1"), token) for _ in range(3)] == [None, None, 61]
    assert all(rl.allow(env("127.0.0.1"), PUBLIC) is None for _ in range(10))


def test_forwarded_address_only_from_a_trusted_proxy():
    rl = limiter(anonymous=1, trusted=frozenset({"10.0.0.254"}))
    assert rl.client_address(env("10.0.0.254", "1.2.3.4, 5.6.7.8")) == "5.6.7.8"
    assert rl.client_address(env("10.0.0.9", "5.6.7.8")) == "10.0.0.9"


def test_guard_answers_429_with_retry_after():
    def ok(environ, start_response):
        start_response("200 OK", [])
        return [b"ok"]

    app = guard.protect(ok, limiter(anonymous=1))
    statuses, headers = [], {}

    def start_response(status, response_headers):
        statuses.append(status)
        headers.update(response_headers)

    for _ in range(2):
        app({"PATH_INFO": "/tiles/x", "REMOTE_ADDR": "10.1.1.1",
             access.ENVIRON_KEY: PUBLIC}, start_response)
    app({"PATH_INFO": "/admin/", "REMOTE_ADDR": "10.1.1.1"}, start_response)
    assert statuses == ["200 OK", "429 Too Many Requests", "200 OK"]
    assert headers["Retry-After"] == "61"


def test_tiles_have_their_own_higher_anonymous_limit():
    rl = guard.RateLimiter(1, 0, frozenset(), frozenset(), Clock(), tiles=3)
    tile = {**env("10.0.0.1"), "PATH_INFO": "/tiles/tms/1.0.0/basemap/webmercator/1/0/0.png"}
    api = {**env("10.0.0.1"), "PATH_INFO": "/ogcapi/collections"}
    assert [rl.allow(tile, PUBLIC) for _ in range(4)] == [None, None, None, 61]
    assert [rl.allow(api, PUBLIC) for _ in range(2)] == [None, 61]
