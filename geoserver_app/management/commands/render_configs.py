# SPDX-License-Identifier: MIT
"""render_configs [--check]: write (or check) the files generated from the layer registry."""
from django.core.management.base import BaseCommand, CommandError

from geoserver_app import config_files


class Command(BaseCommand):
    help = "Ghi lại các tệp cấu hình sinh từ danh mục lớp (Write the registry-generated configs)"

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true",
                            help="only check; exit 1 when a committed file is stale")

    def handle(self, *args, check: bool = False, **options):
        files = config_files.generated_files()
        if check:
            stale = [f.path for f in files if f.stale()]
            if stale:
                raise CommandError(f"stale generated files: {', '.join(stale)}; "
                                   "run `manage.py render_configs` and commit them")
            self.stdout.write(f"{len(files)} generated files are up to date")
            return
        for file in files:
            file.write()
            self.stdout.write(f"wrote {file.path}")
