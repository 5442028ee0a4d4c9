# SPDX-License-Identifier: MIT
"""The WFS and GetFeatureInfo follow a catalog change within 2 seconds, no restart."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection, transaction

from layers import catalog_edit
from tests.ogcapi.test_catalog_propagation import database_url

WORKERS = 2
CAPABILITIES = "/wfs?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0"
HITS = "/wfs?SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=mineral_sites&RESULTTYPE=hits"


def statuses(base: str) -> set[int]:
    """The statuses of 2 x WORKERS simultaneous hits requests (every worker busy)."""
    with ThreadPoolExecutor(2 * WORKERS) as pool:
        return set(pool.map(lambda _: requests.get(base + HITS, timeout=30).status_code,
                            range(2 * WORKERS)))


def seconds_until(base: str, wanted: int, since: float) -> float:
    """Seconds from the change to the first round of requests that every worker answers with
    ``wanted`` (counted to the round's start: each request runs mapserv, which takes its
    time on a loaded machine, and is not what is measured)."""
    while time.monotonic() - since < 10:
        started = time.monotonic()
        if statuses(base) == {wanted}:
            return started - since
        time.sleep(0.05)
    raise AssertionError(f"the WFS still disagrees 10 s after the change: {statuses(base)}")


def set_access(access: str) -> float:
    with transaction.atomic():
        catalog_edit.update(connection, "mineral_sites", "user:test", access=access)
    return time.monotonic()


@pytest.mark.usefixtures("catalog_restored")
def test_a_layer_made_public_then_internal_follows_within_two_seconds(serve, tmp_path, town):
    base = serve({"DATABASE_URL": database_url(), "BASEMAP_VAR_DIR": str(tmp_path),
                  "BASEMAP_CATALOG_LISTENER": "1"}, workers=WORKERS)
    assert statuses(base) == {400}  # internal: unknown to anonymous callers
    assert seconds_until(base, 200, set_access("public")) < 2.0
    assert 'numberMatched="1"' in requests.get(base + HITS, timeout=30).text
    assert "basemap:mineral_sites" in requests.get(base + CAPABILITIES, timeout=30).text
    assert seconds_until(base, 400, set_access("internal")) < 2.0
    assert "basemap:mineral_sites" not in requests.get(base + CAPABILITIES, timeout=30).text
