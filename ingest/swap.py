# SPDX-License-Identifier: MIT
"""Build and swap: a large ``replace`` builds the new layer table beside the live one.

Deleting 500k rows and inserting 500k into a table with two GiST indexes, a unique key and
per-statement triggers costs far more than filling an empty twin table and building its
indexes afterwards (sorted GiST builds). The apply transaction takes SHARE ROW EXCLUSIVE on
the live table (writers wait, readers go on) and reserves the new ids; two helper
connections then create and fill the twin (half the staged rows each) and build its indexes
side by side, while the apply transaction writes the tombstones of the live rows (which
cannot change any more). Then the keys are attached, ANALYZE, foreign keys, the tile
invalidation, and ACCESS
EXCLUSIVE (lock timeout, retries) only for the swap itself: DROP live, RENAME twin, names,
identity, triggers, grants restored: catalog work, readers wait milliseconds.

The live table only changes when the apply transaction commits. The twin is committed by
the helpers and named after the run's advisory lock, like the staging table: a failed run
drops it, a killed run's twin is dropped by the next run (``load.clean_stale_staging``).

When the source's feature count announces a build and swap, the twin is filled while staging
(``Early``): ids and the batch id are reserved first, each COPYed range is inserted right
away by one of the helpers, the non-unique indexes are built while the duplicates are
looked for; the apply transaction checks, under the writers' lock, that the live table
still matches (else it builds the twin anew from staging) and builds the unique indexes.

The twin gets everything the catalog says the live table has (constraints, indexes and
triggers under their exact names, the identity sequence and its position, owner, grants,
comment), and the swap writes what the change-capture triggers would have written for
"delete everything, insert the new features" with history off. A table the swap cannot
reproduce (views or foreign keys pointing at it, policies, ...) keeps the row-by-row path.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg2
from psycopg2 import errors

from ingest import sql
from ingest.errors import IngestError

# ACCESS EXCLUSIVE for the swap: readers arriving while it is awaited queue behind it, so
# each attempt is short (readers stall at most LOCK_TIMEOUT), and there are several
LOCK_TIMEOUT = "1s"
LOCK_ATTEMPTS = 10
LOCK_PAUSE_S = 0.5
WORKERS = 2  # helper connections filling the twin and building its indexes


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
    """Extra connections (autocommit) that fill the twin and build its indexes side by side."""

    def __init__(self, params: dict, count: int = WORKERS) -> None:
        self.connections = []
        for _ in range(count):
            helper = psycopg2.connect(**params)
            helper.autocommit = True
            self.connections.append(helper)
        self.pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="ingest-build")

    def start(self, jobs: list[list[tuple]]) -> list[Future]:
        """Start job i (statements with their parameters) on connection i."""
        return [self.pool.submit(_run, helper, job)
                for helper, job in zip(self.connections, jobs, strict=False)]

    def run(self, jobs: list[list[tuple]]) -> list[int]:
        """Run the jobs side by side; the rows each wrote."""
        return [future.result() for future in self.start(jobs)]

    def __enter__(self) -> Helpers:
        return self

    def __exit__(self, *exc_info) -> None:
        self.pool.shutdown(wait=True)
        for helper in self.connections:
            helper.close()


def _run(helper, job: list[tuple]) -> int:
    written = 0
    with helper.cursor() as cursor:
        for statement, params in job:
            cursor.execute(statement, params)
            written += max(cursor.rowcount, 0)
    return written


class Filler:
    """Fills the twin from staging while staging goes on: each COPYed range of row numbers is
    inserted by one of WORKERS connections (autocommit, in turn), so the reprojection and the
    writes run on the database's cores while Python prepares the next batches."""

    def __init__(self, params: dict, insert, batch_id: int, count: int = WORKERS) -> None:
        self.insert, self.batch_id, self.sent = insert, batch_id, 0
        self.connections, self.pools, self.futures = [], [], []
        for number in range(count):
            helper = psycopg2.connect(**params)
            helper.autocommit = True
            with helper.cursor() as cursor:
                cursor.execute(sql.SET_NO_SEQSCAN)  # each range through the row_no index
            self.connections.append(helper)
            self.pools.append(ThreadPoolExecutor(max_workers=1,
                                                 thread_name_prefix=f"ingest-fill{number}"))

    def add(self, first: int, last: int) -> None:
        """Insert staged rows ``first <= row_no < last`` (already committed) into the twin."""
        number = self.sent % len(self.connections)
        self.sent += 1
        job = [(self.insert, {"batch": self.batch_id, "first": first, "last": last})]
        self.futures.append(self.pools[number].submit(_run, self.connections[number], job))

    def finish(self) -> int:
        """Wait for every range; the rows inserted."""
        return sum(future.result() for future in self.futures)

    def start(self, jobs: list[list[tuple]]) -> list[Future]:
        """Start job i (statements with their parameters) on connection i."""
        return [pool.submit(_run, helper, job)
                for pool, helper, job in zip(self.pools, self.connections, jobs, strict=False)]

    def close(self) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)
        for helper in self.connections:
            helper.close()


