# SPDX-License-Identifier: MIT
"""Atomic load: COPY into an UNLOGGED staging table, then apply in one transaction.

A staging table (and the twin table of a large replace, see ingest.swap) belongs to the
run holding the advisory lock named by its suffix; a run that died (even SIGKILL) releases
the lock with its session, and the next run drops the tables. The live layer only changes
in the apply transaction, so a failed or killed ingest leaves it exactly as it was.
"""
from __future__ import annotations

import io
import json
import secrets
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
from django.db import connection, transaction

from ingest import geometry, pgbinary, sql
from ingest import swap as swapping


def raw_cursor():
    """A psycopg2 cursor on Django's connection (COPY needs the driver's own API)."""
    connection.ensure_connection()
    return connection.connection.cursor()


def clean_stale_staging() -> list[str]:
    """Drop staging and twin tables whose run is gone (its advisory lock is free); their names."""
    dropped = []
    with raw_cursor() as cursor:
        for prefix in (sql.STAGING_PREFIX, sql.BUILD_PREFIX):
            cursor.execute(sql.FIND_STAGING, [prefix.replace("_", r"\_") + "%"])
            for (name,) in cursor.fetchall():
                token = name.removeprefix(prefix)
                if not token.isdigit():
                    continue
                cursor.execute(sql.TRY_LOCK, [int(token)])
                if cursor.fetchone()[0]:
                    cursor.execute(sql.drop_table(name))
                    cursor.execute(sql.UNLOCK, [int(token)])
                    dropped.append(name)
    return dropped


@dataclass
class Staging:
    """This run's staging table and the columns it holds.

    Besides the source ``fid``, each staged row has ``row_no``: 0, 1, 2, ... in COPY order
    (``rows`` so far), from which the build and swap derives the new ids. A replace that
    will build and swap stages straight into the twin table instead (``into_twin``): then
    ``early`` is that twin and ``name`` its name.
    """

    name: str
    token: int
    columns: list[str]
    rows: int = 0
    early: swapping.Early | None = None  # the twin filled while staging (build and swap)

    @classmethod
    def create(cls, columns: list[tuple[str, str]]) -> Staging:
        token = secrets.randbelow(2**62)
        staging = cls(f"{sql.STAGING_PREFIX}{token}", token, [name for name, _ in columns])
        with raw_cursor() as cursor:
            cursor.execute(sql.LOCK, [token])
            cursor.execute(sql.create_staging(staging.name, columns))
        return staging

    @classmethod
    def into_twin(cls, live: str, expected: int, columns: list[tuple[str, str]],
                  multi: bool, key: tuple[str, ...], workdir: Path) -> Staging | None:
        """Stage straight into the twin of a build and swap (see swap.Early); None when the
        live table cannot be swapped (the apply transaction says why).

        Before any row is read: no blockers in the catalog, then, under the writers' lock
        for a moment, ids for ``expected`` features (the source's count; unused ones are
        gaps), then a batch id, the empty twin and its COPY connections.
        """
        with raw_cursor() as cursor:
            if swapping.blockers(cursor, live):
                return None
            with transaction.atomic():
                table, ids = swapping.reserve(cursor, live, expected)
            if not ids:
                return None
            token = secrets.randbelow(2**62)
            cursor.execute(sql.LOCK, [token])
            cursor.execute(sql.RESERVE_BATCH_ID)
            batch_id = cursor.fetchone()[0]
            name = swapping.build_name(token)
            cursor.execute(sql.create_build(name, live))
        early = swapping.Early.reserved_for(name, live, connection.get_connection_params(),
                                            columns, table, ids, expected, batch_id, multi, key,
                                            workdir / "fids.i8")
        return cls(name, token, early.columns, early=early)

    def sink(self) -> CopyPipe | swapping.Early:
        """Where the batches go: ``sink.send(table)`` for each, inside ``with sink``."""
        return self.early if self.early is not None else CopyPipe(self)

    def numbered(self, table: pa.Table) -> pa.Table:
        """The batch with its ``row_no`` column (call once per batch, in order)."""
        numbers = pa.array(np.arange(self.rows, self.rows + table.num_rows), pa.int64())
        self.rows += table.num_rows
        return table.add_column(1, "row_no", numbers)

    def copy(self, table: pa.Table, pg_connection=None) -> None:
        """COPY one numbered batch (fid, row_no, columns..., geom as WKB) into staging."""
        geom = geometry.hex_wkb(table.column("geom").combine_chunks())
        buffer = swapping.csv_buffer(table.set_column(table.num_columns - 1, "geom", geom))
        with (pg_connection.cursor() if pg_connection else raw_cursor()) as cursor:
            cursor.copy_expert(sql.copy_staging(self.name, self.columns), buffer,
                               swapping.COPY_CHUNK)

    def remove_duplicates(self, key: tuple[str, ...]) -> list[tuple[int, int]]:
        """(fid, fid of the first feature with the same key) for each duplicate removed."""
        if self.early is not None:
            return self.early.duplicates()
        with raw_cursor() as cursor:
            cursor.execute(sql.delete_duplicates(self.name, key, "fid"))
            return sorted(cursor.fetchall())

    def remove_existing(self, live: str, key: tuple[str, ...]) -> list[int]:
        with raw_cursor() as cursor:
            cursor.execute(sql.delete_existing(self.name, live, key))
            return sorted(fid for (fid,) in cursor.fetchall())

    def drop(self) -> None:
        """Drop the staging (or twin) table, a twin left by a failed swap, then unlock."""
        if self.early is not None:
            self.early.close()
        with raw_cursor() as cursor:
            cursor.execute(sql.drop_table(self.name))
            cursor.execute(sql.drop_table(swapping.build_name(self.token)))
            cursor.execute(sql.UNLOCK, [self.token])


