# SPDX-License-Identifier: MIT
"""The developers' guide examples (docs/examples) run against a live server on the demo data,
and print exactly what the guide shows (NAME.out beside each example)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.guides import EXAMPLES, RUNNERS, example_page, run_example
from tests.support.servers import ROOT

SCRIPTS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in RUNNERS)
BROWSER = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".js", ".mjs"))


@pytest.fixture(scope="module")
def token(demo_site) -> str:
    """A token that reads the parcels' sensitive attributes, as the guide's example asks."""
    result = subprocess.run(
        [sys.executable, "manage.py", "apitoken", "create", "docs-examples",
         "--layers", "land_parcels", "--sensitive"],
        cwd=ROOT, env={**os.environ, **demo_site.env}, capture_output=True,
        text=True, timeout=120, check=True)
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("example", SCRIPTS, ids=lambda p: p.name)
def test_example_prints_what_the_guide_shows(example: Path, docs_site, token, tmp_path):
    result = run_example(example, docs_site, token, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""
    assert result.stdout == example.with_suffix(".out").read_text(encoding="utf-8")


@pytest.mark.parametrize("example", BROWSER, ids=lambda p: p.name)
def test_map_example_draws_in_a_browser(example: Path, browser, docs_site):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    messages: list[str] = []
    errors: list[str] = []
    page.on("console", lambda message: messages.append(message.text)
            if message.type == "log" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    url = f"{docs_site}/example-{example.stem}.html"  # served from the map server's origin
    page.route(url, lambda route: route.fulfill(content_type="text/html; charset=utf-8",
                                                body=example_page(example)))
    page.goto(url)
    expected = example.with_suffix(".out").read_text(encoding="utf-8").strip()
    deadline = time.monotonic() + 60
    while expected not in messages and not errors and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    context.close()
    assert errors == []
    assert expected in messages, messages
