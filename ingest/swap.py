# SPDX-License-Identifier: MIT
"""Build and swap: a large ``replace`` builds the new layer table beside the live one.

Deleting 500k rows and inserting 500k into a table with two GiST indexes, a unique key and
per-statement triggers costs far more than filling an empty twin table and building its
indexes afterwards (sorted GiST builds). The apply transaction takes SHARE ROW EXCLUSIVE on
the live table (writers wait, readers go on) and reserves the new ids; two helper
connections then create and fill the twin (half the staged rows each) and build its indexes
side by side, while the apply transaction counts the live rows (which cannot change any
more; the replace is one change-feed event, not a tombstone per row: layers/changefeed.py). Then the keys are attached, ANALYZE, foreign keys, the tile
invalidation, and ACCESS
EXCLUSIVE (lock timeout, retries) only for the swap itself: DROP live, RENAME twin, names,
identity, triggers, grants restored: catalog work, readers wait milliseconds.

The live table only changes when the apply transaction commits. The twin is committed by
the helpers and named after the run's advisory lock, like the staging table: a failed run
drops it, a killed run's twin is dropped by the next run (``load.clean_stale_staging``).

When the source's feature count announces a build and swap, there is no staging table:
the batches are COPYed straight into the twin (``Early``). Ids and the batch id are reserved
first, Python writes each batch's ids, batch id and EWKB (SRID, multi type) around the
source bytes, two connections COPY in turn (the generated EPSG:4326 column is computed on
the database's cores while Python checks the next batch). After the last batch the two
connections build every index and ANALYZE, the natural-key index first: if it finds
duplicates, they are deleted (the first by id stays) and it is built again. The apply
transaction checks, under the writers' lock, that the live table still matches (else it
builds a new twin from this one, same ids).

The twin gets everything the catalog says the live table has (constraints, indexes and
triggers under their exact names, the identity sequence and its position, owner, grants,
comment), and the swap writes what the change-capture triggers would have written for
"delete everything, insert the new features" with history and tombstones off. A table the swap cannot
reproduce (views or foreign keys pointing at it, policies, ...) keeps the row-by-row path.
"""
from __future__ import annotations

import functools
import io
import queue
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psycopg2
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg2 import errors

from ingest import geometry, pgbinary, sql
from ingest.errors import IngestError
from layers import sql as layer_sql

# ACCESS EXCLUSIVE for the swap: readers arriving while it is awaited queue behind it, so
# each attempt is short (readers stall at most LOCK_TIMEOUT), and there are several
LOCK_TIMEOUT = "1s"
LOCK_ATTEMPTS = 10
LOCK_PAUSE_S = 0.5
WORKERS = 2  # helper connections filling the twin and building its indexes
IN_FLIGHT = 4  # batches handed to the COPY connections and not yet written
COPY_CHUNK = 1 << 20  # bytes per write to the server (psycopg2's default, 8 KB, costs calls)


@dataclass(frozen=True)
class Sequence:
    """A column fed by a sequence: identity ('a'/'d') or serial ('')."""

    column: str
    identity: str
    schema: str
    name: str
    settings: tuple  # type, increment, min, max, start, cache, cycle


@dataclass(frozen=True)
class Index:
    """An index of the live table, and the PRIMARY KEY / UNIQUE constraint it backs."""

    name: str
    unique: bool
    definition: str  # from USING, as pg_get_indexdef writes it
    constraint: str | None
    kind: str | None  # 'p' or 'u'
    deferrable: bool
    deferred: bool


@dataclass(frozen=True)
class Shape:
    """What the catalog says the live table has besides its columns."""

    oid: int
    owner: str
    comment: str | None
    grants: list[tuple[str, str, bool]]
    indexes: list[Index]
    foreign_keys: list[tuple[str, str]]  # name, definition
    triggers: list[tuple[str, str]]  # name, CREATE TRIGGER statement
    sequences: list[Sequence]


