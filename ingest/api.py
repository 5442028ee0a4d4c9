# SPDX-License-Identifier: MIT
"""The entry point of every ingest: the command, the admin upload page, scripts and tests."""
from __future__ import annotations

import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from ingest import load
from ingest.archive import remove
from ingest.errors import IngestError
from ingest.handlers import handler_for
from ingest.mapping import Mapping
from ingest.mapping import load as load_mapping
from ingest.pipeline import MODES, Context, InlineRunner, Options, Progress, Runner
from ingest.report import Report
from ingest.text import TextDecoder

log = logging.getLogger(__name__)


def options_from(path: Path, layer: str | None, mapping: Mapping, **overrides) -> Options:
    """Merge the mapping file with explicit arguments (arguments win when given)."""
    given = {key: value for key, value in overrides.items() if value is not None}
    options = Options(path=Path(path), layer=layer or mapping.layer,
                      mapping_fields=dict(mapping.fields), source_layer=mapping.source_layer,
                      source_crs=mapping.source_crs, encoding=mapping.encoding or "auto",
                      as_of=mapping.as_of)
    options = replace(options, **given)
    if options.mode not in MODES:
        raise IngestError(f"chế độ {options.mode!r} không có; dùng {', '.join(MODES)}")
    return options


def run_ingest(path: str | Path, layer: str | None = None, *, mapping: str | Path | None = None,
               source_crs: str | None = None, encoding: str | None = None,
               mode: str | None = None, dry_run: bool = False, report: str | Path | None = None,
               user: str = "", progress: Progress | None = None,
               runner: Runner | None = None, **tuning) -> Report:
    """Load one source file into a layer; IngestError (one line) when it cannot.

    ``progress(done, total)`` is called after each batch (total may be None).
    """
    rules = load_mapping(Path(mapping)) if mapping else Mapping()
    options = options_from(Path(path), layer, rules, source_crs=source_crs, encoding=encoding,
                           mode=mode, dry_run=dry_run, user=user, **tuning)
    handler = handler_for(options.path)
    handler.is_valid(options.path)
    stale = load.clean_stale_staging()
    if stale:
        log.info("dropped stale staging tables: %s", ", ".join(stale))
    workdir = Path(tempfile.mkdtemp(prefix="ingest-"))
    context = Context(options=options, path=options.path, workdir=workdir,
                      report=Report(layer=options.layer or "", source=options.path.name,
                                    mode=options.mode, dry_run=dry_run),
                      layer=None, decoder=TextDecoder(options.encoding), progress=progress)
    try:
        result = (runner or InlineRunner()).run(handler.steps(), context)
    finally:
        if context.staging is not None:
            context.staging.drop()
        remove(workdir)
    if report:
        result.write(Path(report))
    return result
