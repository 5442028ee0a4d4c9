# SPDX-License-Identifier: MIT
"""What every ingest run carries between steps, and the runner that executes the steps.

A handler (ingest.handlers) lists its steps as function references; the runner calls them
in order. ``InlineRunner`` runs them in the calling process (command, tests, admin upload);
a worker runner only has to implement ``Runner.run``.
"""
from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyarrow as pa
import shapely

from ingest.archive import ZipLimits
from ingest.crs import CrsChoice
from ingest.fields import FieldPlan
from ingest.geometry import MAX_VERTICES
from ingest.load import Staging
from ingest.readers import BATCH_SIZE, Source
from ingest.report import Report
from ingest.text import TextDecoder
from ingest.units import UnitCheck
from layers import province, registry

MODES = ("replace", "append", "upsert")
Progress = Callable[[int, int | None], None]


@dataclass(frozen=True)
class Options:
    """Everything a caller can ask for (the command's flags, the admin form's fields)."""

    path: Path
    layer: str | None = None
    mapping_fields: dict[str, str] = field(default_factory=dict)
    source_layer: str | None = None
    source_crs: str | None = None
    encoding: str = "auto"
    mode: str = "append"
    dry_run: bool = False
    user: str = ""
    history: bool | None = None  # None: off for large replace loads (see steps.keep_history)
    swap_from: int = 10_000  # replace loads of this many features build and swap (ingest.swap)
    batch_size: int = BATCH_SIZE
    max_vertices: int = MAX_VERTICES
    zip_limits: ZipLimits = ZipLimits()
    province_buffer_m: float = province.INGEST_BUFFER_M
    as_of: date | None = None  # commune codes are checked against the units of this day
    to_2025: bool = False  # also store the 2025 unit and address (ingest.units)


@dataclass
class Context:
    """The state of one run, filled in step by step."""

    options: Options
    path: Path
    workdir: Path
    report: Report
    layer: registry.Layer | None
    decoder: TextDecoder
    progress: Progress | None = None
    source: Source | None = None
    first: pa.RecordBatch | None = None
    rest: Iterator[pa.RecordBatch] | None = None
    region: shapely.Geometry | None = None
    domains: dict[str, frozenset[str]] = field(default_factory=dict)
    units: UnitCheck | None = None
    plan: FieldPlan | None = None
    crs: CrsChoice | None = None
    staging: Staging | None = None
    raster: dict | None = None
    cog: Path | None = None
    started: float = field(default_factory=time.monotonic)

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The first (already read) batch, then the rest of the stream."""
        if self.first is not None:
            yield self.first
        if self.rest is not None:
            yield from self.rest

    def tick(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, self.source.count if self.source else None)


Step = Callable[[Context], None]


class Runner(ABC):
    """Executes a handler's steps against a context."""

    @abstractmethod
    def run(self, steps: tuple[Step, ...], context: Context) -> Report:
        """Run every step in order; the report of the run."""


class InlineRunner(Runner):
    """Runs the steps in this process, one after the other."""

    def run(self, steps: tuple[Step, ...], context: Context) -> Report:
        for step in steps:
            started = time.monotonic()
            step(context)
            name = getattr(step, "__name__", type(step).__name__)
            context.report.timings[name] = round(time.monotonic() - started, 2)
        context.report.seconds = round(time.monotonic() - context.started, 2)
        return context.report
