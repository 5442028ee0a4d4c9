# SPDX-License-Identifier: MIT
"""The change feed's bounds (layers/changefeed.py): one event per whole-layer replace
(``layer_replacements``) instead of a tombstone per replaced feature, the horizon of pruned
tombstones per layer, an index for pruning by age, and the delete trigger's switch
(``basemap.tombstones``) that a replace turns off. Re-running the idempotent capture script
replaces the trigger functions, as migration 0007 does."""
from django.db import migrations

from layers import sql


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.CHANGE_CAPTURE_TABLES)
        cursor.execute(sql.CHANGE_FEED_TABLES)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS layer_replacements, change_feed_horizons; "
                       "DROP INDEX IF EXISTS feature_tombstones_deleted_at")


class Migration(migrations.Migration):
    dependencies = [("layers", "0010_publish_permission")]
    operations = [migrations.RunPython(create, drop)]
