# SPDX-License-Identifier: MIT
"""Fixtures of the ingest tests (their source files: tests/support/ingest_sources.py)."""
from __future__ import annotations

import pytest

from ingest.encoding import Codecs


@pytest.fixture
def codecs() -> Codecs:
    return Codecs()
