# SPDX-License-Identifier: MIT
"""One handler per source format, shaped like GeoNode's upload handlers: a cheap
``can_handle``, an ``is_valid`` check, and the ordered steps (function references)."""
from __future__ import annotations

import zipfile
from abc import ABC, abstractmethod
from pathlib import Path

from ingest import archive, readers
from ingest.errors import IngestError
from ingest.pipeline import Context, Step
from ingest.raster import RASTER_STEPS
from ingest.steps import VECTOR_STEPS
from layers import catalog, registry


class Handler(ABC):
    """A source format: how to recognise it, check it, and the steps that load it."""

    @classmethod
    @abstractmethod
    def can_handle(cls, path: Path) -> bool:
        """Cheap test on the name (no parsing)."""

    @abstractmethod
    def is_valid(self, path: Path) -> None:
        """Raise IngestError when the source cannot be loaded as this format."""

    @abstractmethod
    def steps(self) -> tuple[Step, ...]:
        """The ordered steps of a load."""


def target_layer(layer_id: str | None) -> registry.Layer:
    """The registry layer to load into; IngestError lists the known ids."""
    if not layer_id:
        raise IngestError("chưa chọn lớp đích: dùng --layer <mã lớp> hoặc 'layer:' trong tệp ánh xạ")
    try:
        return catalog.current().get(layer_id)
    except KeyError:
        known = ", ".join(layer.id for layer in catalog.current().layers)
        raise IngestError(f"lớp {layer_id!r} không tồn tại; các lớp: {known}") from None


def _require_file(path: Path) -> None:
    if not path.is_file():
        raise IngestError(f"không tìm thấy tệp {path}")
    if path.stat().st_size == 0:
        raise IngestError(f"tệp {path.name} rỗng")


class VectorHandler(Handler):
    """A vector format read through pyogrio's Arrow stream."""

    suffixes: tuple[str, ...] = ()
    multi_layer = False

    @classmethod
    def can_handle(cls, path: Path) -> bool:
        return path.suffix.lower() in cls.suffixes and path.is_file()

    def is_valid(self, path: Path) -> None:
        _require_file(path)

    def open_options(self, path: Path) -> dict[str, str]:
        return {}

    def raw_names(self, path: Path) -> list[bytes] | None:
        return None

    def open(self, ctx: Context) -> None:
        """Check the target layer, pick the source layer to read and inspect it."""
        ctx.layer = target_layer(ctx.options.layer)
        ctx.report.layer = ctx.layer.id
        layer = None
        if self.multi_layer:
            layer = readers.choose_layer(ctx.path, ctx.options.source_layer, ctx.layer.id)
        ctx.source = readers.open_source(ctx.path, layer, self.open_options(ctx.path),
                                         self.raw_names(ctx.path))

    def steps(self) -> tuple[Step, ...]:
        return (self.open, *VECTOR_STEPS)


class ShapefileHandler(VectorHandler):
    """ESRI Shapefile: raw DBF bytes (no recoding by GDAL), names from the DBF header."""

    suffixes = (".shp",)

    def is_valid(self, path: Path) -> None:
        _require_file(path)
        for suffix in (".dbf", ".shx"):
            if not any(path.with_suffix(s).exists() for s in (suffix, suffix.upper())):
                raise IngestError(f"thiếu tệp {path.stem}{suffix} đi kèm {path.name}")

    def open_options(self, path: Path) -> dict[str, str]:
        return {"ENCODING": ""}

    def raw_names(self, path: Path) -> list[bytes]:
        dbf = path.with_suffix(".dbf")
        return readers.dbf_field_names(dbf if dbf.exists() else path.with_suffix(".DBF"))


class GeoPackageHandler(VectorHandler):
    suffixes = (".gpkg",)
    multi_layer = True


class GeoJsonHandler(VectorHandler):
    suffixes = (".geojson", ".json", ".geojsons", ".geojsonl", ".geojsonseq")


class FlatGeobufHandler(VectorHandler):
    suffixes = (".fgb",)


