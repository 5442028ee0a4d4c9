# SPDX-License-Identifier: MIT
"""Triggers that keep ``version``/``updated_at`` right whoever writes (see layers/sql.py)."""
from django.db import migrations

from layers import sql

TABLES = (
    "admin_provinces", "admin_districts", "admin_communes", "land_parcels",
    "land_use_plan_zones", "rivers", "water_bodies", "mineral_sites", "forest_areas",
    "roads", "bridges", "railways", "buildings", "construction_permits",
    "urban_planning_zones",
)


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.TOUCH_FUNCTION)
        for table in TABLES:
            cursor.execute(sql.touch_trigger(table))


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(sql.drop_touch_trigger(table))
        cursor.execute("DROP FUNCTION IF EXISTS basemap_touch_feature()")


class Migration(migrations.Migration):
    dependencies = [("layers", "0002_layers")]
    operations = [migrations.RunPython(create, drop)]