@dataclass
class Early:
    """A twin table filled during staging: its ids and batch id were taken before staging.

    ``sequences`` (column, schema, name) are those the ids came from; the apply transaction
    uses the twin only if the live table still has them and the same columns, and every
    staged row got an id (``usable``); otherwise it drops the twin and builds it anew.
    """

    name: str
    ids: list[tuple[str, int]]
    sequences: list[tuple[str, str, str]]
    reserved: int
    batch_id: int
    filler: Filler | None = None
    indexes: list[Index] = field(default_factory=list)  # the live table's, before staging
    filled: int = 0
    usable: bool = True
    prebuilt: tuple[int, ...] = ()  # indexes (by number) built after staging, see prebuild
    building: list[Future] = field(default_factory=list)

    def copied(self, first: int, last: int) -> None:
        """A range of rows reached staging: fill it into the twin (if it has ids for it)."""
        if last > self.reserved:
            self.usable = False
        if self.usable and self.filler is not None:
            self.filler.add(first, last)

    def finish(self) -> None:
        """Wait until the twin holds every staged row, then start ``prebuild``."""
        try:
            self.filled = self.filler.finish()
        except BaseException:
            self.close()
            raise
        if self.usable and self.ids:
            self.prebuild()

    def prebuild(self) -> None:
        """Build the twin's non-unique indexes and ANALYZE it while the duplicates are looked
        for (the unique ones wait for their removal, in the apply transaction)."""
        self.prebuilt = tuple(number for number, index in enumerate(self.indexes)
                              if not index.unique)
        jobs = _index_jobs(self.indexes, self.name, self.prebuilt)
        jobs[0].append((sql.analyze(self.name), None))
        self.building = self.filler.start(jobs)

    def wait(self) -> None:
        """Until the prebuilt indexes and ANALYZE are done; close the fill connections."""
        try:
            for future in self.building:
                future.result()
        finally:
            self.close()

    def close(self) -> None:
        if self.filler is not None:
            filler, self.filler = self.filler, None
            filler.close()

    def remove(self, cursor, row_numbers: list[int]) -> None:
        """Delete the features staged as ``row_numbers`` (natural-key duplicates) from the twin."""
        if not row_numbers or not self.usable:
            return
        column, first = self.ids[0]
        cursor.execute(sql.delete_from_build(self.name, column),
                       [[first + number for number in row_numbers]])
        self.filled -= cursor.rowcount


def drop_build(params: dict, name: str) -> None:
    """Drop an early twin that no longer fits, on its own connection: the apply
    transaction's helpers create the new twin under the same name right after."""
    with Helpers(params, 1) as helpers:
        helpers.run([[(sql.drop_table(name), None)]])


def sequence_names(table: Shape) -> list[tuple[str, str, str]]:
    return [(sequence.column, sequence.schema, sequence.name) for sequence in table.sequences]


def columns(cursor, table: str) -> list[tuple]:
    cursor.execute(sql.TABLE_OID, [table])
    return _rows(cursor, sql.TABLE_COLUMNS, [cursor.fetchone()[0]])


def still_fits(cursor, early: Early, table: Shape, live: str) -> bool:
    """Under the writers' lock: the early twin matches the live table as it is now."""
    return (early.usable and early.ids != [] and sequence_names(table) == early.sequences
            and early.indexes == table.indexes
            and columns(cursor, live) == columns(cursor, early.name))


def reserve_ids(cursor, table: Shape, rows: int) -> list[tuple[str, int]]:
    """Take ``rows`` consecutive ids from each sequence of the live table (writers wait on
    the SHARE ROW EXCLUSIVE lock); (column, first id)."""
    ids = []
    for sequence in table.sequences:
        cursor.execute(sql.RESERVE_IDS, {"seq": sql.sql_name(sequence.schema, sequence.name),
                                         "rows": rows})
        ids.append((sequence.column, cursor.fetchone()[0]))
    return ids


