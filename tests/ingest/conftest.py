# SPDX-License-Identifier: MIT
"""Fixtures of the ingest tests: source files generated here, never downloaded."""
from __future__ import annotations

import pytest

from ingest.encoding import Codecs


@pytest.fixture
def codecs() -> Codecs:
    return Codecs()
