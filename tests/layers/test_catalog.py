# SPDX-License-Identifier: MIT
"""The run-time catalog: seeded from the registry, changed by `layer`, audited, announced."""
from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from layers import catalog, registry

pytestmark = pytest.mark.django_db


def read() -> catalog.Catalog:
    with connection.cursor() as cursor:
        return catalog.read(cursor)


def audit_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM layer_catalog_audit")
        return cursor.fetchone()[0]


def test_the_curated_layers_are_seeded_from_the_registry_in_its_order():
    seeded = read()
    assert seeded.layers == registry.LAYERS
    assert seeded.retired == ()
    assert seeded.get("land_parcels").sensitive == ("owner_name", "owner_id_number",
                                                     "certificate_number")


def test_set_changes_access_and_sensitive_and_audits_who_before_after(capsys):
    call_command("layer", "set", "roads", "--access", "internal", "--sensitive", "surface,lanes",
                 "--title-en", "Road network")
    roads = read().get("roads")
    assert (roads.access, roads.sensitive, roads.title_en) == (
        registry.Access.INTERNAL, ("surface", "lanes"), "Road network")
    assert roads.title_vi == "Đường bộ"  # untouched
    with connection.cursor() as cursor:
        cursor.execute("SELECT actor, operation, before->>'access', after->>'access', "
                       "after->>'sensitive' FROM layer_catalog_audit WHERE layer = 'roads' ORDER BY id")
        assert cursor.fetchall() == [
            ("migration:registry", "I", None, "public", "[]"),
            ("command:layer", "U", "public", "internal", '["surface", "lanes"]')]
    assert "access=internal" in capsys.readouterr().out


def test_a_change_that_changes_nothing_writes_no_audit_row():
    before = audit_count()
    call_command("layer", "set", "roads", "--access", "public")
    assert audit_count() == before


@pytest.mark.parametrize("args, message", [
    (["set", "nope", "--access", "internal"], "unknown layer 'nope'"),
    (["set", "roads", "--sensitive", "owner_name"], "roads has no attribute owner_name"),
    (["set", "roads", "--sensitive", "geom"], "roads has no attribute geom"),
    (["set", "roads", "--title-vi", "  "], "the Vietnamese title cannot be empty"),
    (["set", "roads", "--min-zoom", "12", "--max-zoom", "3"], "zoom range 12-3"),
    (["set", "roads"], "nothing to change"),
    (["restore", "roads"], "roads is not retired"),
])
def test_bad_changes_are_refused_with_one_line_and_change_nothing(args, message):
    before_rows, before_audit = read(), audit_count()
    with pytest.raises(CommandError, match=message) as error:
        call_command("layer", *args)
    assert "\n" not in str(error.value)
    assert read() == before_rows
    assert audit_count() == before_audit


def test_retire_hides_and_keeps_the_data_restore_brings_it_back(capsys):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bridges")
        rows = cursor.fetchone()[0]
    call_command("layer", "retire", "bridges")
    retired = read()
    assert "bridges" not in retired.ids
    assert [layer.id for layer in retired.retired] == ["bridges"]
    with pytest.raises(CommandError, match="bridges is already retired"):
        call_command("layer", "retire", "bridges")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bridges")
        assert cursor.fetchone()[0] == rows
    call_command("layer", "restore", "bridges")
    assert read().ids == tuple(layer.id for layer in registry.LAYERS)
    call_command("layer", "list")
    out = capsys.readouterr().out
    assert "bridges" in out and "layer restore bridges" in out


def test_list_prints_every_layer_with_its_access():
    call_command("layer", "set", "mineral_sites", "--access", "public")
    out = StringIO()
    call_command("layer", "list", stdout=out)
    lines = {line.split()[0]: line.split()[1] for line in out.getvalue().splitlines()[1:]}
    assert len(lines) == len(registry.LAYERS)
    assert lines["mineral_sites"] == "public"
    assert lines["construction_permits"] == "internal"


def test_the_snapshot_is_shared_until_invalidated():
    catalog.invalidate()
    first = catalog.current()
    assert catalog.current() is first
    call_command("layer", "set", "rivers", "--title-en", "Rivers and streams")
    assert catalog.current().get("rivers").title_en == "Rivers and streams"
    assert catalog.current().version > first.version


def test_without_the_table_the_catalog_is_the_registry():
    snapshot = catalog.Snapshot(lambda: None)
    assert snapshot.current() == catalog.registry_catalog()


@pytest.mark.django_db(transaction=True)
def test_the_listener_hears_a_change_made_by_another_connection():
    heard = threading.Event()
    listener = catalog.Listener()
    catalog.subscribe(heard.set)
    listener.start()
    try:
        assert listener.listening.wait(10)
        heard.clear()
        other = catalog.connect()
        with other, other.cursor() as cursor:
            cursor.execute("UPDATE layer_catalog SET title_en = 'Railway lines' "
                           "WHERE id = 'railways'")
        other.close()
        assert heard.wait(2), "no notice within 2 s"
    finally:
        listener.stop()
        listener.join(5)
        catalog._subscribers.remove(heard.set)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE layer_catalog SET title_en = 'Railways' WHERE id = 'railways'")


def test_an_unreadable_catalog_keeps_the_last_one():
    answers = [catalog.Catalog(5, registry.LAYERS[:2])]

    def loader():
        if answers:
            return answers.pop()
        raise catalog.Unavailable("connection refused")

    snapshot = catalog.Snapshot(loader)
    assert snapshot.current().version == 5
    snapshot.invalidate()
    assert snapshot.current().version == 5  # the database went away: the last one serves
    assert snapshot.stale  # and the next call tries again
    assert catalog.Snapshot(loader).current() == catalog.registry_catalog()