def _index_jobs(indexes: list[Index], name: str, numbers) -> list[list[tuple]]:
    """The builds of indexes ``numbers``, spread over the helpers (the costly GiST ones
    first, alternating)."""
    order = sorted(numbers, key=lambda n: not indexes[n].definition.startswith("USING gist"))
    jobs = [[] for _ in range(WORKERS)]
    for position, number in enumerate(order):
        index = indexes[number]
        jobs[position % WORKERS].append(
            (sql.create_index(name, temporary(name, number), index.unique, index.definition),
             None))
    return jobs


def build(cursor, params: dict, table: Shape, live: str, staging, multi: bool,
          batch_id: int, timings: dict[str, float],
          meanwhile: Callable[[], int], early: Early | None = None) -> tuple[int, int]:
    """Create and fill the twin table, then its indexes and constraints; the rows inserted
    and what ``meanwhile`` returned.

    The helpers commit the twin as they go (its name carries this run's advisory lock, so a
    killed run's twin is dropped by the next run); the live table is not touched. This
    connection runs ``meanwhile`` while the helpers fill the twin, or, when the twin was
    filled during staging (``early``), while they build its remaining indexes.
    """
    name = build_name(staging.token)
    started = time.monotonic()
    everything = range(len(table.indexes))
    with Helpers(params) as helpers:
        if early is None:
            filled, answer = _fill(cursor, helpers, table, live, staging, multi, batch_id,
                                   meanwhile)
            timings["apply: fill"] = round(time.monotonic() - started, 2)
            helpers.run(_index_jobs(table.indexes, name, everything))
        else:
            filled = early.filled
            building = helpers.start(_index_jobs(table.indexes, name, [
                number for number in everything if number not in early.prebuilt]))
            answer = meanwhile()
            for future in building:
                future.result()
    timings["apply: indexes"] = round(time.monotonic() - started
                                      - timings.get("apply: fill", 0.0), 2)
    for number, index in enumerate(table.indexes):
        if index.constraint:
            cursor.execute(sql.constraint_using_index(name, temporary(name, number), index.kind,
                                                      index.deferrable, index.deferred))
    if early is None:  # else analyzed after staging (Early.prebuild)
        cursor.execute(sql.analyze(name))
    for number, (_constraint, definition) in enumerate(table.foreign_keys):
        # last: it locks the referenced table until commit
        cursor.execute(sql.add_constraint(name, foreign_key_name(name, number), definition))
    return filled, answer


def _fill(cursor, helpers: Helpers, table: Shape, live: str, staging, multi: bool,
          batch_id: int, meanwhile: Callable[[], int]) -> tuple[int, int]:
    """Create the twin and fill it from staging (half the rows per helper) while this
    connection runs ``meanwhile``; the rows inserted and what ``meanwhile`` returned."""
    name = build_name(staging.token)
    ids = reserve_ids(cursor, table, staging.rows)
    half = (staging.rows + 1) // 2
    helpers.run([[(sql.create_build(name, live), None)]])
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


def tombstone(cursor, layer: str, live: str) -> int:
    """A tombstone per live feature (writers wait: the live rows cannot change); how many."""
    cursor.execute(sql.tombstone_all(layer, live))
    return cursor.rowcount


def capture(cursor, layer: str, live: str, name: str) -> None:
    """The rest of what the triggers would have written: tile invalidation, notification."""
    cursor.execute(sql.untombstone(layer, name))
    cursor.execute(sql.invalidate_both(layer, live, name))
    cursor.execute(sql.NOTIFY_CHANGES, [layer])


def swap(cursor, table: Shape, live: str, name: str) -> None:
    """Replace the live table by its twin ``name``, under the live names, in this transaction."""
    states = {}
    for sequence in table.sequences:
        if sequence.identity:
            cursor.execute(sql.sequence_state(sequence.schema, sequence.name))
            states[sequence.column] = cursor.fetchone()
        else:  # serial: the twin's default already uses it; keep it past the DROP
            cursor.execute(sql.own_sequence(sequence.schema, sequence.name, name,
                                            sequence.column))
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
    _restore_access(cursor, table, live)


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
