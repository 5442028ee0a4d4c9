# SPDX-License-Identifier: MIT
"""QGIS tests use the viewer's demo database (every layer, a base map to draw)."""
