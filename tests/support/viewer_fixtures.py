# SPDX-License-Identifier: MIT
"""Browser fixtures: a database with the demo dataset, static files, a headless Chromium.

Registered once for the whole suite (``pytest_plugins`` in tests/conftest.py): the viewer,
guide and QGIS tests share one demo database and one Playwright (two sync Playwrights in one
process fail with "using Playwright Sync API inside the asyncio loop").

The demo database is a database of its own in the throwaway cluster (migrated, ``load_demo``,
dropped at the end), so the committed demo rows never meet other suites' test data. The
browser is Debian's ``chromium`` driven by Playwright (never ``playwright install``).
"""
from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from psycopg2 import sql

from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    DemoSite,
    Watched,
    connect,
    manage,
)


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoSite]:
    """A migrated database with the demo data, and collected static files (for gunicorn)."""
    base = os.environ["DATABASE_URL"]
    name = f"viewer_demo_{secrets.token_hex(4)}"
    admin = connect(base)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    var_dir = Path(tempfile.mkdtemp(prefix="viewer-var-"))
    env = {**os.environ, "DATABASE_URL": url, "BASEMAP_VAR_DIR": str(var_dir)}
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        manage(env, "collectstatic", "--noinput", "-v0")
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


@pytest.fixture
def screenshots(tmp_path) -> Callable[[Page, str], Path]:
    """Save a screenshot under the test's tmp dir and copy it to /tmp/viewer-NAME.png."""

    def save(page: Page, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        page.screenshot(path=str(path))
        shutil.copy(path, f"/tmp/viewer-{name}.png")
        return path

    return save
