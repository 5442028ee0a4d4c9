# SPDX-License-Identifier: MIT
"""Exact row counts per layer without counting (``layer_row_counts``, layers/sql.py): the
capture triggers add one row per insert or delete statement; every layer table with those
triggers starts from its current count."""
from django.db import migrations, models

from layers import sql

TRIGGERED = ("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
             "WHERE t.tgname = c.relname || '_capture_insert' AND NOT t.tgisinternal "
             "ORDER BY 1")


def install(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.capture_functions(for_logins=True, counts=True))
        cursor.execute(TRIGGERED)
        for (table,) in cursor.fetchall():
            cursor.execute(sql.reset_row_count(table))


def uninstall(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.capture_functions(for_logins=True, counts=False))


class Migration(migrations.Migration):
    dependencies = [("layers", "0013_admin_unit_catalog"),
                    ("geoserver_app", "0004_database_logins")]
    operations = [
        migrations.CreateModel(
            name="LayerRowCount",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("layer", models.TextField(verbose_name="lớp")),
                ("n", models.BigIntegerField(verbose_name="số đối tượng thêm (bớt)")),
            ],
            options={"verbose_name": "Số đối tượng của lớp",
                     "verbose_name_plural": "Số đối tượng của lớp",
                     "db_table": "layer_row_counts",
                     "indexes": [models.Index(fields=["layer"], name="layer_row_counts_layer")]},
        ),
        migrations.RunPython(install, uninstall),
    ]
