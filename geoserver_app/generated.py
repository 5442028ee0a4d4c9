# SPDX-License-Identifier: MIT
"""A file generated from the layer registry and committed (``render_configs`` writes it).

The services (``tiles``, ``ogcapi``) describe their generated files with this type;
``geoserver_app.config_files`` lists them all.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


@dataclass(frozen=True)
class GeneratedFile:
    path: str
    render: Callable[[], str]

    @property
    def absolute(self) -> Path:
        return Path(settings.BASE_DIR) / self.path

    def stale(self) -> bool:
        return not self.absolute.exists() or self.absolute.read_text() != self.render()

    def write(self) -> None:
        self.absolute.parent.mkdir(parents=True, exist_ok=True)
        self.absolute.write_text(self.render())
