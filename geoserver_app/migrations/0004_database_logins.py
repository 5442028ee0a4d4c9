# SPDX-License-Identifier: MIT
"""Personal database logins: the table mapping a login to its person, the ``basemap_analyst``
group role, the ``redacted`` schema, and triggers that take the actor of a personal login
from that table (layers/logins_sql.py)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from layers import logins_sql


class Migration(migrations.Migration):

    dependencies = [
        ("geoserver_app", "0003_layer_updated_at_indexes"),
        # after the change feed's trigger functions, which this replaces by the login-aware
        # ones (layers/logins_sql.py)
        ("layers", "0012_change_feed_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="DatabaseLogin",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),
                ("role", models.CharField(editable=False, max_length=63, unique=True,
                                          verbose_name="tên đăng nhập CSDL")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="tạo lúc")),
                ("created_by", models.CharField(blank=True, max_length=150,
                                                verbose_name="người tạo")),
                ("user", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE,
                                              related_name="database_login",
                                              to=settings.AUTH_USER_MODEL,
                                              verbose_name="người dùng")),
            ],
            options={"verbose_name": "Đăng nhập CSDL", "verbose_name_plural": "Đăng nhập CSDL",
                     "db_table": "database_logins"},
        ),
        migrations.RunSQL(logins_sql.LOGIN_FUNCTIONS, logins_sql.DROP_LOGIN_FUNCTIONS),
    ]
