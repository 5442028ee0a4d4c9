# SPDX-License-Identifier: MIT
"""The analysts' admin: feature editing on a map, history, ingest batches, dashboard."""
