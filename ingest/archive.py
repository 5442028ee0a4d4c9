# SPDX-License-Identifier: MIT
"""Safe unpacking of zipped sources: no path traversal, no links, no zip bombs."""
from __future__ import annotations

import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ingest.errors import IngestError


@dataclass(frozen=True)
class ZipLimits:
    """How much a zip may expand: in total, per member ratio, and in member count."""

    max_total_bytes: int = 4 * 1024**3
    max_ratio: float = 200.0
    max_members: int = 10_000


def _check_member(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    """Refuse absolute paths, '..', links and members that expand suspiciously."""
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
        raise IngestError(f"tệp zip chứa đường dẫn không an toàn {info.filename!r}: "
                          "nén lại các tệp không kèm thư mục cha")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise IngestError(f"tệp zip chứa liên kết {info.filename!r}: nén lại tệp thật")
    if info.file_size > 1024 * 1024 and info.file_size > limits.max_ratio * max(
            info.compress_size, 1):
        raise IngestError(f"tệp zip có thành phần {info.filename!r} nở ra "
                          f"{info.file_size // max(info.compress_size, 1)} lần (zip bomb?): "
                          "không nhập")


def check_zip(archive: zipfile.ZipFile, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The members to extract, after every safety check on the headers."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > limits.max_members:
        raise IngestError(f"tệp zip có {len(members)} thành phần, quá {limits.max_members}")
    for info in members:
        _check_member(info, limits)
    total = sum(info.file_size for info in members)
    if total > limits.max_total_bytes:
        raise IngestError(f"tệp zip giải nén ra {total} byte, quá giới hạn "
                          f"{limits.max_total_bytes} byte")
    return members


def _copy_bounded(source, target, budget: int) -> int:
    """Copy a member, counting real bytes (headers can lie); the bytes left in the budget."""
    while chunk := source.read(1024 * 1024):
        budget -= len(chunk)
        if budget < 0:
            raise IngestError("tệp zip giải nén ra nhiều hơn khai báo (zip bomb?): không nhập")
        target.write(chunk)
    return budget


def extract(path: Path, target: Path, limits: ZipLimits = ZipLimits()) -> Path:
    """Unpack ``path`` into ``target`` safely; returns ``target``."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = check_zip(archive, limits)
            budget = limits.max_total_bytes
            for info in members:
                destination = target.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, destination.open("wb") as out:
                    budget = _copy_bounded(source, out, budget)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        raise IngestError(f"tệp zip hỏng hoặc bị cắt cụt: {exc}") from exc
    return target


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
