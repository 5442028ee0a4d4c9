# SPDX-License-Identifier: MIT
"""A publish killed with SIGKILL in the middle of its load leaves nothing behind."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyogrio
import pytest
import shapely

from tests.publish.conftest import catalog_rows, relation_exists
from tests.support.ingest_sources import ORIGIN, ROOT, database_url, fetch

pytestmark = pytest.mark.django_db(transaction=True)
COUNT = 300_000


def many_schools(path):
    index = np.arange(COUNT)
    x, y = ORIGIN[0] + (index % 1000) * 10.0, ORIGIN[1] + (index // 1000) * 10.0
    table = pa.table({"Ten": pa.array([f"Trường {i}" for i in index]),
                      "SoHS": pa.array(index),
                      "geometry": pa.array(shapely.to_wkb(shapely.points(x, y)), pa.binary())})
    pyogrio.write_arrow(table, path, geometry_name="geometry", geometry_type="Point",
                        crs="EPSG:9214")
    return path


def loading() -> bool:
    """The publish is COPYing rows into its table (which exists, uncommitted)."""
    return fetch("SELECT count(*) FROM pg_stat_progress_copy WHERE tuples_processed > 0"
                 )[0][0] > 0


def test_sigkill_mid_load_leaves_no_table_row_or_staging(tmp_path):
    source = many_schools(tmp_path / "nhieu.gpkg")
    folders = set(Path(tempfile.gettempdir()).glob("publish-*"))
    audit = catalog_rows("nhieu_truong")[1]
    proc = subprocess.Popen([sys.executable, "manage.py", "publish", str(source), "--id",
                             "nhieu_truong", "--title-vi", "Nhiều trường"], cwd=ROOT,
                            env={**os.environ, "DATABASE_URL": database_url()},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not loading() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the publish finished before it could be killed"
    time.sleep(0.3)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    while loading() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server notices the dead client and rolls its transaction back
    assert not loading()
    assert not relation_exists("nhieu_truong")
    assert catalog_rows("nhieu_truong") == (0, audit)
    staging = fetch("SELECT count(*) FROM pg_tables WHERE tablename LIKE %s",
                    [r"ingest\_stage\_%"])
    assert staging == [(0,)]
    assert set(Path(tempfile.gettempdir()).glob("publish-*")) == folders
    assert fetch("SELECT count(*) FROM ingest_batches WHERE layer = 'nhieu_truong'") == [(0,)]
