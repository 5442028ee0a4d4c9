# SPDX-License-Identifier: MIT
"""Permission to publish new layers (the admin publish page)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0009_catalog_entry'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='ingestbatch',
            options={'permissions': [('publish_layer', 'Có thể xuất bản lớp mới')], 'verbose_name': 'Lô nhập dữ liệu', 'verbose_name_plural': 'Lô nhập dữ liệu'},
        ),
    ]
