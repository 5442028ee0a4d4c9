# SPDX-License-Identifier: MIT
"""prune_changes: delete the change feed's tombstones older than the retention (cron, where
the tile-invalidation listener, which also prunes, is off; see layers/changefeed.py)."""
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction

from layers import changefeed


class Command(BaseCommand):
    help = ("Xóa dấu vết đối tượng đã xóa quá thời hạn lưu "
            "(Prune deletion tombstones older than the retention)")

    def handle(self, *args, **options):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                pruned = changefeed.prune(cursor)
        except DatabaseError as exc:
            raise CommandError(f"không kết nối được cơ sở dữ liệu ({type(exc).__name__}); "
                               "kiểm tra PostGIS đang chạy rồi thử lại") from None
        if pruned is None:
            self.stdout.write("một tiến trình khác đang dọn (another process is pruning)")
            return
        days = changefeed.retention().days
        self.stdout.write(f"{pruned} dấu vết quá {days} ngày đã xóa "
                          f"({pruned} tombstones older than {days} days pruned)")
