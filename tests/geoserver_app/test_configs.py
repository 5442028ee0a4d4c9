# SPDX-License-Identifier: MIT
"""Committed generated files match the registry (render_configs --check)."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from geoserver_app import config_files
from geoserver_app.generated import GeneratedFile

pytestmark = pytest.mark.unit


def test_committed_generated_files_are_current():
    call_command("render_configs", "--check")


def test_check_names_a_stale_file(monkeypatch, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    (tmp_path / "x.yml").write_text("old\n")
    monkeypatch.setattr(config_files, "generated_files",
                        lambda: [GeneratedFile("x.yml", lambda: "new\n")])
    with pytest.raises(CommandError, match="stale generated files: x.yml"):
        call_command("render_configs", "--check")
    call_command("render_configs")
    assert (tmp_path / "x.yml").read_text() == "new\n"
    call_command("render_configs", "--check")
