# SPDX-License-Identifier: MIT
"""ensure_superuser: create the first administrator from DJANGO_SUPERUSER_* once (idempotent)."""
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Tạo quản trị viên đầu tiên từ biến môi trường DJANGO_SUPERUSER_USERNAME/PASSWORD"

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "").strip()
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        if not username or not password:
            raise CommandError("set DJANGO_SUPERUSER_USERNAME and DJANGO_SUPERUSER_PASSWORD")
        if len(password) < 12:
            raise CommandError("DJANGO_SUPERUSER_PASSWORD must have at least 12 characters")
        users = get_user_model().objects
        if users.filter(username=username).exists():
            self.stdout.write(f"Quản trị viên {username!r} đã có (already exists)")
            return
        users.create_superuser(username, os.environ.get("DJANGO_SUPERUSER_EMAIL", ""), password)
        self.stdout.write(f"Đã tạo quản trị viên {username!r} (superuser created)")
