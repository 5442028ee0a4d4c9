# SPDX-License-Identifier: MIT
"""Request ids, JSON logs and /metrics (loopback or METRICS_TOKEN only)."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geoserver_app.ops import observe

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]


def call(app, path: str, **environ) -> tuple[str, dict, bytes]:
    seen: dict = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": "GET", **environ},
                        start_response))
    return seen["status"], seen["headers"], body


def hello(environ, start_response):
    logging.getLogger("basemap.test").warning("inside")
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hi"]


def test_request_id_is_kept_or_made():
    app = observe.observe(hello)
    assert call(app, "/", HTTP_X_REQUEST_ID="abc-123")[1]["X-Request-ID"] == "abc-123"
    made = call(app, "/", HTTP_X_REQUEST_ID="bad id; drop table")[1]["X-Request-ID"]
    assert len(made) == 32 and made.isalnum()


def test_metrics_count_requests_by_route_and_status():
    app = observe.observe(hello)
    for _ in range(3):
        call(app, "/ogcapi/collections")
    status, headers, body = call(app, "/metrics", REMOTE_ADDR="127.0.0.1")
    assert status == "200 OK"
    assert headers["Content-Type"].startswith("text/plain")
    text = body.decode()
    line = next(row for row in text.splitlines() if row.startswith(
        'basemap_http_requests_total{method="GET",route="ogcapi",status="200"}'))
    assert float(line.split()[-1]) >= 3
    assert "basemap_http_request_seconds_bucket" in text


def test_metrics_hidden_from_other_addresses_unless_token(settings):
    app = observe.observe(hello)
    assert call(app, "/metrics", REMOTE_ADDR="10.0.0.9")[0] == "404 Not Found"
    settings.METRICS_TOKEN = "s3cret-metrics"
    assert call(app, "/metrics", REMOTE_ADDR="10.0.0.9",
                HTTP_AUTHORIZATION="Bearer wrong")[0] == "404 Not Found"
    assert call(app, "/metrics", REMOTE_ADDR="10.0.0.9",
                HTTP_AUTHORIZATION="Bearer s3cret-metrics")[0] == "200 OK"


def test_json_logs_carry_the_request_id(tmp_path):
    script = ("import logging, django; django.setup();"
              "from geoserver_app.ops import observe;"
              "app = observe.observe(lambda e, s: (logging.getLogger('x').warning('bonjour'),"
              " s('200 OK', []), [b''])[2]);"
              "list(app({'PATH_INFO': '/', 'HTTP_X_REQUEST_ID': 'req-42'}, lambda *a: None))")
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "geoserver_app.settings",
           "BASEMAP_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert record["message"] == "bonjour"
    assert record["request_id"] == "req-42"
    assert record["levelname"] == "WARNING"


@pytest.mark.parametrize("path, route", [("/", "root"), ("/tiles/wmts", "tiles"),
                                         ("/admin/login/", "admin"), ("/docs/analysts", "docs"),
                                         ("/x.php", "other")])
def test_route_labels_are_bounded(path, route):
    assert observe.route_of(path) == route
