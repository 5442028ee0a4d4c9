# SPDX-License-Identifier: MIT
"""Settings come from the environment (12-factor), with safe defaults."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({"debug": settings.DEBUG, "hosts": settings.ALLOWED_HOSTS,
                  "key": settings.SECRET_KEY, "language": settings.LANGUAGE_CODE,
                  "languages": [c for c, _ in settings.LANGUAGES], "tz": settings.TIME_ZONE,
                  "engine": db["ENGINE"], "host": db["HOST"], "port": db["PORT"],
                  "name": db["NAME"], "user": db["USER"]}))
"""


def read_settings(tmp_path: Path, **env: str) -> dict:
    """Import the settings in a fresh interpreter with exactly ``env`` on top of a bare one."""
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "geoserver_app.settings",
            "BASEMAP_VAR_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env={**base, **env},
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def test_defaults_are_safe_and_vietnamese(tmp_path):
    values = read_settings(tmp_path)
    assert values["debug"] is False
    assert values["hosts"] == ["127.0.0.1", "localhost"]
    assert values["language"] == "vi"
    assert values["languages"] == ["vi", "en"]
    assert values["tz"] == "UTC"
    # no DATABASE_URL: the embedded cluster on 127.0.0.1:5433
    assert (values["host"], values["port"], values["name"], values["user"]) == (
        "127.0.0.1", 5433, "basemap", "basemap")
    assert values["engine"] == "django.contrib.gis.db.backends.postgis"


def test_secret_key_generated_once_into_var(tmp_path):
    first = read_settings(tmp_path)["key"]
    second = read_settings(tmp_path)["key"]
    assert first == second
    assert len(first) >= 50
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert key_file.stat().st_mode & 0o777 == 0o600


def test_environment_overrides(tmp_path):
    values = read_settings(tmp_path, DEBUG="true", SECRET_KEY="from-env",
                           ALLOWED_HOSTS="gis.bacninh.gov.vn, 10.0.0.5",
                           DATABASE_URL="postgis://u:p@db.internal:6543/sdi")
    assert values["debug"] is True
    assert values["key"] == "from-env"
    assert values["hosts"] == ["gis.bacninh.gov.vn", "10.0.0.5"]
    assert (values["host"], values["port"], values["name"], values["user"]) == (
        "db.internal", 6543, "sdi", "u")
    assert not (tmp_path / "secret_key").exists()


def test_pgport_moves_the_embedded_cluster(tmp_path):
    assert read_settings(tmp_path, PGPORT="5544")["port"] == 5544
