# SPDX-License-Identifier: MIT
"""Handlers: chosen by a cheap look at the name, each with real abstract steps."""
from __future__ import annotations

import inspect

import pytest

from ingest import handlers
from ingest.errors import IngestError
from ingest.pipeline import InlineRunner

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("name, expected", [
    ("a.shp", handlers.ShapefileHandler), ("a.SHP", handlers.ShapefileHandler),
    ("a.gpkg", handlers.GeoPackageHandler), ("a.geojson", handlers.GeoJsonHandler),
    ("a.geojsons", handlers.GeoJsonHandler), ("a.fgb", handlers.FlatGeobufHandler),
    ("a.csv", handlers.CsvHandler), ("a.kml", handlers.KmlHandler),
    ("a.dxf", handlers.DxfHandler), ("a.tif", handlers.RasterHandler),
    ("a.zip", handlers.ZipHandler),
])
def test_handler_for_each_format(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(b"x")
    assert type(handlers.handler_for(path)) is expected


def test_file_geodatabase_is_a_folder(tmp_path):
    (tmp_path / "a.gdb").mkdir()
    assert type(handlers.handler_for(tmp_path / "a.gdb")) is handlers.FileGdbHandler
    with pytest.raises(IngestError, match="không phải File Geodatabase"):
        handlers.FileGdbHandler().is_valid(tmp_path / "a.gdb")


def test_unknown_format_names_the_supported_ones(tmp_path):
    (tmp_path / "a.dwg").write_bytes(b"x")
    with pytest.raises(IngestError, match=r"định dạng '.dwg' không hỗ trợ: dùng .shp, .zip"):
        handlers.handler_for(tmp_path / "a.dwg")


def test_the_base_classes_are_abstract():
    assert inspect.isabstract(handlers.Handler)
    assert handlers.Handler.__abstractmethods__ == {"can_handle", "is_valid", "steps"}
    with pytest.raises(TypeError):
        handlers.Handler()


def test_steps_are_function_references_run_in_order():
    steps = handlers.ShapefileHandler().steps()
    assert all(callable(step) for step in steps)
    assert [step.__name__ for step in steps][:3] == ["open", "read_first_batch",
                                                     "check_not_empty"]
    assert [step.__name__ for step in steps][-3:] == ["stage", "reject_duplicates",
                                                      "apply_load"]

    class Recorder:
        report = type("R", (), {"seconds": 0.0, "timings": {}})()
        started = 0.0
        seen: list[str] = []

    def first(ctx):
        ctx.seen.append("first")

    def second(ctx):
        ctx.seen.append("second")

    report = InlineRunner().run((first, second), Recorder())
    assert Recorder.seen == ["first", "second"]
    assert set(report.timings) == {"first", "second"}
