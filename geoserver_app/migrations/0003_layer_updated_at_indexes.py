# SPDX-License-Identifier: MIT
"""An index on ``updated_at`` of every layer table: a layer's Last-Modified (its newest
``updated_at``, see ogcapi/queries.py ``last_change``) is then one index lookup, and
``datetime`` filters of the change feed use it too."""
from django.db import migrations


def _tables(schema_editor) -> list[str]:
    from layers import registry

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.columns "
                       "WHERE column_name = 'updated_at' AND table_schema = 'public'")
        present = {row[0] for row in cursor.fetchall()}
    return [layer.table for layer in registry.LAYERS if layer.table in present]


def create(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    for table in _tables(schema_editor):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {quote(table + '_updated_at')} "
                              f"ON {quote(table)} (updated_at)")


def drop(apps, schema_editor) -> None:
    quote = schema_editor.quote_name
    for table in _tables(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {quote(table + '_updated_at')}")


class Migration(migrations.Migration):
    dependencies = [("geoserver_app", "0002_audit_append_only"),
                    ("layers", "0007_invalidation_bbox_polygon")]
    operations = [migrations.RunPython(create, drop)]