def blockers(cursor, live: str) -> list[str]:
    """Why ``live`` cannot be rebuilt under its name (empty: it can)."""
    cursor.execute(sql.TABLE_OID, [live])
    oid = cursor.fetchone()[0]
    if oid is None:
        return [f"không có bảng {live}"]
    cursor.execute(sql.SWAP_BLOCKERS, {"t": oid})
    return [reason for (reason,) in cursor.fetchall()]


def _rows(cursor, query: str, params) -> list[tuple]:
    cursor.execute(query, params)
    return [tuple(row) for row in cursor.fetchall()]


def shape(cursor, live: str) -> Shape:
    """Read the live table's indexes, constraints, triggers, sequences, owner and grants."""
    cursor.execute(sql.TABLE_OID, [live])
    oid = cursor.fetchone()[0]
    cursor.execute(sql.TABLE_FACTS, [oid])
    owner, comment = cursor.fetchone()
    sequences = [Sequence(column, identity, schema, name, tuple(settings))
                 for column, identity, schema, name, *settings
                 in _rows(cursor, sql.TABLE_SEQUENCES, {"t": oid})]
    return Shape(oid, owner, comment, _rows(cursor, sql.TABLE_GRANTS, [oid]),
                 [Index(*row) for row in _rows(cursor, sql.TABLE_INDEXES, {"t": oid})],
                 _rows(cursor, sql.TABLE_FOREIGN_KEYS, [oid]),
                 _rows(cursor, sql.TABLE_TRIGGERS, [oid]), sequences)


def build_name(token: int) -> str:
    """The twin table of the run holding advisory lock ``token`` (see load.clean_stale_staging)."""
    return f"{sql.BUILD_PREFIX}{token}"


def temporary(build: str, index: int) -> str:
    """The name an index or constraint carries until the swap gives it the live one."""
    return f"{build}_{index}"


class Helpers:
    """Extra connections (autocommit) that fill the twin and build its indexes side by side;
    each has its own thread, so the jobs given to one connection run in order."""

    def __init__(self, params: dict, count: int = WORKERS) -> None:
        self.connections, self.pools = [], []
        for number in range(count):
            helper = psycopg2.connect(**params)
            helper.autocommit = True
            with helper.cursor() as cursor:
                cursor.execute(sql.NO_PARALLEL_BUILDS)
            self.connections.append(helper)
            self.pools.append(ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix=f"ingest-helper{number}"))

    def start(self, jobs: list[list[tuple]]) -> list[Future]:
        """Start job i (statements with their parameters) on connection i."""
        return [pool.submit(_run, helper, job)
                for pool, helper, job in zip(self.pools, self.connections, jobs, strict=False)]

    def run(self, jobs: list[list[tuple]]) -> list[int]:
        """Run the jobs side by side; the rows each wrote."""
        return [future.result() for future in self.start(jobs)]

    def share(self, items: list) -> list[Future]:
        """Run the items (statements, or functions of a connection) on the connections,
        each taking the next one when it is free."""
        pending = queue.SimpleQueue()
        for item in items:
            pending.put(item)
        return [pool.submit(_drain, helper, pending)
                for pool, helper in zip(self.pools, self.connections, strict=True)]

    def close(self) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)
        for helper in self.connections:
            helper.close()

    def __enter__(self) -> Helpers:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _run(helper, job: list[tuple]) -> int:
    written = 0
    with helper.cursor() as cursor:
        for statement, params in job:
            cursor.execute(statement, params)
            written += max(cursor.rowcount, 0)
    return written


def _drain(helper, pending: queue.SimpleQueue) -> int:
    """Take statements (or functions of the connection) from ``pending`` until it is empty."""
    written = 0
    while True:
        try:
            item = pending.get_nowait()
        except queue.Empty:
            return written
        written += item(helper) if callable(item) else _run(helper, [item])


@contextmanager
def _transaction(params: dict) -> Iterator:
    """A cursor in one transaction on a connection of its own (committed, then closed)."""
    with closing(psycopg2.connect(**params)) as pg_connection:
        with pg_connection, pg_connection.cursor() as cursor:
            yield cursor


