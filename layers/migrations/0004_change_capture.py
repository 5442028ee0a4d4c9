# SPDX-License-Identifier: MIT
"""History, tombstones and the tile invalidation queue, kept by triggers (see layers/sql.py)."""
import importlib

from django.db import migrations

from layers import sql

TABLES = importlib.import_module("layers.migrations.0003_touch_triggers").TABLES


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.CHANGE_CAPTURE_TABLES + sql.capture_functions(for_logins=False))
        for table in TABLES:
            for statement in sql.capture_triggers(table):
                cursor.execute(statement)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            for statement in sql.drop_capture_triggers(table):
                cursor.execute(statement)
        cursor.execute("DROP TABLE IF EXISTS feature_history, feature_tombstones, "
                       "tile_invalidations")


class Migration(migrations.Migration):
    dependencies = [("layers", "0003_touch_triggers")]
    operations = [migrations.RunPython(create, drop)]
