# SPDX-License-Identifier: MIT
"""One metadata row per registry layer, with defaults from the registry."""
from django.db import migrations


def create_rows(apps, schema_editor) -> None:
    from geoserver_app.metadata.defaults import defaults_for
    from layers import registry

    LayerMetadata = apps.get_model("metadata", "LayerMetadata")
    for layer in registry.LAYERS:
        LayerMetadata.objects.get_or_create(layer=layer.id, defaults=defaults_for(layer))


class Migration(migrations.Migration):
    dependencies = [("metadata", "0001_initial")]
    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
