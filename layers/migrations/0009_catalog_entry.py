# SPDX-License-Identifier: MIT
"""The catalog table as an unmanaged model: the admin lists it; permission change_catalog."""
import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('layers', '0008_layer_catalog'),
    ]

    operations = [
        migrations.CreateModel(
            name='CatalogEntry',
            fields=[
                ('id', models.TextField(primary_key=True, serialize=False, verbose_name='mã lớp')),
                ('origin', models.TextField(choices=[('curated', 'có sẵn'), ('published', 'xuất bản')], verbose_name='nguồn gốc')),
                ('table_name', models.TextField(verbose_name='bảng')),
                ('title_vi', models.TextField(verbose_name='tên (tiếng Việt)')),
                ('title_en', models.TextField(verbose_name='tên (tiếng Anh)')),
                ('sector', models.TextField(choices=[('administrative', 'Hành chính'), ('land', 'Đất đai'), ('resources', 'Tài nguyên'), ('transport', 'Giao thông'), ('construction', 'Xây dựng')], verbose_name='ngành')),
                ('geometry', models.TextField(verbose_name='kiểu hình học')),
                ('access', models.TextField(choices=[('public', 'công khai'), ('internal', 'nội bộ')], verbose_name='mức truy cập')),
                ('sensitive', django.contrib.postgres.fields.ArrayField(base_field=models.TextField(), size=None, verbose_name='thuộc tính nhạy cảm')),
                ('style', models.JSONField(verbose_name='kiểu hiển thị')),
                ('min_zoom', models.IntegerField(verbose_name='mức thu phóng nhỏ nhất')),
                ('max_zoom', models.IntegerField(verbose_name='mức thu phóng lớn nhất')),
                ('features', models.BooleanField(verbose_name='dịch vụ đối tượng')),
                ('tiles', models.BooleanField(verbose_name='ảnh bản đồ')),
                ('editable', models.BooleanField(verbose_name='cho phép sửa')),
                ('position', models.IntegerField(verbose_name='thứ tự')),
                ('retired_at', models.DateTimeField(null=True, verbose_name='ngừng dùng lúc')),
            ],
            options={
                'verbose_name': 'Danh mục lớp',
                'verbose_name_plural': 'Danh mục lớp',
                'db_table': 'layer_catalog',
                'ordering': ['position', 'id'],
                'permissions': [('change_catalog', 'Có thể thay đổi danh mục lớp')],
                'managed': False,
                'default_permissions': ('view',),
            },
        ),
    ]
