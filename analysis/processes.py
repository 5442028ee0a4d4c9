# SPDX-License-Identifier: MIT
"""pygeoapi process plugins over the analysis functions (OGC API Processes).

Each per-grant pygeoapi API puts its ``Grant`` in the processor definition (``grant``), so a
process sees exactly the layers and attributes of the caller; without one it is public.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connections
from pygeoapi.process.base import BaseProcessor

from analysis.admin_units import convert as convert_units
from analysis.changes import changes
from analysis.export import export
from analysis.overlay import overlay
from analysis.planning import planning_lookup
from analysis.statistics import area_statistics, to_csv
from layers.grants import PUBLIC, Grant


def _metadata(pid: str, title_vi: str, title_en: str, description: str, inputs: dict,
              output: str) -> dict:
    return {
        "version": "1.0.0", "id": pid,
        "title": {"vi": title_vi, "en": title_en},
        "description": {"vi": description, "en": description},
        "jobControlOptions": ["sync-execute", "async-execute"],
        "keywords": ["quy hoạch", "planning", "PostGIS"],
        "inputs": {name: {"title": name, "description": text, "minOccurs": 0, "maxOccurs": 1,
                          "schema": schema} for name, (text, schema) in inputs.items()},
        "outputs": {"result": {"title": "result", "schema": {"type": "object",
                                                              "contentMediaType": output}}},
        "example": {},
    }


class AnalysisProcessor(BaseProcessor):
    """A process that runs one analysis function for the caller's grant."""

    run: Callable[[Grant, dict], Any]

    def __init__(self, processor_def: dict):
        super().__init__(processor_def, self.METADATA)
        self.grant: Grant = processor_def.get("grant", PUBLIC)

    def execute(self, data: dict, outputs: dict | None = None) -> tuple[str, Any]:
        with job_connections():
            return self.respond(data or {})

    def respond(self, data: dict) -> tuple[str, Any]:
        return "application/json", type(self).run(self.grant, data)


@contextlib.contextmanager
def job_connections() -> Iterator[None]:
    """Close the database connections an async job's thread opened (Django closes only
    those of request threads)."""
    try:
        yield
    finally:
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()


class PlanningLookupProcessor(AnalysisProcessor):
    METADATA = _metadata(
        "planning-lookup", "Tra cứu quy hoạch", "Planning lookup",
        "Các khoanh quy hoạch giao với một điểm, thửa đất hoặc vùng; diện tích giao (m², VN-2000).",
        {"point": ("[lon, lat] in CRS84", {"type": "array", "items": {"type": "number"}}),
         "parcel": ("{commune_code, sheet_no, parcel_no}", {"type": "object"}),
         "polygon": ("GeoJSON Polygon in CRS84", {"type": "object"})}, "application/json")
    run = staticmethod(planning_lookup)


class AreaStatisticsProcessor(AnalysisProcessor):
    METADATA = _metadata(
        "area-statistics", "Thống kê diện tích", "Area statistics",
        "Diện tích đất theo xã và loại đất, rừng theo loại, chiều dài đường theo cấp.",
        {"statistic": ("land_use_by_commune | forest_by_type | road_length_by_class",
                       {"type": "string"}),
         "date": ("units valid on this date (YYYY-MM-DD)", {"type": "string"}),
         "format": ("json | csv", {"type": "string"})}, "application/json")

    def respond(self, data: dict) -> tuple[str, Any]:
        result = area_statistics(self.grant, data)
        if data.get("format") == "csv":
            return "text/csv", to_csv(result)
        return "application/json", result


class OverlayProcessor(AnalysisProcessor):
    METADATA = _metadata(
        "overlay", "Chồng xếp lớp", "Overlay",
        "Đối tượng lớp A nằm trong khoảng cách tới lớp B (ví dụ thửa đất trong hành lang mở "
        "rộng đường).",
        {"layer_a": ("layer id", {"type": "string"}), "layer_b": ("layer id", {"type": "string"}),
         "distance_m": ("0-5000", {"type": "number"}),
         "b_ids": ("ids of B's features", {"type": "array", "items": {"type": "integer"}})},
        "application/geo+json")
    run = staticmethod(overlay)


class ChangesProcessor(AnalysisProcessor):
    METADATA = _metadata(
        "changes", "Thay đổi dữ liệu", "Change feed",
        "Đối tượng thay đổi và bị xóa kể từ một thời điểm (đồng bộ gia tăng); resync: lớp đã "
        "được thay thế toàn bộ hoặc since cũ hơn thời hạn lưu, hãy tải lại cả lớp.",
        {"layer": ("layer id", {"type": "string"}),
         "since": ("ISO 8601 time", {"type": "string"})}, "application/json")
    run = staticmethod(changes)


class ExportProcessor(AnalysisProcessor):
    METADATA = _metadata(
        "export", "Xuất dữ liệu", "Export",
        "Xuất một lớp ra GeoPackage, Shapefile (zip), CSV hoặc GeoJSON, WGS 84 hoặc VN-2000.",
        {"layer": ("layer id", {"type": "string"}),
         "format": ("gpkg | shp | csv | geojson", {"type": "string"}),
         "crs": ("EPSG:4326 | EPSG:9214", {"type": "string"}),
         "bbox": ("[minlon, minlat, maxlon, maxlat]", {"type": "array"})},
        "application/octet-stream")

    def respond(self, data: dict) -> tuple[str, Any]:
        mime, body, _name = export(self.grant, data)
        return mime, body


class AdminUnitsConvertProcessor(AnalysisProcessor):
    METADATA = _metadata(
        "admin-units-convert", "Chuyển đơn vị hành chính sang 2025",
        "Convert administrative units to 2025",
        "Mã xã cũ hoặc địa chỉ theo đơn vị cũ (danh sách đến 10.000 mục, hoặc CSV) sang đơn vị "
        "hành chính từ 01/7/2025: mã, tên, tỉnh, đơn vị cũ đã đọc, hoặc lý do không chuyển được. "
        "Lô lớn: gửi bất đồng bộ (Prefer: respond-async).",
        {"codes": ("old commune codes", {"type": "array", "items": {"type": "string"}}),
         "addresses": ("addresses naming old units", {"type": "array", "items": {"type": "string"}}),
         "csv": ("CSV text with a code or address column", {"type": "string"})},
        "application/json")
    run = staticmethod(convert_units)


PROCESSORS: dict[str, type[AnalysisProcessor]] = {
    cls.METADATA["id"]: cls for cls in (PlanningLookupProcessor, AreaStatisticsProcessor,
                                        OverlayProcessor, ChangesProcessor, ExportProcessor,
                                        AdminUnitsConvertProcessor)}
