# SPDX-License-Identifier: MIT
"""Backups: one tar file with a pg_dump (custom format), uploaded files and configs.

``make backup`` writes ``var/backups/basemap-YYYYmmdd-HHMMSS.tar``; ``make restore FILE=...``
puts the database and files back. pg_dump/pg_restore run with argument lists and the password
in the environment, never in a command string.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from geoserver_app.security import dblogins
from layers import libpq

CONFIG_FILES = ("pygeoapi-config.yml", "mapproxy.yaml")


class BackupError(RuntimeError):
    """A backup or restore step failed; the message names it."""


def _pg_environment() -> dict[str, str]:
    """The environment of the pg_* clients: ours plus the database's libpq variables."""
    return {**os.environ, **libpq.environment()}


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if "ERROR" in line] or [
            line for line in result.stderr.splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {lines[0] if lines else 'exit ' + str(result.returncode)}")


def backup(target_dir: Path) -> Path:
    """Write a timestamped backup into ``target_dir`` and return its path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    target = target_dir / f"basemap-{stamp}.tar"
    env = _pg_environment()
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database.dump"
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(dump)], env, "pg_dump")
        with tarfile.open(target, "w") as tar:
            tar.add(dump, "database.dump")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, "media")
            for name in CONFIG_FILES:
                path = Path(settings.BASE_DIR) / name
                if path.exists():
                    tar.add(path, f"config/{name}")
    return target


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = tar.getmembers()
    for member in members:
        if member.name.startswith("/") or ".." in Path(member.name).parts:
            raise BackupError(f"unsafe path in backup: {member.name}")
    return members


def _srids_first(dump: Path, env: dict[str, str]) -> str:
    """The dump's table of contents with spatial_ref_sys rows restored before any table.

    Layer tables have a generated ``ST_Transform(geom, 4326)`` column: their COPY needs our
    VN-2000 rows of spatial_ref_sys (an extension config table, restored last by default).
    """
    result = subprocess.run(["pg_restore", "-l", str(dump)], env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise BackupError("pg_restore -l failed: the dump is damaged")
    lines = result.stdout.splitlines()
    srids = [line for line in lines if "TABLE DATA" in line and "spatial_ref_sys" in line]
    rest = [line for line in lines if line not in srids]
    first_data = next((i for i, line in enumerate(rest) if "TABLE DATA" in line), len(rest))
    return "\n".join(rest[:first_data] + srids + rest[first_data:]) + "\n"


def restore(source: Path) -> None:
    """Replace the database contents and uploaded files with those of a backup."""
    if not source.is_file():
        raise BackupError(f"no backup file at {source}")
    try:
        archive = tarfile.open(source)
    except tarfile.TarError as exc:
        raise BackupError(f"{source} is not a backup made by `make backup`") from exc
    with archive as tar, tempfile.TemporaryDirectory() as work:
        tar.extractall(work, members=_safe_members(tar), filter="data")
        dump = Path(work) / "database.dump"
        if not dump.exists():
            raise BackupError(f"{source} has no database.dump")
        connection.close()
        env = _pg_environment()
        order = Path(work) / "restore.list"
        order.write_text(_srids_first(dump, env))
        # no GRANTs: they name the roles of the cluster the dump came from (personal
        # database logins); their privileges are made again from database_logins below
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "-L", str(order), "-d", env["PGDATABASE"], str(dump)],
             env, "pg_restore")
        dblogins.sync()
        media = Path(work) / "media"
        if media.exists():
            shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
            shutil.copytree(media, settings.MEDIA_ROOT)
