# SPDX-License-Identifier: MIT
"""Ingest pipelines: read → decode text → CRS → map fields → validate/repair → load → report.

``ingest.api.run_ingest`` is the entry point; the ``ingest`` command and the admin upload
page are thin shells over it.
"""
