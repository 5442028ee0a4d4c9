# SPDX-License-Identifier: MIT
"""Viewer fixtures: a database with the demo dataset, static files, a headless Chromium.

The demo database is a database of its own in the throwaway cluster (migrated, ``load_demo``,
dropped at the end), so the committed demo rows never meet other suites' test data. The
browser is Debian's ``chromium`` driven by Playwright (never ``playwright install``).
"""
from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg2
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from psycopg2 import sql

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 360, "height": 740}


def _connect(url: str, database: str | None = None):
    params = dj_database_url.parse(url)
    return psycopg2.connect(host=params["HOST"], port=params["PORT"], user=params["USER"],
                            password=params["PASSWORD"], dbname=database or params["NAME"])


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-2000:]}"


@dataclass
class DemoSite:
    """Environment of a server over the demo database, and a way to query that database."""

    env: dict[str, str]
    url: str

    def rows(self, statement: str, params: tuple = ()) -> list[tuple]:
        with _connect(self.url) as conn, conn.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoSite]:
    """A migrated database with the demo data, and collected static files (for gunicorn)."""
    base = os.environ["DATABASE_URL"]
    name = f"viewer_demo_{secrets.token_hex(4)}"
    admin = _connect(base)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    var_dir = Path(tempfile.mkdtemp(prefix="viewer-var-"))
    env = {**os.environ, "DATABASE_URL": url, "BASEMAP_VAR_DIR": str(var_dir)}
    try:
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "load_demo")
        _manage(env, "collectstatic", "--noinput", "-v0")
        yield DemoSite({"DATABASE_URL": url, "BASEMAP_VAR_DIR": str(var_dir)}, url)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                           .format(sql.Identifier(name)))
        admin.close()
        shutil.rmtree(var_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page and what it did: every request URL, console errors, uncaught exceptions."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Watched]]:
    """Open a URL in a fresh browser context (viewport, geolocation) and watch it."""
    contexts = []

    def start(url: str, viewport: dict = DESKTOP, **context_options: object) -> Watched:
        context = browser.new_context(viewport=viewport, accept_downloads=True,
                                      **context_options)
        contexts.append(context)
        page = context.new_page()
        watched = Watched(page)
        page.on("request", lambda request: watched.requests.append(request.url))
        page.on("console", lambda message: message.type == "error"
                and watched.errors.append(message.text))
        page.on("pageerror", lambda error: watched.errors.append(str(error)))
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=30000)
        return watched

    yield start
    for context in contexts:
        context.close()


def wait_until(page: Page, script: str, timeout: float = 30.0) -> object:
    """Poll a script (CDP evaluation, allowed by the page's CSP) until it returns truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = page.evaluate(script)
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{script} stayed falsy for {timeout} s")


def tiles_loaded(page: Page) -> None:
    wait_until(page, "window.basemapViewer.map.areTilesLoaded()")


@pytest.fixture
def screenshots(tmp_path) -> Callable[[Page, str], Path]:
    """Save a screenshot under the test's tmp dir and copy it to /tmp/viewer-NAME.png."""

    def save(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path))
        shutil.copy(path, f"/tmp/viewer-{name}.png")
        return path

    return save
