# SPDX-License-Identifier: MIT
"""The ingest report's JSON (docs/architecture.md, Interface contract) and Vietnamese summary."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_LISTED = 10


@dataclass
class Report:
    """What one ingest did. ``read == loaded + len(rejected)``: nothing dropped silently."""

    layer: str
    source: str
    mode: str
    read: int = 0
    loaded: int = 0
    repaired: int = 0
    rejected: list[dict] = field(default_factory=list)
    source_crs: str = ""
    encoding: str = ""
    seconds: float = 0.0
    dry_run: bool = False
    batch: int | None = None
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    duplicates: int = 0
    fields: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per pipeline step
    units: dict = field(default_factory=dict)  # the date checked against, --to-2025's results

    def reject(self, feature: int | str, reason: str, where: list[float] | None = None) -> None:
        """Record a rejected feature; ``where`` is its [lon, lat] when it has a geometry."""
        item = {"feature": feature, "reason": reason}
        if where is not None:
            item["where"] = where
        self.rejected.append(item)

    def as_dict(self) -> dict:
        return asdict(self)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n",
                        encoding="utf-8")

    def _units_lines(self) -> list[str]:
        """What --to-2025 converted, and what it could not."""
        if not self.units.get("converted") and not self.units.get("addresses_converted"):
            return []
        lines = [f"  sang đơn vị 2025: {self.units['converted']:,} mã xã, "
                 f"{self.units['addresses_converted']:,} địa chỉ"]
        lines += [f"  chưa xác định đơn vị 2025 của đối tượng {item['feature']}: {item['reason']}"
                  for item in self.units["ambiguous"][:MAX_LISTED]]
        return lines

    def summary(self) -> str:
        """A few readable Vietnamese lines for the terminal."""
        action = "Chạy thử (--dry-run), không ghi vào lớp" if self.dry_run else \
            f"Đã nhập vào lớp {self.layer} (lô {self.batch}, chế độ {self.mode})"
        lines = [
            f"{action}: {self.source}",
            f"  đọc {self.read:,} đối tượng, nạp {self.loaded:,}, sửa hình học "
            f"{self.repaired:,}, loại {len(self.rejected):,} (trùng khóa {self.duplicates:,})",
            f"  hệ tọa độ nguồn {self.source_crs}, bảng mã {self.encoding}, "
            f"{self.seconds:.1f} giây",
        ]
        if not self.dry_run and self.mode == "upsert":
            lines.append(f"  thêm mới {self.inserted:,}, cập nhật {self.updated:,}, "
                         f"không đổi {self.unchanged:,}")
        lines += self._units_lines()
        lines += [f"  cảnh báo: {warning}" for warning in self.warnings]
        for item in self.rejected[:MAX_LISTED]:
            lines.append(f"  loại đối tượng {item['feature']}: {item['reason']}")
        if len(self.rejected) > MAX_LISTED:
            lines.append(f"  … và {len(self.rejected) - MAX_LISTED:,} đối tượng bị loại khác "
                         "(xem báo cáo --report)")
        return "\n".join(lines)
