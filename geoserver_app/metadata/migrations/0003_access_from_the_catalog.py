# SPDX-License-Identifier: MIT
"""The catalog is the one place for access: the metadata's own access level goes.

A layer whose metadata an analyst marked internal becomes internal in the catalog (audited
as ``migration:metadata-access``): closing is the safe reading of that choice, publishing
what someone meant to keep in would not be.
"""
from django.db import migrations

TO_CATALOG = """
SELECT set_config('basemap.actor', 'migration:metadata-access', true);
UPDATE layer_catalog SET access = 'internal'
WHERE access = 'public'
  AND id IN (SELECT layer FROM layer_metadata WHERE access_level = 'internal');
"""


def internal_to_catalog(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(TO_CATALOG)


class Migration(migrations.Migration):
    dependencies = [("metadata", "0002_layer_rows"), ("layers", "0008_layer_catalog")]
    operations = [
        migrations.RunPython(internal_to_catalog, migrations.RunPython.noop),
        migrations.RemoveField(model_name="layermetadata", name="access_level"),
    ]
