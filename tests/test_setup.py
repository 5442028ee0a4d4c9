# SPDX-License-Identifier: MIT
"""scripts/setup.sh: idempotent, finds Python >= 3.12 by itself, says what to install."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
SETUP = ROOT / "scripts" / "setup.sh"


def bash(script: str, env: dict[str, str], user: str | None = None) -> subprocess.CompletedProcess:
    command = [shutil.which("bash"), "-c", script]
    if user:
        command = [shutil.which("runuser"), "-u", user, "--", *command]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def tools_only(parent: Path, tools: tuple[str, ...] = ("ls", "sort")) -> str:
    """A PATH with just these tools (and so no python, gdal, mapserv or psql)."""
    bindir = parent / "bin"
    bindir.mkdir(exist_ok=True)
    for tool in tools:
        os.symlink(shutil.which(tool), bindir / tool)
    return str(bindir)


def test_second_run_changes_nothing():
    """make test already ran set-up: another run reuses the venv and installs nothing."""
    stamp = ROOT / ".venv" / ".requirements.sha256"
    before = stamp.stat().st_mtime_ns
    result = subprocess.run([str(SETUP)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "setup: Debian packages: all present (PostgreSQL 15 + PostGIS, GDAL, MapServer)",
        f"setup: virtualenv .venv: reused (Python {sys.version.split()[0]})",
        "setup: Python packages: up to date with requirements.txt",
        "setup: npm packages: up to date with package-lock.json",
        "setup: translations: up to date",
        "setup: ready",
    ]
    assert stamp.stat().st_mtime_ns == before


def test_dev_run_adds_the_test_tools_and_keeps_them():
    """make test ran `setup.sh --dev`: again, it installs nothing; a plain run keeps them."""
    stamps = [ROOT / ".venv" / ".requirements-dev.sha256",
              ROOT / "node_modules" / ".package-lock.sha256"]
    before = [stamp.stat().st_mtime_ns for stamp in stamps]
    for args in (["--dev"], []):
        result = subprocess.run([str(SETUP), *args], cwd=ROOT, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stderr
        assert "setup: npm packages: up to date with package-lock.json" in result.stdout
    assert "setup: Python packages: up to date with requirements-dev.txt" in subprocess.run(
        [str(SETUP), "--dev"], cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    assert [stamp.stat().st_mtime_ns for stamp in stamps] == before
    assert stamps[1].read_text().split()[1] == "dev"  # eslint is still there for make lint


def test_finds_python_in_pyenv_versions(tmp_path):
    """With no suitable python on PATH, pyenv's newest installed >= 3.12 is chosen."""
    versions = tmp_path / "pyenv" / "versions"
    for version in ("3.11.7", "3.12.1"):
        (versions / version / "bin").mkdir(parents=True)
    os.symlink(sys.executable, versions / "3.12.1" / "bin" / "python3")
    os.symlink(shutil.which("false"), versions / "3.11.7" / "bin" / "python3")
    script = f"source {SETUP}; find_python"
    result = bash(script, {"PATH": tools_only(tmp_path), "PYENV_ROOT": str(tmp_path / "pyenv"),
                           "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(versions / "3.12.1" / "bin" / "python3")


def test_no_python_is_a_clear_error(tmp_path):
    script = f"source {SETUP}; find_python || echo none"
    result = bash(script, {"PATH": tools_only(tmp_path), "HOME": str(tmp_path),
                           "PYENV_ROOT": str(tmp_path / "nothing")})
    assert result.stdout.strip() == "none"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to switch to an unprivileged user")
def test_missing_packages_without_root_print_the_install_line():
    """As a normal user with gdal/mapserv/psql out of reach, set-up stops and says what to run."""
    home = Path(tempfile.mkdtemp(prefix="basemap-setup-"))  # readable by 'nobody'
    home.chmod(0o755)
    try:
        path = tools_only(home, ("bash", "tr", "dirname"))
        result = bash(f"{SETUP} --system", {"PATH": path, "HOME": str(home)}, user="nobody")
    finally:
        shutil.rmtree(home)
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "setup: error: missing Debian packages: postgresql-client gdal-bin libgdal-dev "
        "mapserver-bin nodejs npm gettext chromium curl jq. Install them with:",
        "    sudo apt-get update && sudo apt-get install -y postgresql-client gdal-bin "
        "libgdal-dev mapserver-bin nodejs npm gettext chromium curl jq",
    ]
