# SPDX-License-Identifier: MIT
"""Identifiers of published layers: the layer id, and safe column names from source fields.

A column name is the source field's decoded name without Vietnamese diacritics (đ -> d),
lower case, every other character an underscore, starting with a letter, at most 63 bytes
(PostgreSQL's limit): 'Tên trường' -> 'ten_truong'. The original name stays the attribute's
title. Names the table already uses (id, geom, version...) and SQL keywords get a ``src_``
prefix. Two fields that end up with the same name are refused rather than renamed to
``_2``: a numbered column means nothing to the people who read it, and a later ingest could
not tell which source field fills which column.
"""
from __future__ import annotations

import re
import unicodedata

from ingest.errors import IngestError
from layers.registry import LAYER_ID

ID_PATTERN = LAYER_ID
MAX_LENGTH = 63
MAX_ATTRIBUTES = 200
# the columns every published table has, and the staging table's own
SYSTEM_COLUMNS = frozenset({"id", "created_at", "updated_at", "version", "geom", "geom_4326",
                            "ingest_batch_id", "fid", "row_no", "ctid", "oid", "xmin", "xmax",
                            "cmin", "cmax", "tableoid"})
RESERVED_PREFIXES = ("ingest_stage_", "ingest_build_", "pg_")


def ascii_name(text: str) -> str:
    """'Tên Trường (m²)' -> 'ten_truong_m': no diacritics, lower case, underscores."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def column_name(title: str, keywords: frozenset[str] = frozenset()) -> str:
    """The safe column of a source field (see the module docstring)."""
    name = ascii_name(title) or "field"
    if not name[0].isalpha():
        name = f"f_{name}"
    if name in SYSTEM_COLUMNS or name in keywords:
        name = f"src_{name}"
    return name[:MAX_LENGTH].rstrip("_")


def column_names(titles: list[str], keywords: frozenset[str] = frozenset()) -> list[str]:
    """Safe columns of every source field; IngestError on too many or colliding names."""
    if len(titles) > MAX_ATTRIBUTES:
        raise IngestError(f"nguồn có {len(titles)} trường, nhiều hơn giới hạn {MAX_ATTRIBUTES} "
                          f"/ the source has {len(titles)} fields, over the limit of "
                          f"{MAX_ATTRIBUTES}: bỏ bớt trường")
    names = [column_name(title, keywords) for title in titles]
    seen: dict[str, str] = {}
    for title, name in zip(titles, names, strict=True):
        if name in seen:
            raise IngestError(f"trường {seen[name]!r} và {title!r} cùng thành cột {name!r} "
                              f"/ fields {seen[name]!r} and {title!r} both become column "
                              f"{name!r}: đổi tên một trường trong tệp nguồn")
        seen[name] = title
    return names


def check_id(layer_id: str) -> None:
    """The form of a new layer id (whether it is free is asked of the database)."""
    if not ID_PATTERN.match(layer_id or ""):
        raise IngestError(f"mã lớp {layer_id!r} không hợp lệ / invalid layer id: dùng chữ "
                          "thường không dấu, số và _, bắt đầu bằng chữ, 2-63 ký tự (ví dụ "
                          "truong_hoc)")
    if layer_id.startswith(RESERVED_PREFIXES):
        raise IngestError(f"mã lớp {layer_id!r} dành riêng cho hệ thống / reserved id "
                          f"(tiền tố {', '.join(RESERVED_PREFIXES)})")
