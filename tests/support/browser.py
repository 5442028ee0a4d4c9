# SPDX-License-Identifier: MIT
"""Viewer test helpers: Debian's Chromium, viewports, a watched page, the demo database."""
from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dj_database_url
import psycopg2
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 360, "height": 740}


def connect(url: str, database: str | None = None):
    params = dj_database_url.parse(url)
    return psycopg2.connect(host=params["HOST"], port=params["PORT"], user=params["USER"],
                            password=params["PASSWORD"], dbname=database or params["NAME"])


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"manage.py {' '.join(args)}: {result.stderr[-2000:]}"


@dataclass
class DemoSite:
    """Environment of a server over the demo database, and a way to query that database."""

    env: dict[str, str]
    url: str

    def rows(self, statement: str, params: tuple = ()) -> list[tuple]:
        with connect(self.url) as conn, conn.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()


@dataclass
class Watched:
    """A page and what it did: every request URL, console errors, uncaught exceptions."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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


@contextlib.contextmanager
def admin_page(base: str, blocked: list[str], username: str = "lan",
               password: str = "mật-khẩu-thử") -> Iterator[Page]:
    """Debian's Chromium logged in to the admin at ``base``; every request off this host is
    refused and its URL appended to ``blocked`` (the admin must not need the internet)."""

    def route(route) -> None:
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.route("**/*", route)
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        try:
            yield page
        finally:
            browser.close()