class Copier(Helpers):
    """COPYs batches straight into the twin on the helpers, in turn: PostgreSQL parses,
    reprojects (the generated column) and writes on its cores while Python prepares the next
    batches. At most IN_FLIGHT batches wait (memory stays flat); the same connections then
    build the twin's indexes."""

    def __init__(self, params: dict, count: int = WORKERS) -> None:
        super().__init__(params, count)
        self.sent, self.futures = 0, []

    def send(self, write: Callable[[], tuple[object, io.BytesIO]], rows: int) -> None:
        """COPY what ``write`` returns (statement, data; written in the worker thread)."""
        pending = [future for future in self.futures if not future.done()]
        if len(pending) >= IN_FLIGHT:
            pending[0].result()
        number = self.sent % len(self.connections)
        self.sent += 1
        self.futures.append(self.pools[number].submit(_copy, self.connections[number], write,
                                                      rows))

    def finish(self) -> int:
        """Wait for every batch; the rows written."""
        return sum(future.result() for future in self.futures)


def _copy(helper, write: Callable[[], tuple[object, io.BytesIO]], rows: int) -> int:
    statement, data = write()
    with helper.cursor() as cursor:
        cursor.copy_expert(statement, data, COPY_CHUNK)
    return rows


@dataclass
class Early:
    """The twin table of a build and swap, filled while staging: ids and the batch id were
    taken before staging, and each batch is COPYed straight into it (``send``).

    ``blocks`` (first row, first id of each sequence column) give row r the id
    first + (r - first row) of its block: the first block holds the source's count, a source
    that yields more rows gets more blocks (``more_ids``). ``sequences`` (column, schema,
    name) are those the ids came from; the apply transaction uses the twin as it is only if
    the live table still has them, the same columns and the same indexes; otherwise it
    builds a new twin from this one (same ids).
    """

    name: str
    live: str
    params: dict
    columns: list[str]  # the staged columns, geometry last
    id_columns: list[str]
    sequences: list[tuple[str, str, str]]
    blocks: list[tuple[int, list[int]]]
    reserved: int
    batch_id: int
    multi: bool
    key: tuple[str, ...]  # the layer's natural key
    fids: Path  # the source fid of each row sent, 8 bytes each (memory stays flat)
    copier: Copier | None = None
    indexes: list[Index] = field(default_factory=list)  # the live table's, before staging
    rows: int = 0
    filled: int = 0
    building: list[Future] = field(default_factory=list)
    deduped: Future | None = None  # the natural-key duplicates removed (id, first id)
    encoders: list | None = None  # binary COPY encoders of the columns sent (None: CSV)

    @classmethod
    def reserved_for(cls, name: str, live: str, params: dict, columns: list[tuple[str, str]],
                     table: Shape, ids: list[tuple[str, int]], expected: int, batch_id: int,
                     multi: bool, key: tuple[str, ...], fids: Path) -> Early:
        """The empty twin ``name`` of ``live`` (shape ``table``) with ``expected`` ids
        reserved (column, first id) and its batch id, for the staged ``columns`` (name, SQL
        type): open the COPY connections."""
        encoders = [pgbinary.encoder(kind) for kind in
                    ["bigint"] * len(ids) + [kind for _, kind in columns] + ["bigint"]]
        return cls(name, live, params, [column for column, _ in columns],
                   [column for column, _ in ids], sequence_names(table),
                   [(0, [first for _, first in ids])], expected, batch_id, multi, key, fids,
                   Copier(params), table.indexes,
                   encoders=encoders if None not in encoders else None)

    def send(self, table: pa.Table) -> None:
        """COPY one batch of accepted rows (fid, staged columns, geometry as WKB)."""
        first, self.rows = self.rows, self.rows + table.num_rows
        ids = self._ids(first, table.num_rows)
        with self.fids.open("ab") as out:
            out.write(table.column("fid").to_numpy().astype("<i8").tobytes())

        def write() -> tuple[object, io.BytesIO]:
            """The COPY statement and its data: binary when every value allows, else CSV."""
            geom = geometry.ewkb(table.column("geom").combine_chunks(), geometry.STORAGE_SRID,
                                 self.multi)
            columns = [*ids, *(table.column(name).combine_chunks()
                               for name in self.columns[:-1]),
                       geom, pa.array(np.full(table.num_rows, self.batch_id))]
            data = pgbinary.batch(columns, self.encoders) if self.encoders else None
            if data is not None:
                return sql.copy_build(self.name, self.twin_columns, "binary"), io.BytesIO(data)
            columns[-2] = geometry.hex_wkb(geom)
            return sql.copy_build(self.name, self.twin_columns, "csv"), \
                csv_buffer(pa.table(dict(zip(self.twin_columns, columns, strict=True))))

        self.copier.send(write, table.num_rows)

    @property
    def twin_columns(self) -> list[str]:
        """The columns each batch fills: ids, the staged columns, the batch id."""
        return [*self.id_columns, *self.columns, "ingest_batch_id"]

    def _ids(self, first: int, count: int) -> list[pa.Array]:
        """The ids of rows ``first`` .. ``first + count - 1``, per sequence column."""
        while first + count > self.reserved:
            self.more_ids(max(count, self.reserved))
        rows = np.arange(first, first + count)
        starts = np.array([start for start, _ in self.blocks])
        firsts = np.array([ids for _, ids in self.blocks])  # block x sequence column
        block = np.searchsorted(starts, rows, side="right") - 1
        offset = rows - starts[block]
        return [pa.array(firsts[block, column] + offset)
                for column in range(len(self.id_columns))]

    def more_ids(self, count: int) -> None:
        """The source yields more rows than it announced: ``count`` more ids (a new block)."""
        with _transaction(self.params) as cursor:
            table, ids = reserve(cursor, self.live, count)
            check_sequences(table, self, self.live)
        self.blocks.append((self.reserved, [first for _, first in ids]))
        self.reserved += count

    def finish(self) -> None:
        """Wait until the twin holds every batch, then start ``prebuild``."""
        try:
            self.filled = self.copier.finish()
        except BaseException:
            self.close()
            raise
        self.prebuild()

    def prebuild(self) -> None:
        """Build all the twin's indexes and ANALYZE it while the next steps go on. The
        natural-key index goes first: when its build finds duplicates, they are removed from
        the twin (the first by id stays) and it is built again (``duplicates``)."""
        key = natural_key_index(self.indexes, self.key)
        builds = _index_builds(self.indexes, self.name,
                               [number for number in range(len(self.indexes)) if number != key],
                               analyze=True)
        if key is not None:
            self.deduped = Future()
            builds.insert(0, functools.partial(self._build_key, key))
        self.building = self.copier.share(builds)

    def _build_key(self, number: int, helper) -> int:
        """Build the natural-key index; on duplicates, remove them and build it again."""
        index = self.indexes[number]
        build = (sql.create_index(self.name, temporary(self.name, number), True,
                                  index.definition), None)
        try:
            try:
                _run(helper, [build])
                removed = []
            except errors.UniqueViolation:
                with helper.cursor() as cursor:
                    removed = self._delete_duplicates(cursor)
                _run(helper, [build])
        except BaseException as exc:
            self.deduped.set_exception(exc)
            raise
        self.deduped.set_result(removed)
        return 0

    def duplicates(self) -> list[tuple[int, int]]:
        """(fid, fid of the first feature with the same key) for each natural-key duplicate,
        removed from the twin (by the key's index build, else by a query)."""
        if self.deduped is not None:
            removed = self.deduped.result()
        else:
            with _transaction(self.params) as cursor:
                removed = self._delete_duplicates(cursor)
        if not removed:
            return []
        self.filled -= len(removed)
        fids = np.fromfile(self.fids, dtype="<i8")
        rows = self._rows(np.array(removed, dtype=np.int64))
        return sorted(zip(fids[rows[:, 0]].tolist(), fids[rows[:, 1]].tolist(), strict=True))

    def _delete_duplicates(self, cursor) -> list[tuple[int, int]]:
        """Delete all but the first (by id) feature of each natural key; (id, first id)."""
        cursor.execute(sql.delete_duplicates(self.name, self.key, self.id_columns[0]))
        return cursor.fetchall()

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows (numbers in the order sent) of ids of the first sequence column."""
        starts = np.array([start for start, _ in self.blocks])
        firsts = np.array([first[0] for _, first in self.blocks])
        sizes = np.diff(np.append(starts, self.reserved))
        rows = np.full(ids.shape, -1, dtype=np.int64)
        for start, first, size in zip(starts, firsts, sizes, strict=True):
            inside = (ids >= first) & (ids < first + size)
            rows[inside] = start + ids[inside] - first
        return rows

    def wait(self) -> None:
        """Until the prebuilt indexes and ANALYZE are done; close the COPY connections."""
        try:
            for future in self.building:
                future.result()
        finally:
            self.close()

    def close(self) -> None:
        if self.copier is not None:
            copier, self.copier = self.copier, None
            copier.close()

    def __enter__(self) -> Early:
        return self

    def __exit__(self, *exc_info) -> None:
        """Nothing: ``finish`` waits for the batches, ``close`` (also on failure) ends them."""


def csv_buffer(table: pa.Table) -> io.BytesIO:
    """The table as CSV for COPY (no header; quoted where needed)."""
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False,
                                                      quoting_style="needed"))
    buffer.seek(0)
    return buffer


def check_sequences(table: Shape, early: Early, live: str) -> None:
    """The live table still has the sequences the early twin's ids came from."""
    if sequence_names(table) != early.sequences:
        raise IngestError(f"cấu trúc lớp {live} (chuỗi số id) đã đổi trong khi nhập: lớp "
                          "không thay đổi, hãy chạy lại lệnh nhập")


