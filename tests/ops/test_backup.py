# SPDX-License-Identifier: MIT
"""make backup / make restore round-trip: per-layer counts and geometry checksums come back."""
from __future__ import annotations

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from layers import registry

ROOT = Path(__file__).resolve().parents[2]
CHECKSUMS = " UNION ALL ".join(
    f"SELECT '{layer.id}', count(*), coalesce(md5(string_agg(ST_AsEWKB(geom)::text, ',' "
    f"ORDER BY id)), '-') FROM {layer.table}" for layer in registry.LAYERS)
SEED = """
INSERT INTO roads (code, name, road_class, surface, geom) VALUES
 ('QL1', 'Quốc lộ 1', 'national', 'bê tông nhựa',
  ST_Multi(ST_GeomFromText('LINESTRING(440000 2350000, 450000 2360000)', 9214))),
 ('ĐT293', 'Đường tỉnh 293', 'provincial', 'láng nhựa',
  ST_Multi(ST_GeomFromText('LINESTRING(445000 2352000, 470000 2351000)', 9214)));
INSERT INTO land_parcels (commune_code, sheet_no, parcel_no, land_use_code, area_m2, address,
  owner_name, owner_id_number, certificate_number, geom) VALUES
 ('07210', 12, 345, 'ONT', 400.0, 'Thôn Đông', 'Nguyễn Văn An', '024090001234', 'CS 123456',
  ST_Multi(ST_GeomFromText('POLYGON((440000 2350000,440020 2350000,440020 2350020,440000 2350020,440000 2350000))', 9214)));
"""


def manage(cluster, *args: str, var_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": cluster.url, "BASEMAP_VAR_DIR": str(var_dir)}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def checksums(cluster) -> str:
    return cluster.psql("basemap", CHECKSUMS)


def test_backup_then_restore_round_trips(spare_cluster, tmp_path):
    assert manage(spare_cluster, "migrate", "-v0", var_dir=tmp_path).returncode == 0
    spare_cluster.psql("basemap", SEED)
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / "uploads" / "so-do.txt").write_text("tờ 12")
    before = checksums(spare_cluster)

    result = manage(spare_cluster, "backup", "--dir", str(tmp_path / "backups"), var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    [archive] = list((tmp_path / "backups").glob("basemap-*.tar"))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "database.dump" in names and "media/uploads/so-do.txt" in names

    spare_cluster.psql("basemap", "DELETE FROM roads WHERE code = 'QL1'; "
                                  "UPDATE land_parcels SET owner_name = 'X'")
    (tmp_path / "media" / "uploads" / "so-do.txt").unlink()
    assert checksums(spare_cluster) != before

    result = manage(spare_cluster, "restore", str(archive), var_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    assert checksums(spare_cluster) == before
    assert spare_cluster.psql("basemap", "SELECT owner_name FROM land_parcels").strip() == \
        "Nguyễn Văn An"
    assert (tmp_path / "media" / "uploads" / "so-do.txt").read_text() == "tờ 12"
    assert "roads|2|" in before


@pytest.mark.parametrize("content, message", [
    (None, "no backup file at"),
    (b"not a tar", "is not a backup made by `make backup`"),
])
def test_restore_of_a_bad_file_is_one_line_and_changes_nothing(spare_cluster, tmp_path,
                                                               content, message):
    assert manage(spare_cluster, "migrate", "-v0", var_dir=tmp_path).returncode == 0
    spare_cluster.psql("basemap", SEED)
    before = checksums(spare_cluster)
    bad = tmp_path / "bad.tar"
    if content is not None:
        bad.write_bytes(content)
    result = manage(spare_cluster, "restore", str(bad), var_dir=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert checksums(spare_cluster) == before
