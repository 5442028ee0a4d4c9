# SPDX-License-Identifier: MIT
"""PostgreSQL settings for millions of parcels, sized from the machine (ops/cluster.py)."""
from __future__ import annotations

import pytest

from geoserver_app.ops.cluster import tuning

pytestmark = pytest.mark.unit

GB = 1 << 30


def test_a_24_gb_two_core_machine():
    settings = tuning(24 * GB, 2)
    assert (settings["shared_buffers"], settings["effective_cache_size"],
            settings["work_mem"], settings["maintenance_work_mem"],
            settings["max_parallel_workers_per_gather"]) == (
        "3686MB", "12288MB", "64MB", "1024MB", "1")


def test_small_and_large_machines_stay_within_bounds():
    small, large = tuning(1 * GB, 1), tuning(512 * GB, 64)
    assert (small["shared_buffers"], small["work_mem"], small["maintenance_work_mem"]) == (
        "153MB", "4MB", "64MB")
    assert (large["shared_buffers"], large["effective_cache_size"],
            large["max_parallel_workers_per_gather"]) == ("8192MB", "65536MB", "32")