def set_aside(params: dict, early: Early, aside: str) -> None:
    """Rename an early twin that no longer fits to ``aside`` and drop its indexes (committed,
    on its own connection): the apply transaction's helpers build the new twin from it."""
    with _transaction(params) as cursor:
        cursor.execute(sql.rename_table(early.name, aside))
        for number in range(len(early.indexes)):
            cursor.execute(sql.drop_index(temporary(early.name, number)))


def sequence_names(table: Shape) -> list[tuple[str, str, str]]:
    return [(sequence.column, sequence.schema, sequence.name) for sequence in table.sequences]


def columns(cursor, table: str) -> list[tuple]:
    cursor.execute(sql.TABLE_OID, [table])
    return _rows(cursor, sql.TABLE_COLUMNS, [cursor.fetchone()[0]])


def still_fits(cursor, early: Early, table: Shape, live: str) -> bool:
    """Under the writers' lock: the early twin matches the live table as it is now."""
    return (sequence_names(table) == early.sequences and early.indexes == table.indexes
            and columns(cursor, live) == columns(cursor, early.name))


def reserve(cursor, live: str, rows: int) -> tuple[Shape, list[tuple[str, int]]]:
    """In the caller's transaction: lock ``live`` against writers, read its shape, and take
    ``rows`` ids from each of its sequences."""
    cursor.execute(sql.lock_live(live))
    table = shape(cursor, live)
    return table, reserve_ids(cursor, table, rows)


