# SPDX-License-Identifier: MIT
"""The import layering of ``.importlinter`` holds, and ``lint-imports`` fails when it breaks.

Each violation is made in a copy of the source tree (no database, no Django set-up), so the
test proves the lint step catches a new cycle or a layering violation, not only that today's
tree passes.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

pytest.importorskip("importlinter", reason="import-linter is a lint tool (test requirements)")

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("geoserver_app", "ingest", "analysis", "layers")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
# (file to write or extend, code, the contract it breaks)
VIOLATIONS = {
    "catalog imports a service": (
        "layers/registry_view.py", "from geoserver_app.ogcapi import apis\n",
        "Project: geoserver_app > ingest | analysis > layers BROKEN"),
    "pipeline imports the project": (
        "analysis/grant_lookup.py", "from geoserver_app.security import access\n",
        "Project: geoserver_app > ingest | analysis > layers BROKEN"),
    "service imports the wiring": (
        "geoserver_app/tiles/routes.py", "from geoserver_app import urls\n",
        "geoserver_app: wiring > services > project base BROKEN"),
    "two services import each other": (
        "geoserver_app/tiles/features.py", "from geoserver_app.ogcapi import fastpath\n",
        "geoserver_app: wiring > services > project base BROKEN"),
    "a module with no layer": (
        "geoserver_app/helpers.py", "import os\n",
        "geoserver_app: wiring > services > project base BROKEN"),
    "a cycle dodged by a function-local import": (
        "geoserver_app/ogcapi/apis.py",
        "\n\ndef _late():\n    from geoserver_app.ogcapi import dispatch\n\n    return dispatch\n",
        "No import cycles between sibling modules or packages, at any depth BROKEN"),
    "the catalog's core imports Django": (
        "layers/grants.py", "from django.http import HttpRequest  # noqa: F401\n",
        "The catalog's core (registry, grants, VN-2000, SQL) imports no Django BROKEN"),
}


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` with the repository's contracts over the packages found in ``tree``."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(ROOT / ".importlinter"),
                           "--no-cache"], cwd=tree, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def source_copy(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(ROOT / package, target / package,
                        ignore=shutil.ignore_patterns("*.pyc", "__pycache__", "static",
                                                      "templates", "locale"))
    return target


def test_the_tree_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize("case", sorted(VIOLATIONS))
def test_a_violation_fails_the_lint(case, tmp_path):
    relative, code, broken = VIOLATIONS[case]
    tree = source_copy(tmp_path)
    with (tree / relative).open("a") as module:
        module.write(code)
    result = lint_imports(tree)
    assert result.returncode != 0, result.stdout
    assert broken in result.stdout