class CsvHandler(VectorHandler):
    """CSV with a WKT column or lon/lat (x/y) columns; values stay text until coerced."""

    suffixes = (".csv",)

    def open_options(self, path: Path) -> dict[str, str]:
        return {"GEOM_POSSIBLE_NAMES": "wkt,geometry,geom,the_geom,hinhhoc",
                "X_POSSIBLE_NAMES": "lon,lng,long,longitude,x,kinhdo,kinh_do",
                "Y_POSSIBLE_NAMES": "lat,latitude,y,vido,vi_do",
                "KEEP_GEOM_COLUMNS": "NO", "AUTODETECT_TYPE": "NO"}


class FileGdbHandler(VectorHandler):
    """Esri File Geodatabase (a .gdb folder), read with GDAL's OpenFileGDB."""

    multi_layer = True

    @classmethod
    def can_handle(cls, path: Path) -> bool:
        return path.suffix.lower() == ".gdb" and path.is_dir()

    def is_valid(self, path: Path) -> None:
        if not any(path.glob("*.gdbtable")):
            raise IngestError(f"{path.name} không phải File Geodatabase (không có .gdbtable)")


class KmlHandler(VectorHandler):
    suffixes = (".kml",)
    multi_layer = True


class DxfHandler(VectorHandler):
    suffixes = (".dxf",)


class RasterHandler(Handler):
    """GeoTIFF orthophotos and DEMs, converted to COG and registered as raster layers."""

    @classmethod
    def can_handle(cls, path: Path) -> bool:
        return path.suffix.lower() in (".tif", ".tiff") and path.is_file()

    def is_valid(self, path: Path) -> None:
        _require_file(path)

    def steps(self) -> tuple[Step, ...]:
        return RASTER_STEPS


class ZipHandler(Handler):
    """A zip holding one source (a zipped shapefile, a .gdb folder...), unpacked safely."""

    @classmethod
    def can_handle(cls, path: Path) -> bool:
        return path.suffix.lower() == ".zip" and path.is_file()

    def is_valid(self, path: Path) -> None:
        _require_file(path)
        if not zipfile.is_zipfile(path):
            raise IngestError(f"{path.name} không phải tệp zip hợp lệ (hỏng hoặc bị cắt cụt?)")

    def unpack(self, ctx: Context) -> None:
        """Extract into the run's work folder and point the run at the source inside."""
        target = archive.extract(ctx.path, ctx.workdir / "unzipped", ctx.options.zip_limits)
        ctx.path = _only_source(target)

    def delegate(self, ctx: Context) -> None:
        """Run the inner format's steps on the unpacked source."""
        inner = handler_for(ctx.path)
        inner.is_valid(ctx.path)
        for step in inner.steps():
            step(ctx)

    def steps(self) -> tuple[Step, ...]:
        return (self.unpack, self.delegate)


VECTOR_HANDLERS: tuple[type[Handler], ...] = (
    ShapefileHandler, GeoPackageHandler, GeoJsonHandler, FlatGeobufHandler, CsvHandler,
    FileGdbHandler, KmlHandler, DxfHandler)
HANDLERS: tuple[type[Handler], ...] = (*VECTOR_HANDLERS, RasterHandler, ZipHandler)


def _only_source(folder: Path) -> Path:
    """The single loadable source inside an unpacked zip."""
    found = [path for path in sorted(folder.rglob("*"))
             if any(h.can_handle(path) for h in (*VECTOR_HANDLERS, RasterHandler))
             and not any(part.lower().endswith(".gdb") for part in path.relative_to(folder).parts[:-1])]
    if len(found) != 1:
        names = ", ".join(p.name for p in found) or "không có"
        raise IngestError(f"tệp zip phải chứa đúng một nguồn dữ liệu (có: {names})")
    return found[0]


def handler_for(path: Path) -> Handler:
    """The handler of a source path; IngestError names the supported formats."""
    for handler in HANDLERS:
        if handler.can_handle(path):
            return handler()
    if not path.exists():
        raise IngestError(f"không tìm thấy tệp {path}")
    raise IngestError(f"định dạng {path.suffix or path.name!r} không hỗ trợ: dùng .shp, .zip, "
                      ".gpkg, .geojson, .geojsons, .fgb, .csv, .gdb, .kml, .dxf hoặc .tif")