def reserve_ids(cursor, table: Shape, rows: int) -> list[tuple[str, int]]:
    """Take ``rows`` consecutive ids from each sequence of the live table (writers wait on
    the SHARE ROW EXCLUSIVE lock); (column, first id)."""
    ids = []
    for sequence in table.sequences:
        cursor.execute(sql.RESERVE_IDS, {"seq": sql.sql_name(sequence.schema, sequence.name),
                                         "rows": rows})
        ids.append((sequence.column, cursor.fetchone()[0]))
    return ids


def natural_key_index(indexes: list[Index], key: tuple[str, ...]) -> int | None:
    """The number of the unique btree index on exactly the natural key, if there is one."""
    wanted = f"USING btree ({', '.join(key)})"
    for number, index in enumerate(indexes):
        if index.unique and index.definition.replace('"', "") == wanted:
            return number
    return None


def _index_builds(indexes: list[Index], name: str, numbers,
                  analyze: bool = False) -> list[tuple]:
    """The builds of indexes ``numbers`` (and ANALYZE), costliest first: the helpers take
    them in turn from one queue (``Helpers.share``), so both finish at about the same time."""
    builds = [(_cost(indexes[number]), sql.create_index(
        name, temporary(name, number), indexes[number].unique, indexes[number].definition))
        for number in numbers]
    if analyze:
        builds.append((2, sql.analyze(name)))
    return [(statement, None) for _cost_, statement in
            sorted(builds, key=lambda build: build[0], reverse=True)]


