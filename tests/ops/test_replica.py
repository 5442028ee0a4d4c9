# SPDX-License-Identifier: MIT
"""A hot standby on a second port: reads are routed to it, writes to the primary."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from geoserver_app.ops.cluster import free_port

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, time, django
django.setup()
from django.contrib.gis.geos import LineString, MultiLineString
from django.db import connections, transaction
from layers.models import Road
line = MultiLineString(LineString((440000, 2350000), (441000, 2350000), srid=9214), srid=9214)
road = Road.objects.create(code="QL31", name="Quốc lộ 31", road_class="national", geom=line)
deadline = time.monotonic() + 20
while not Road.objects.filter(code="QL31").exists() and time.monotonic() < deadline:
    time.sleep(0.1)
seen_on_replica = Road.objects.using("replica").filter(code="QL31").count()
with transaction.atomic():
    inside_transaction = Road.objects.all().db
try:
    with connections["replica"].cursor() as cursor:
        cursor.execute("DELETE FROM roads")
    replica_write = "allowed"
except Exception as exc:
    replica_write = type(exc).__name__ + ": " + str(exc).splitlines()[0]
print(json.dumps({"read_db": Road.objects.all().db,
                  "seen_on_replica": seen_on_replica, "inside_transaction": inside_transaction,
                  "replica_write": replica_write}))
"""


def test_reads_go_to_the_standby_and_writes_to_the_primary(spare_cluster, tmp_path):
    env = {**os.environ, "DATABASE_URL": spare_cluster.url, "BASEMAP_VAR_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    standby_dir = spare_cluster.datadir.parent / "standby"
    standby = spare_cluster.standby(standby_dir, free_port())
    try:
        assert standby.psql("basemap", "SELECT pg_is_in_recovery()").strip() == "t"
        env["DATABASE_REPLICA_URL"] = standby.url
        result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outcome = json.loads(result.stdout.strip().splitlines()[-1])
        assert outcome["read_db"] == "replica"
        assert outcome["seen_on_replica"] == 1
        assert outcome["inside_transaction"] == "default"
        assert outcome["replica_write"].startswith("InternalError: cannot execute DELETE in a "
                                                   "read-only transaction")
        assert spare_cluster.psql("basemap", "SELECT count(*) FROM roads").strip() == "1"
    finally:
        standby.stop()
