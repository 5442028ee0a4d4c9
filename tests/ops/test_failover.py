# SPDX-License-Identifier: MIT
"""The high-availability recipe on loopback (``make cluster-up``): a failover drill under a
steady mix of reads and edits, then a rolling restart of the app nodes.

Three PostgreSQL nodes under Patroni over a three-member etcd, HAProxy, two app nodes sharing
one tile cache. The drill kills the leader's machine (Patroni and PostgreSQL, SIGKILL), then
the new leader's etcd member, then an app node (tests/support/drill.py).
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from geoserver_app.ops import ha
from tests.support import drill
from tests.support.servers import ROOT

pytestmark = pytest.mark.skipif(not all(shutil.which(tool) for tool in ("etcd", "haproxy")),
                                reason="scripts/setup.sh installs patroni, etcd and haproxy")


@pytest.fixture(scope="module")
def lab() -> Iterator[ha.Lab]:
    # not under pytest's tmp_path: its parent is private to root, and Patroni runs as postgres
    root = Path(tempfile.mkdtemp(prefix="basemap-ha-"))
    root.chmod(0o755)
    lab = ha.Lab(root)
    try:
        lab.up()
        yield lab
    finally:
        lab.down()
        # the logs outlive the cluster, for a failed run (var/ha-test-logs, replaced each run)
        kept = Path(os.environ.get("BASEMAP_VAR_DIR", ROOT / "var")) / "ha-test-logs"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(root / "logs", kept, dirs_exist_ok=True)
        shutil.rmtree(root, ignore_errors=True)


def test_cluster_up_prints_the_app_and_node_lines(lab):
    lines = lab.summary()
    assert [line.split(": ", 1)[0] for line in lines] == [
        "app", "app", "web", "node", "node", "node", "primary"]
    members = lab.members()
    assert sorted(members) == list(ha.NODES)
    assert [m["role"] for m in members.values()].count("leader") == 1
    # synchronous replication: one standby confirms every commit
    assert [m["role"] for m in members.values()].count("sync_standby") == 1
    assert requests.get(lab.web_url() + "healthz", timeout=30).json()["database"] == "up"


def test_a_failover_loses_no_acknowledged_edit_and_fails_no_read(lab):
    result = drill.run(lab)
    print("\n".join(result.lines()))
    assert result.new_leader != result.old_leader
    assert result.acknowledged > 20
    assert result.lost == []
    assert result.duplicated == []
    assert result.reads_failed_after_kill == 0
    # each write either succeeded, or was told 503 (or lost its connection with the app node
    # that was killed under it): never a 4xx or a 500
    assert result.writes_failed_unexpectedly == []
    assert not result.stale_tile
    assert result.write_recovery_s < 60  # 17-23 s on a quiet machine (docs/operations.md)


def test_metrics_name_the_primary_and_the_standbys_lag(lab):
    lab.up()  # the drill's victims come back (the old leader rejoins as a replica)
    body = requests.get(lab.app_url("app2") + "metrics", timeout=30).text
    leader_port = lab.ports.postgres[lab.leader()]
    assert f'basemap_db_primary{{server="127.0.0.1:{leader_port}"}} 1.0' in body
    assert body.count("basemap_replication_lag_bytes{") == 2


def test_a_rolling_restart_of_the_app_nodes_fails_no_request(lab):
    lab.up()
    load = drill.Load(lab.web_url().rstrip("/"), drill.token_for(lab), readers=10, writers=3)
    load.start()
    try:
        for app in ha.APPS:
            time.sleep(3)
            lab.restart_app(app)  # drained in HAProxy, stopped, started, back
    finally:
        load.stop()
    failed = [(o.kind, o.status, o.detail) for o in load.outcomes if o.status not in (200, 201)]
    assert failed == []
    assert sum(1 for o in load.outcomes if o.kind == "write") > 5
