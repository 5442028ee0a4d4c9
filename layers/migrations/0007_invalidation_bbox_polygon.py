# SPDX-License-Identifier: MIT
"""Fix: the invalidation bbox of a point (or an axis-parallel line) was not a polygon.

``ST_Envelope`` of a degenerate extent is a Point/LineString, which the
``geometry(Polygon, 4326)`` column rejected, so every insert into a point layer failed.
The capture functions now expand the extent by 1e-7 degrees (about 1 cm) first; re-running
the idempotent capture script replaces them.
"""
from django.db import migrations

from layers import sql


def replace_functions(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.CHANGE_CAPTURE_TABLES + sql.capture_functions(for_logins=False))


class Migration(migrations.Migration):
    dependencies = [("layers", "0006_blank_defaults")]
    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
