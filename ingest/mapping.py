# SPDX-License-Identifier: MIT
"""The mapping file (docs/architecture.md, Interface contract): one YAML format for every source."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from ingest.errors import IngestError

KEYS = {"layer", "source_crs", "encoding", "fields", "source_layer", "as_of"}


@dataclass(frozen=True)
class Mapping:
    """Target layer, source CRS and encoding overrides, and target <- source field names."""

    layer: str | None = None
    source_crs: str | None = None
    encoding: str | None = None
    source_layer: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    as_of: date | None = None  # the date of the data (units valid then)


def _text(data: dict, key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str | int):
        raise IngestError(f"{path.name}: '{key}' phải là một chuỗi")
    return None if value is None else str(value)


def load(path: Path) -> Mapping:
    """Read and check a mapping file; IngestError names what is wrong."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IngestError(f"không đọc được tệp ánh xạ {path.name}: "
                          f"{str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise IngestError(f"{path.name}: tệp ánh xạ phải là một bảng khóa: giá trị")
    unknown = sorted(set(data) - KEYS)
    if unknown:
        raise IngestError(f"{path.name}: khóa không biết {', '.join(unknown)}; "
                          f"dùng {', '.join(sorted(KEYS))}")
    fields = data.get("fields") or {}
    if not isinstance(fields, dict) or not all(
            isinstance(k, str) and isinstance(v, str | int) for k, v in fields.items()):
        raise IngestError(f"{path.name}: 'fields' phải có dạng thuộc_tính_đích: trường_nguồn")
    return Mapping(_text(data, "layer", path), _text(data, "source_crs", path),
                   _text(data, "encoding", path), _text(data, "source_layer", path),
                   {str(k): str(v) for k, v in fields.items()}, _day(data, path))


def _day(data: dict, path: Path) -> date | None:
    """``as_of``: a YAML date or a YYYY-MM-DD string."""
    value = data.get("as_of")
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise IngestError(f"{path.name}: 'as_of' phải là ngày YYYY-MM-DD, không phải {value!r}") \
            from exc
