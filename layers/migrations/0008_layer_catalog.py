# SPDX-License-Identifier: MIT
"""The run-time layer catalog and its audit (layers/catalog_sql.py), seeded from the registry."""
from django.db import migrations

from layers import catalog, catalog_sql


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(catalog_sql.TABLES)
        catalog.seed(cursor)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(catalog_sql.DROP)


class Migration(migrations.Migration):
    dependencies = [("layers", "0007_invalidation_bbox_polygon")]
    operations = [migrations.RunPython(create, drop)]
