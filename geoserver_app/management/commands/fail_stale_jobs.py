# SPDX-License-Identifier: MIT
"""fail_stale_jobs: jobs a stopped server left running are marked failed (run at start)."""
from django.core.management.base import BaseCommand

from geoserver_app.ogcapi.jobs import fail_stale_jobs


class Command(BaseCommand):
    help = "Đánh dấu thất bại các tác vụ xử lý bị gián đoạn (mark interrupted jobs failed)"

    def handle(self, *args, **options):
        count = fail_stale_jobs()
        self.stdout.write(f"{count} tác vụ bị gián đoạn được đánh dấu thất bại "
                          f"({count} interrupted jobs marked failed)")
