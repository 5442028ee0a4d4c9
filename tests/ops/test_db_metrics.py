# SPDX-License-Identifier: MIT
"""/metrics names the server the app writes to and each standby's lag (a single server: no
standby series); a database that does not answer is basemap_db_up 0, never an error."""
from __future__ import annotations

import pytest
from django.db import connection

from geoserver_app.ops import observe

pytestmark = pytest.mark.django_db


def test_a_single_server_is_the_primary_with_no_standby():
    text = observe._database_metrics().decode()
    port = connection.settings_dict["PORT"]
    assert "basemap_db_up 1.0" in text
    assert f'basemap_db_primary{{server="127.0.0.1:{port}"}} 1.0' in text
    assert "basemap_replication_lag_bytes{" not in text


def test_an_unreachable_database_is_reported_as_down(monkeypatch):
    def refuse(*args, **kwargs):
        from django.db import OperationalError
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    text = observe._database_metrics().decode()
    assert "basemap_db_up 0.0" in text
    assert "basemap_db_primary{" not in text