@dataclass
class Direct:
    """The first load of a new layer, COPYed straight into its table in the transaction that
    created it (no staging table, no INSERT ... SELECT): ids 1, 2, ... in COPY order, the
    batch id, EWKB geometry; binary COPY when every value allows, else CSV.

    The table is invisible to other sessions until that transaction commits, so the load
    runs on this one connection (``CopyPipe``: Python checks batch N+1 while the server
    writes batch N). A failure or SIGKILL rolls back the table with everything in it.
    """

    name: str
    columns: list[str]  # the staged columns, geometry last
    batch_id: int
    multi: bool
    encoders: list | None
    rows: int = 0

    @classmethod
    def into(cls, table: str, columns: list[tuple[str, str]], batch_id: int,
             multi: bool) -> Direct:
        encoders = [pgbinary.encoder(kind) for kind in
                    ["bigint", *(kind for _, kind in columns), "bigint"]]
        return cls(table, [name for name, _ in columns], batch_id, multi,
                   encoders if None not in encoders else None)

    def sink(self) -> CopyPipe:
        return CopyPipe(self)

    def numbered(self, table: pa.Table) -> pa.Table:
        """The batch with its ids (call once per batch, in order)."""
        ids = pa.array(np.arange(self.rows + 1, self.rows + table.num_rows + 1), pa.int64())
        self.rows += table.num_rows
        return table.add_column(1, "id", ids)

    def copy(self, table: pa.Table, pg_connection) -> None:
        """COPY one numbered batch (fid, id, columns..., geom as WKB) into the table."""
        geom = geometry.ewkb(table.column("geom").combine_chunks(), geometry.STORAGE_SRID,
                             self.multi)
        values = [table.column("id").combine_chunks(),
                  *(table.column(name).combine_chunks() for name in self.columns[:-1]),
                  geom, pa.array(np.full(table.num_rows, self.batch_id), pa.int64())]
        names = ["id", *self.columns, "ingest_batch_id"]
        data = pgbinary.batch(values, self.encoders) if self.encoders else None
        if data is None:
            values[-2] = geometry.hex_wkb(geom)
            statement = sql.copy_build(self.name, names, "csv", freeze=True)
            buffer = swapping.csv_buffer(pa.table(dict(zip(names, values, strict=True))))
        else:
            statement = sql.copy_build(self.name, names, "binary", freeze=True)
            buffer = io.BytesIO(data)
        with pg_connection.cursor() as cursor:
            cursor.copy_expert(statement, buffer, swapping.COPY_CHUNK)


class CopyPipe:
    """COPYs batch N in a worker thread while the caller prepares batch N+1.

    The worker uses this connection's psycopg2 handle (psycopg2 releases the GIL during
    I/O); at most one batch is in flight, so memory stays at two batches.
    """

    def __init__(self, staging: Staging | Direct) -> None:
        self.staging = staging
        connection.ensure_connection()
        self.pg_connection = connection.connection
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ingest-copy")
        self.pending: Future | None = None

    def send(self, table: pa.Table) -> None:
        self.wait()
        self.pending = self.pool.submit(self.staging.copy, self.staging.numbered(table),
                                        self.pg_connection)

    def wait(self) -> None:
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()

    def __enter__(self) -> CopyPipe:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self.wait()
        finally:
            self.pool.shutdown(wait=True)


@dataclass
class ApplyResult:
    batch_id: int
    inserted: int
    updated: int
    deleted: int
    swapped: bool = False  # replace done by build and swap (ingest.swap)
    timings: dict[str, float] = field(default_factory=dict)  # seconds, parts of the swap
    swap_blockers: tuple[str, ...] = ()  # why a wanted swap fell back to row by row