def _cost(index: Index) -> int:
    """Rough build cost: GiST, then several columns, then one."""
    if index.definition.startswith("USING gist"):
        return 3
    return 2 if "," in index.definition else 1


def build(cursor, params: dict, table: Shape, live: str, staging, multi: bool,
          batch_id: int, timings: dict[str, float],
          meanwhile: Callable[[], int], early: Early | None = None) -> tuple[int, int]:
    """Create and fill the twin table, then its indexes and constraints; the rows inserted
    and what ``meanwhile`` returned.

    The helpers commit the twin as they go (its name carries this run's advisory lock, so a
    killed run's twin is dropped by the next run); the live table is not touched. This
    connection runs ``meanwhile`` while the helpers fill the twin; a twin filled during
    staging (``early``) is complete already.
    """
    name = build_name(staging.token)
    if early is None:
        started = time.monotonic()
        with Helpers(params) as helpers:
            filled, answer = _fill(cursor, helpers, table, live, staging, multi, batch_id,
                                   meanwhile)
            timings["apply: fill"] = round(time.monotonic() - started, 2)
            for future in helpers.share(_index_builds(table.indexes, name,
                                                      range(len(table.indexes)), analyze=True)):
                future.result()
        timings["apply: indexes"] = round(time.monotonic() - started
                                          - timings["apply: fill"], 2)
    else:  # filled, indexed and analyzed after staging (Early.prebuild)
        filled, answer = early.filled, meanwhile()
    for number, index in enumerate(table.indexes):
        if index.constraint:
            cursor.execute(sql.constraint_using_index(name, temporary(name, number), index.kind,
                                                      index.deferrable, index.deferred))
    for number, (_constraint, definition) in enumerate(table.foreign_keys):
        # last: it locks the referenced table until commit
        cursor.execute(sql.add_constraint(name, foreign_key_name(name, number), definition))
    return filled, answer


def _fill(cursor, helpers: Helpers, table: Shape, live: str, staging, multi: bool,
          batch_id: int, meanwhile: Callable[[], int]) -> tuple[int, int]:
    """Create the twin and fill it from staging (half the rows per helper), or from the early
    twin set aside (its ids and batch), while this connection runs ``meanwhile``; the rows
    inserted and what ``meanwhile`` returned."""
    name = build_name(staging.token)
    helpers.run([[(sql.create_build(name, live), None)]])
    early = staging.early
    if early is not None:
        check_sequences(table, early, live)
        filling = helpers.start([[(sql.insert_build_from(name, staging.name,
                                                         early.twin_columns), None)]])
    else:
        ids = reserve_ids(cursor, table, staging.rows)
        half = (staging.rows + 1) // 2
        insert = sql.insert_build(name, staging.name, staging.columns, ids, multi)
        filling = helpers.start([[(insert, {"batch": batch_id, "first": first, "last": last})]
                                 for first, last in ((0, half), (half, staging.rows))])
    answer = meanwhile()
    return sum(future.result() for future in filling), answer


def foreign_key_name(build: str, number: int) -> str:
    return f"{build}_f{number}"


