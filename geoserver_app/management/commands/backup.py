# SPDX-License-Identifier: MIT
"""backup [--dir DIR]: database dump + uploaded files + configs into one timestamped tar."""
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from geoserver_app.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp tải lên (back up the database and uploads)"

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, default=Path(settings.VAR_DIR) / "backups")

    def handle(self, *args, dir: Path, **options):
        try:
            target = backup(dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Đã sao lưu vào {target} (backup written)")
