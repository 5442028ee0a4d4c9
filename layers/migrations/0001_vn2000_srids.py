# SPDX-License-Identifier: MIT
"""Register VN-2000 TM-3 zones (EPSG:9205-9218) in spatial_ref_sys: PostGIS 3.3 lacks them.

Rows already there (a newer PostGIS ships them from the EPSG dataset) are left as they are.
"""
from django.contrib.postgres.operations import CreateExtension
from django.db import migrations

from layers import vn2000

INSERT = ("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) "
          "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (srid) DO NOTHING")


def add_srids(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(INSERT, vn2000.spatial_ref_sys_rows())


def remove_srids(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        CreateExtension("postgis"),
        migrations.RunPython(add_srids, remove_srids),
    ]
