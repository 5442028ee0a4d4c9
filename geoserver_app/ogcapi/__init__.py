# SPDX-License-Identifier: MIT
"""OGC API (pygeoapi) glue: per-grant API objects, fast PostGIS providers, transactions."""
