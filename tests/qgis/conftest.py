# SPDX-License-Identifier: MIT
"""QGIS tests use the viewer's demo database (every layer, a base map to draw)."""
from tests.viewer.conftest import demo_site  # noqa: F401 (a fixture)
