# SPDX-License-Identifier: MIT
"""The change feed's bounds (layers/changefeed.py): one event per whole-layer replace
(``layer_replacements``) instead of a tombstone per replaced feature, the horizon of pruned
tombstones per layer, an index for pruning tombstones by age, and the delete trigger's
switch (``basemap.tombstones``) that a replace turns off; and the indexes of the admin's
searches at 5M parcels (``sql.SEARCH_INDEXES``, pg_trgm). Re-running the idempotent capture
script replaces the trigger functions, as migration 0007 does."""
from django.db import migrations, models

from layers import sql


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(sql.CHANGE_CAPTURE_TABLES + sql.capture_functions(for_logins=False))
        cursor.execute(sql.TOMBSTONES_BY_AGE)
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for statements in sql.SEARCH_INDEXES.values():
            for statement in statements:
                cursor.execute(statement)


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS feature_tombstones_deleted_at, "
                       "land_parcels_sheet_parcel, land_parcels_parcel_no, land_parcels_commune_id, "
                       "land_parcels_address_trgm, land_parcels_owner_trgm")


class Migration(migrations.Migration):
    dependencies = [("layers", "0010_publish_permission")]
    operations = [
        migrations.CreateModel(
            name="ChangeFeedHorizon",
            fields=[
                ("layer", models.TextField(primary_key=True, serialize=False, verbose_name="lớp")),
                ("pruned_before", models.DateTimeField(verbose_name="đã dọn trước")),
            ],
            options={"verbose_name": "Mốc dọn dấu vết xóa",
                     "verbose_name_plural": "Mốc dọn dấu vết xóa",
                     "db_table": "change_feed_horizons"},
        ),
        migrations.CreateModel(
            name="LayerReplacement",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("layer", models.TextField(verbose_name="lớp")),
                ("replaced_at", models.DateTimeField(verbose_name="thay thế lúc")),
                ("batch_id", models.BigIntegerField(null=True, verbose_name="lô nhập")),
                ("actor", models.TextField(verbose_name="người thực hiện")),
                ("features", models.BigIntegerField(verbose_name="số đối tượng bị thay")),
            ],
            options={"verbose_name": "Lần thay thế cả lớp",
                     "verbose_name_plural": "Lần thay thế cả lớp",
                     "db_table": "layer_replacements",
                     "indexes": [models.Index(fields=["layer", "replaced_at"],
                                              name="layer_replacements_time")]},
        ),
        migrations.RunPython(create, drop),
    ]
