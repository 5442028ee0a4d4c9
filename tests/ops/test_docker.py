# SPDX-License-Identifier: MIT
"""docker/ stays consistent with the set-up the Makefile uses (it cannot be built here)."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
# packages that belong to the database image or only to development/test machines
NOT_IN_APP_IMAGE = {"postgresql", "postgresql-postgis", "chromium", "slapd", "ldap-utils"}


def setup_packages() -> set[str]:
    """Every Debian package scripts/setup.sh may install."""
    text = (ROOT / "scripts" / "setup.sh").read_text()
    names = set()
    for group in re.findall(r"missing\+=\(([^)]*)\)", text):
        names |= {n.strip('"') for n in group.split() if not n.startswith('"postgresql-$')}
    return names


def dockerfile_apt_packages() -> set[str]:
    install = re.search(r"apt-get install -y --no-install-recommends \\\n(.*?)\n \&\&",
                        DOCKERFILE, re.S)
    return set(install.group(1).split()) - {"\\"}


def test_app_image_installs_what_setup_installs():
    wanted = setup_packages() - NOT_IN_APP_IMAGE
    assert wanted <= dockerfile_apt_packages()
    assert "mapserver-bin" in wanted and "gdal-bin" in wanted


def test_app_image_uses_the_pinned_requirements_and_python_312():
    assert "FROM python:3.12-slim-bookworm" in DOCKERFILE
    assert "COPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt" in DOCKERFILE
    assert "USER basemap" in DOCKERFILE and "HEALTHCHECK" in DOCKERFILE


def test_compose_wires_postgis_app_and_proxy():
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "app", "proxy"}
    assert services["db"]["image"].startswith("postgis/postgis:15-")
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    app_env = services["app"]["environment"]
    assert app_env["DATABASE_URL"].startswith("postgis://basemap:${POSTGRES_PASSWORD}@db:5432/")
    assert app_env["SECRET_KEY"] == "${SECRET_KEY:?set SECRET_KEY}"
    assert services["app"]["depends_on"]["db"]["condition"] == "service_healthy"


def test_entrypoint_runs_the_same_steps_as_make_run():
    entry = (ROOT / "docker" / "entrypoint.sh").read_text()
    run = (ROOT / "scripts" / "run.sh").read_text()
    for step in ("manage.py migrate --noinput -v0", "manage.py collectstatic --noinput -v0",
                 "geoserver_app.wsgi:application", "--no-control-socket"):
        assert step in entry and step in run
