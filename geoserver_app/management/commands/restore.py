# SPDX-License-Identifier: MIT
"""restore FILE: put back the database and uploaded files of a backup."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from geoserver_app.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Khôi phục từ bản sao lưu (restore from a backup made by `make backup`)"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã khôi phục từ {file} (restored)")
