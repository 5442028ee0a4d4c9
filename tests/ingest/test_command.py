# SPDX-License-Identifier: MIT
"""``manage.py ingest``: Vietnamese summary and report file on success; one line and exit 1 on error."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg2
import pytest

from tests.support.ingest_sources import (
    ROOT,
    database_url,
    live_rows,
    parcel_columns,
    square,
    where,
    write_vector,
)

pytestmark = pytest.mark.django_db(transaction=True)


def ingest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", "ingest", *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url()},
                          capture_output=True, text=True, timeout=120)


def test_summary_and_report(tmp_path):
    source = write_vector(tmp_path / "thua.gpkg", parcel_columns(2, LoaiDat=["LUC", "ZZZ"]),
                          [square(0), square(1)], crs="EPSG:9214")
    done = ingest(str(source), "--layer", "land_parcels", "--mode", "upsert",
                  "--report", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        f"Đã nhập vào lớp land_parcels (lô {json.loads((tmp_path / 'r.json').read_text())['batch']},"
        f" chế độ upsert): thua.gpkg",
        "  đọc 2 đối tượng, nạp 1, sửa hình học 0, loại 1 (trùng khóa 0)"]
    assert "  loại đối tượng 2: land_use_code 'ZZZ' không có trong danh mục" in done.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert {k: report[k] for k in ("layer", "read", "loaded", "repaired", "rejected",
                                   "source_crs", "encoding")} == {
        "layer": "land_parcels", "read": 2, "loaded": 1, "repaired": 0,
        "rejected": [{"feature": 2, "reason": "land_use_code 'ZZZ' không có trong danh mục",
                      "where": where(square(1))}],
        "source_crs": "EPSG:9214", "encoding": "utf-8"}
    assert isinstance(report["seconds"], float)


def test_error_is_one_line_and_exit_1(tmp_path):
    before = live_rows()
    source = write_vector(tmp_path / "thua.gpkg", parcel_columns(1), [square(0)],
                          crs="EPSG:9214")
    failed = ingest(str(source), "--layer", "thua_dat")
    assert failed.returncode == 1
    assert failed.stdout == ""
    assert failed.stderr.count("\n") == 1
    assert failed.stderr.startswith("CommandError: lớp 'thua_dat' không tồn tại; các lớp: ")
    assert failed.stderr.rstrip().endswith("(lớp không thay đổi)")
    assert live_rows() == before


def test_an_unforeseen_database_error_is_still_one_line_without_sql(tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    from ingest.management.commands import ingest as command

    def fails(*args, **kwargs):
        raise psycopg2.errors.DiskFull('could not extend file "base/16384/24576": No space left '
                                       'on device\nCONTEXT:  COPY ingest_build_1, line 7\n'
                                       'LINE 1: COPY "ingest_build_1" ("id") FROM STDIN')

    monkeypatch.setattr(command, "run_ingest", fails)
    with pytest.raises(CommandError) as caught:
        call_command("ingest", str(tmp_path / "x.gpkg"), "--layer", "land_parcels")
    assert str(caught.value) == (
        'lỗi cơ sở dữ liệu: could not extend file "base/16384/24576": No space left on device '
        "(lớp không thay đổi; báo cho quản trị hệ thống nếu lặp lại)")