def apply(staging: Staging, live: str, mode: str, key: tuple[str, ...], multi: bool,
          batch: dict, history: bool = True, swap: bool = False) -> ApplyResult:
    """In ONE transaction: record the batch, then replace / append / upsert the live layer.

    ``swap`` (a large replace with history off) builds the new table and swaps it in.
    """
    early = staging.early
    with transaction.atomic(), raw_cursor() as cursor:
        if early is None:
            cursor.execute(sql.CREATE_BATCH, [live, batch["source"], mode, batch["user"]])
        else:
            cursor.execute(sql.CREATE_BATCH_WITH_ID,
                           [early.batch_id, live, batch["source"], mode, batch["user"]])
        batch_id = cursor.fetchone()[0]
        cursor.execute(sql.SET_ACTOR, [f"ingest:{batch_id}"])
        if not history:
            cursor.execute(sql.SET_HISTORY, ["off"])
        cursor.execute(sql.lock_live(live))
        if mode == "replace":
            bound_replace(cursor, history)
        blockers = tuple(swapping.blockers(cursor, live)) if swap else ()
        if swap and not blockers:
            result = _build_and_swap(cursor, staging, live, multi, batch_id)
        else:
            result = _row_by_row(cursor, staging, live, mode, key, multi, batch_id)
            result.swap_blockers = blockers
        if mode == "replace":
            record_replace(cursor, live, result, history)
        report = batch["report"](result)
        cursor.execute(sql.FINISH_BATCH, [json.dumps(report, ensure_ascii=False), batch_id])
    return result


def bound_replace(cursor, history: bool) -> None:
    """A replace without per-row history writes no tombstones (layers/changefeed.py)."""
    if not history:
        cursor.execute(sql.TOMBSTONES_OFF)


def record_replace(cursor, live: str, result: ApplyResult, history: bool) -> None:
    """The replace's one change-feed event ("layer replaced at T; fetch it again"). Without
    history, the layer's earlier tombstones go too: the event supersedes them, so a layer
    reloaded every month keeps no more tombstones than its edits since the last reload.
    With history (small replaces) they stay: the admin restores deleted features from them."""
    cursor.execute(sql.RECORD_REPLACE, [live, result.batch_id, result.deleted])
    if not history:
        cursor.execute(sql.DROP_SUPERSEDED_TOMBSTONES, [live])


def _row_by_row(cursor, staging: Staging, live: str, mode: str, key: tuple[str, ...],
                multi: bool, batch_id: int) -> ApplyResult:
    """DELETE (replace) and INSERT / upsert in the live table; its triggers capture it."""
    deleted = inserted = updated = 0
    if mode == "replace":
        cursor.execute(sql.delete_all(live))
        deleted = cursor.rowcount
    if mode == "upsert":
        cursor.execute(sql.upsert_from(staging.name, live, staging.columns, key, multi), [batch_id])
        inserted, updated = cursor.fetchone()
    else:
        cursor.execute(sql.insert_from(staging.name, live, staging.columns, multi), [batch_id])
        inserted = cursor.rowcount
    return ApplyResult(batch_id, inserted, updated, deleted)


def _build_and_swap(cursor, staging: Staging, live: str, multi: bool,
                    batch_id: int) -> ApplyResult:
    """Replace by building the twin table, then swapping it in (see ingest.swap)."""
    timings = {}
    table = swapping.shape(cursor, live)
    twin = swapping.build_name(staging.token)
    params = connection.get_connection_params()
    early, written = staging.early, None
    if early is not None and swapping.still_fits(cursor, early, table, live):
        # the twin is complete: capture the change while its indexes build (this
        # transaction then holds a lock on the twin, so only now that it is kept)
        written = swapping.replaced(cursor, live)
        _capture(cursor, live, twin, timings)
        early.wait()
    elif early is not None:  # the live table changed meanwhile: a new twin (same rows, ids)
        early.wait()
        staging.name = f"{sql.STAGING_PREFIX}{staging.token}"
        swapping.set_aside(params, early, staging.name)
        early = None

    def count() -> int:
        return swapping.replaced(cursor, live) if written is None else written

    inserted, deleted = swapping.build(cursor, params, table, live, staging, multi, batch_id,
                                       timings, count, early)
    if written is None:
        _capture(cursor, live, twin, timings)
    started = time.monotonic()
    swapping.lock_for_swap(cursor, live)
    swapping.swap(cursor, table, live, twin, inserted)
    timings["apply: swap"] = round(time.monotonic() - started, 2)
    return ApplyResult(batch_id, inserted, 0, deleted, swapped=True, timings=timings)


def _capture(cursor, live: str, twin: str, timings: dict[str, float]) -> None:
    started = time.monotonic()
    swapping.capture(cursor, live, live, twin)
    timings["apply: invalidate"] = round(time.monotonic() - started, 2)


def relation_kind(table: str) -> str | None:
    """pg_class.relkind of a layer's relation in public ('r' table, 'v' view), or None."""
    with raw_cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(format('public.%%I', %s))",
                       [table])
        row = cursor.fetchone()
    return row[0] if row else None


def province_region_wkb(buffer_m: float) -> bytes | None:
    """The admin_provinces area plus a buffer, as WKB in EPSG:9214 (None when empty)."""
    with raw_cursor() as cursor:
        cursor.execute(sql.PROVINCE_REGION, [buffer_m])
        row = cursor.fetchone()
    return bytes(row[0]) if row and row[0] is not None else None

