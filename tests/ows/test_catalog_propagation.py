# SPDX-License-Identifier: MIT
"""The WFS and GetFeatureInfo follow a catalog change within 2 seconds, no restart."""
from __future__ import annotations

import time

import pytest
import requests
from django.db import connection, transaction

from layers import catalog_edit
from tests.ogcapi.test_catalog_propagation import database_url

WORKERS = 2
CAPABILITIES = "/wfs?SERVICE=WFS&REQUEST=GetCapabilities&VERSION=2.0.0"
HITS = "/wfs?SERVICE=WFS&REQUEST=GetFeature&TYPENAMES=mineral_sites&RESULTTYPE=hits"


def seconds_until(base: str, published: bool, since: float) -> float:
    """Seconds until every worker lists (or no longer lists) the mineral sites."""
    while time.monotonic() - since < 10:
        answers = [requests.get(base + CAPABILITIES, timeout=30).text for _ in range(2 * WORKERS)]
        if all(("basemap:mineral_sites" in text) == published for text in answers):
            return time.monotonic() - since
        time.sleep(0.05)
    raise AssertionError("the WFS still disagrees with the catalog 10 s after the change")


def set_access(access: str) -> float:
    with transaction.atomic():
        catalog_edit.update(connection, "mineral_sites", "user:test", access=access)
    return time.monotonic()


@pytest.mark.usefixtures("catalog_restored")
def test_a_layer_made_public_then_internal_follows_within_two_seconds(serve, tmp_path, town):
    base = serve({"DATABASE_URL": database_url(), "BASEMAP_VAR_DIR": str(tmp_path),
                  "BASEMAP_CATALOG_LISTENER": "1"}, workers=WORKERS)
    assert requests.get(base + HITS, timeout=30).status_code == 400
    assert seconds_until(base, True, set_access("public")) < 2.0
    hits = requests.get(base + HITS, timeout=30)
    assert 'numberMatched="1"' in hits.text
    assert seconds_until(base, False, set_access("internal")) < 2.0
    assert requests.get(base + HITS, timeout=30).status_code == 400
