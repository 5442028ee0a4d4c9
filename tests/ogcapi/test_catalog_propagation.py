# SPDX-License-Identifier: MIT
"""A catalog change reaches every worker of a running server within 2 seconds, no restart."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection, transaction

from layers import catalog_edit

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 4
MINERALS = "/ogcapi/collections/mineral_sites?f=json"


def database_url() -> str:
    s = connection.settings_dict
    return f"postgis://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def statuses(base: str, rounds: int = 3) -> set[int]:
    """The statuses of 2 x WORKERS simultaneous requests, ``rounds`` times (every worker busy)."""
    with ThreadPoolExecutor(2 * WORKERS) as pool:
        return {status for _ in range(rounds) for status in pool.map(
            lambda _: requests.get(base + MINERALS, timeout=30).status_code,
            range(2 * WORKERS))}


def set_access(access: str) -> float:
    with transaction.atomic():
        catalog_edit.update(connection, "mineral_sites", "user:test", access=access)
    return time.monotonic()


def seconds_until(base: str, wanted: int, since: float) -> float:
    while time.monotonic() - since < 10:
        if statuses(base) == {wanted}:
            return time.monotonic() - since
        time.sleep(0.05)
    raise AssertionError(f"workers still disagree 10 s after the change: {statuses(base)}")


def test_every_worker_sees_a_change_within_two_seconds(serve, tmp_path):
    base = serve({"DATABASE_URL": database_url(), "BASEMAP_VAR_DIR": str(tmp_path),
                  "BASEMAP_CATALOG_LISTENER": "1"}, workers=WORKERS)
    assert statuses(base) == {404}  # internal: anonymous clients do not see it
    try:
        assert seconds_until(base, 200, set_access("public")) < 2.0
        assert seconds_until(base, 404, set_access("internal")) < 2.0
    finally:
        set_access("internal")
