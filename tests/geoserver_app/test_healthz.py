# SPDX-License-Identifier: MIT
"""/healthz really queries the database: 200 when up, 503 when down, and recovers."""
from __future__ import annotations

import time

import pytest
import requests


@pytest.mark.django_db
def test_healthz_up_reports_postgis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "up"
    assert body["postgis"].startswith("3.")
    assert response["Cache-Control"] == "no-store"


def test_healthz_down_then_recovers(spare_cluster, serve, tmp_path):
    base = serve({"DATABASE_URL": spare_cluster.url, "BASEMAP_VAR_DIR": str(tmp_path)})
    assert requests.get(base + "/healthz", timeout=10).status_code == 200

    spare_cluster.stop()
    down = requests.get(base + "/healthz", timeout=10)
    assert down.status_code == 503
    assert down.json() == {"status": "unavailable", "database": "down"}
    assert down.headers["Retry-After"] == "5"

    spare_cluster.start()
    deadline = time.monotonic() + 5
    status = None
    while time.monotonic() < deadline and status != 200:
        status = requests.get(base + "/healthz", timeout=10).status_code
    assert status == 200


def test_healthz_nothing_listening_is_503(serve, tmp_path):
    from geoserver_app.ops.cluster import free_port

    url = f"postgis://basemap:x@127.0.0.1:{free_port()}/basemap"
    # gunicorn is up even though the database never was; pages that need it say 503
    base = serve({"DATABASE_URL": url, "BASEMAP_VAR_DIR": str(tmp_path)})
    response = requests.get(base + "/healthz", timeout=10)
    assert response.status_code == 503
    home = requests.get(base + "/", timeout=10)
    assert home.status_code == 503
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in home.json()["description"]
