# SPDX-License-Identifier: MIT
"""Build and swap: a large ``replace`` builds the new layer table beside the live one.

Deleting 500k rows and inserting 500k into a table with two GiST indexes, a unique key and
per-statement triggers costs far more than filling an empty twin table and building its
indexes afterwards (sorted GiST builds). Everything runs inside the apply transaction: the
live table is only locked SHARE ROW EXCLUSIVE (writers wait, readers go on) while the twin
is built; ACCESS EXCLUSIVE is taken for the swap itself (catalog renames, milliseconds). A
killed run rolls back with its transaction, twin table included: nothing is left behind.

The twin gets everything the catalog says the live table has (constraints, indexes and
triggers under their exact names, the identity sequence and its position, owner, grants,
comment), and the swap writes what the change-capture triggers would have written for
"delete everything, insert the new features" with history off. A table the swap cannot
reproduce (views or foreign keys pointing at it, policies, ...) keeps the row-by-row path.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from psycopg2 import errors

from ingest import sql
from ingest.errors import IngestError

LOCK_TIMEOUT = "5s"  # per attempt to take ACCESS EXCLUSIVE for the swap
LOCK_ATTEMPTS = 3
LOCK_PAUSE_S = 1.0


@dataclass(frozen=True)
class Sequence:
    """A column fed by a sequence: identity ('a'/'d') or serial ('')."""

    column: str
    identity: str
    schema: str
    name: str
    settings: tuple  # type, increment, min, max, start, cache, cycle


@dataclass(frozen=True)
class Shape:
    """What the catalog says the live table has besides its columns."""

    oid: int
    owner: str
    comment: str | None
    grants: list[tuple[str, str, bool]]
    constraints: list[tuple[str, str, str, str | None]]  # name, definition, type, index name
    indexes: list[tuple[str, bool, str]]  # name, unique, definition from USING
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


def shape(cursor, live: str) -> Shape:
    """Read the live table's constraints, indexes, triggers, sequences, owner and grants."""
    cursor.execute(sql.TABLE_OID, [live])
    oid = cursor.fetchone()[0]
    cursor.execute(sql.TABLE_FACTS, [oid])
    owner, comment = cursor.fetchone()
    rows = {}
    for name, query in (("grants", sql.TABLE_GRANTS), ("constraints", sql.TABLE_CONSTRAINTS),
                        ("triggers", sql.TABLE_TRIGGERS)):
        cursor.execute(query, [oid])
        rows[name] = [tuple(row) for row in cursor.fetchall()]
    cursor.execute(sql.TABLE_INDEXES, {"t": oid})
    indexes = [tuple(row) for row in cursor.fetchall()]
    cursor.execute(sql.TABLE_SEQUENCES, {"t": oid})
    sequences = [Sequence(column, identity, schema, name, tuple(settings))
                 for column, identity, schema, name, *settings in cursor.fetchall()]
    return Shape(oid, owner, comment, rows["grants"], rows["constraints"], indexes,
                 rows["triggers"], sequences)


def build_name(batch_id: int) -> str:
    return f"{sql.BUILD_PREFIX}{batch_id}"


def temporary(build: str, index: int) -> str:
    """The name a constraint or index carries until the swap gives it the live one."""
    return f"{build}_{index}"


def build(cursor, table: Shape, live: str, staging, multi: bool, batch_id: int) -> int:
    """Create and fill the twin table, then its keys and indexes; the rows inserted."""
    name = build_name(batch_id)
    cursor.execute(sql.create_build(name, live))
    identities = [(s.column, s.schema, s.name) for s in table.sequences if s.identity]
    cursor.execute(sql.insert_build(name, staging.name, staging.columns, identities, multi),
                   [batch_id])
    inserted = cursor.rowcount
    for number, (_name, definition, kind, _index) in enumerate(table.constraints):
        if kind != "f":
            cursor.execute(sql.add_constraint(name, temporary(name, number), definition))
    for number, (_index, unique, tail) in enumerate(table.indexes, len(table.constraints)):
        cursor.execute(sql.create_index(name, temporary(name, number), unique, tail))
    cursor.execute(sql.analyze(name))
    for number, (_name, definition, kind, _index) in enumerate(table.constraints):
        if kind == "f":  # last: it locks the referenced table until commit
            cursor.execute(sql.add_constraint(name, temporary(name, number), definition))
    return inserted


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


def capture(cursor, layer: str, live: str, name: str) -> int:
    """Tombstones, tile invalidation and notification of the replace; old features count."""
    cursor.execute(sql.tombstone_all(layer, live))
    deleted = cursor.rowcount
    cursor.execute(sql.untombstone(layer, name))
    cursor.execute(sql.invalidate_both(layer, live, name))
    cursor.execute(sql.NOTIFY_CHANGES, [layer])
    return deleted


def swap(cursor, table: Shape, live: str, batch_id: int) -> None:
    """Replace the live table by its twin, under the live names, in this transaction."""
    name = build_name(batch_id)
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
    for number, (constraint, _definition, kind, index) in enumerate(table.constraints):
        cursor.execute(sql.rename_constraint(live, temporary(name, number), constraint))
        if kind != "f" and index and index != constraint:
            cursor.execute(sql.rename_index(constraint, index))
    for number, (index, _unique, _tail) in enumerate(table.indexes, len(table.constraints)):
        cursor.execute(sql.rename_index(temporary(name, number), index))


def _restore_access(cursor, table: Shape, live: str) -> None:
    cursor.execute(sql.CURRENT_USER)
    if cursor.fetchone()[0] != table.owner:
        cursor.execute(sql.set_owner(live, table.owner))
    for grantee, privilege, grantable in table.grants:
        cursor.execute(sql.grant(live, grantee, privilege, grantable))
    if table.comment is not None:
        cursor.execute(sql.comment_table(live), [table.comment])
