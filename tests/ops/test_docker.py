# SPDX-License-Identifier: MIT
"""docker/ stays consistent with the set-up the Makefile uses (it cannot be built here)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "docker" / "Dockerfile").read_text()
# packages that belong to the database image or only to development/test machines
# (nginx: its own image, docker/compose.yaml; curl and jq run the developers' guide examples;
# patroni, etcd and haproxy: the database and proxy machines of deploy/ha;
# python3-qgis: the QGIS client tests)
NOT_IN_APP_IMAGE = {"postgresql", "postgresql-postgis", "chromium", "slapd", "ldap-utils",
                    "nginx-light", "curl", "jq", "patroni", "etcd-server", "haproxy",
                    "python3-qgis"}
# test, lint and browser-test tools: requirements-dev.txt, never the image
TEST_TOOLS = {"pytest", "pytest-django", "hypothesis", "schemathesis", "playwright", "owslib",
              "ruff", "import-linter"}


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


def pinned(name: str) -> dict[str, str]:
    """The packages a requirements file lists itself: {lower-case name: exact version}."""
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-r "):
            package, _, version = line.partition("==")
            assert version, f"{name}: {line} is not pinned exactly"
            pins[package.lower()] = version
    return pins


def test_image_ships_no_test_tools():
    runtime, dev = pinned("requirements.txt"), pinned("requirements-dev.txt")
    assert not TEST_TOOLS & set(runtime)
    assert TEST_TOOLS <= set(dev)
    assert not set(runtime) & set(dev), "a package listed twice"
    assert (ROOT / "requirements-dev.txt").read_text().count("-r requirements.txt\n") == 1
    installs = "\n".join(line for line in DOCKERFILE.splitlines() if not line.startswith("#"))
    assert "requirements-dev" not in installs and "--dev" not in installs
    # npm: devDependencies (eslint) stay out; the build context leaves out local installs
    assert "source scripts/setup.sh && ensure_node_modules && compile_messages" in DOCKERFILE
    setup = (ROOT / "scripts" / "setup.sh").read_text()
    assert "npm ci --omit=dev" in setup
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "node_modules"} <= set(ignored)


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
    for step in ('DATABASE_REPLICA_URL="" ', "setup_step migrate --noinput -v0",
                 "setup_step collectstatic --noinput -v0", "setup_step fail_stale_jobs",
                 "geoserver_app.wsgi:application", "--no-control-socket"):
        assert step in entry and step in run
