# SPDX-License-Identifier: MIT
"""invalidate_tiles: remove the cached tiles of queued feature changes (tile_invalidations)."""
from django.core.management.base import BaseCommand, CommandError

from geoserver_app.tiles import environment, invalidation


class Command(BaseCommand):
    help = ("Xóa ảnh bản đồ đã lưu của các vùng dữ liệu vừa thay đổi "
            "(Remove cached tiles of changed features)")

    def handle(self, *args, **options):
        environment.prepare_environment()
        try:
            connection = invalidation.connect()
        except Exception as exc:
            raise CommandError(f"không kết nối được cơ sở dữ liệu ({type(exc).__name__}); "
                               "kiểm tra PostGIS đang chạy rồi thử lại") from None
        try:
            rows, tiles = invalidation.Invalidator().process(connection)
        finally:
            connection.close()
        self.stdout.write(f"{rows} thay đổi đã xử lý, {tiles} ô ảnh đã xóa "
                          f"({rows} changes processed, {tiles} tiles removed)")
