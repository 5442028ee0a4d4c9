# SPDX-License-Identifier: MIT
"""CI runs lint as its own step before the suite; make lint runs every linter."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit
ROOT = Path(__file__).resolve().parent.parent


def recipe(target: str) -> list[str]:
    """The command lines of a Makefile target."""
    makefile = (ROOT / "Makefile").read_text()
    body = re.search(rf"^{target}:[^\n]*\n((?:\t[^\n]*\n)+)", makefile, re.M)
    return [line.strip().lstrip("@") for line in body.group(1).splitlines()]


def test_ci_runs_lint_then_the_whole_suite():
    steps = (ROOT / ".ci" / "run").read_text().splitlines()
    assert "set -euo pipefail" in steps
    assert [line for line in steps if line.startswith("make")] == ["make lint", "make test"]


def test_lint_runs_ruff_import_contracts_and_eslint():
    lines = recipe("lint")
    assert ".venv/bin/ruff check ." in lines
    assert "if [ -f .importlinter ]; then .venv/bin/lint-imports; fi" in lines
    assert "npx --no-install eslint --max-warnings 0" in lines
    config = (ROOT / "eslint.config.mjs").read_text()
    for path in ("geoserver_app/static/geoserver_app/viewer.mjs",
                 "geoserver_app/editor/static/editor/js/*.js", "geoserver_app/ogcapi/static/*.js",
                 "docs/examples/*.mjs", "docs/examples/*.js"):
        assert f'"{path}"' in config
    assert config.count("...js.configs.recommended") == 4


def test_unit_lane_starts_no_cluster():
    (line,) = recipe("test-unit")
    assert "pytest -m unit" in line and "with-throwaway" not in line
    assert "127.0.0.1:1/" in line  # a database address where nothing listens