def lock_for_swap(cursor, live: str) -> None:
    """ACCESS EXCLUSIVE on the live table, waiting at most LOCK_TIMEOUT per attempt."""
    cursor.execute(sql.SHOW_LOCK_TIMEOUT)
    previous = cursor.fetchone()[0]
    cursor.execute(sql.SET_LOCK_TIMEOUT, [LOCK_TIMEOUT])
    for attempt in range(1, LOCK_ATTEMPTS + 1):
        cursor.execute(sql.SAVEPOINT)
        try:
            cursor.execute(sql.lock_exclusive(live))
        except (errors.LockNotAvailable, errors.DeadlockDetected):
            cursor.execute(sql.ROLLBACK_TO_SAVEPOINT)
            if attempt == LOCK_ATTEMPTS:
                raise IngestError(
                    f"lớp {live} đang được dùng (truy vấn dài hoặc giao dịch mở): không thể "
                    f"thay thế sau {LOCK_ATTEMPTS} lần chờ {LOCK_TIMEOUT}; lớp không đổi, "
                    "hãy chạy lại lệnh nhập sau") from None
            time.sleep(LOCK_PAUSE_S)
            continue
        cursor.execute(sql.RELEASE_SAVEPOINT)
        break
    cursor.execute(sql.SET_LOCK_TIMEOUT, [previous])


def replaced(cursor, live: str) -> int:
    """The features the replace removes (writers wait: the live rows cannot change)."""
    cursor.execute(sql.count_rows(live))
    return cursor.fetchone()[0]


def capture(cursor, layer: str, live: str, name: str) -> None:
    """The rest of what the triggers would have written: tile invalidation, notification
    (the replace's change-feed event: ``ingest.load.record_replace``)."""
    cursor.execute(sql.invalidate_both(layer, live, name))
    cursor.execute(sql.NOTIFY_CHANGES, [layer])


def swap(cursor, table: Shape, live: str, name: str, rows: int) -> None:
    """Replace the live table by its twin ``name`` (of ``rows`` rows), under the live names,
    in this transaction."""
    states = {}
    for sequence in table.sequences:
        if sequence.identity:
            cursor.execute(sql.sequence_state(sequence.schema, sequence.name))
            states[sequence.column] = cursor.fetchone()
        else:  # serial: the twin's default already uses it; keep it past the DROP
            cursor.execute(sql.own_sequence(sequence.schema, sequence.name, name,
                                            sequence.column))
    cursor.execute(sql.drop_redacted_view(live))
    cursor.execute(sql.drop_table(live))
    cursor.execute(sql.rename_table(name, live))
    _restore_names(cursor, table, live, name)
    for sequence in table.sequences:
        if sequence.identity:
            cursor.execute(sql.add_identity(live, sequence.column, sequence.identity,
                                            sequence.schema, sequence.name, sequence.settings))
            last, called = states[sequence.column]
            cursor.execute(sql.SET_SEQUENCE, [sql.sql_name(sequence.schema, sequence.name),
                                              last, called])
    for _trigger, statement in table.triggers:
        cursor.execute(statement)
    # the twin was filled without triggers: its kept count is set, not counted under the lock
    cursor.execute(layer_sql.reset_row_count(live, rows))
    _restore_access(cursor, table, live)
    cursor.execute(sql.NOTIFY_CATALOG)


def _restore_names(cursor, table: Shape, live: str, name: str) -> None:
    """Constraints and indexes get their exact live names back."""
    for number, index in enumerate(table.indexes):
        if index.constraint:
            cursor.execute(sql.rename_constraint(live, temporary(name, number), index.constraint))
            if index.name != index.constraint:
                cursor.execute(sql.rename_index(index.constraint, index.name))
        else:
            cursor.execute(sql.rename_index(temporary(name, number), index.name))
    for number, (constraint, _definition) in enumerate(table.foreign_keys):
        cursor.execute(sql.rename_constraint(live, foreign_key_name(name, number), constraint))


def _restore_access(cursor, table: Shape, live: str) -> None:
    cursor.execute(sql.CURRENT_USER)
    if cursor.fetchone()[0] != table.owner:
        cursor.execute(sql.set_owner(live, table.owner))
    for grantee, privilege, grantable in table.grants:
        cursor.execute(sql.grant(live, grantee, privilege, grantable))
    if table.comment is not None:
        cursor.execute(sql.comment_table(live), [table.comment])
