# SPDX-License-Identifier: MIT
"""seed_tiles [--layers ..] [--bbox ..] [--levels a-b] [--grids ..]: fill the tile cache."""
import time

from django.core.management.base import BaseCommand, CommandError

from geoserver_app.tiles import seed


class Command(BaseCommand):
    help = "Tạo sẵn ảnh bản đồ vào bộ đệm (Seed the tile cache with MapProxy)"

    def add_arguments(self, parser):
        parser.add_argument("--layers", help="comma list of tile layers (default: basemap)")
        parser.add_argument("--bbox", help="minlon,minlat,maxlon,maxlat (default: the province)")
        parser.add_argument("--levels", help="a-b, inclusive (default: 0-15)")
        parser.add_argument("--grids", help="webmercator,wgs84,vn2000 (default: webmercator)")
        parser.add_argument("--concurrency", type=int, default=2, help="parallel renderers")

    def handle(self, *args, layers=None, bbox=None, levels=None, grids=None, concurrency=2,
               **options):
        try:
            seed_plan = seed.plan(layers, bbox, levels, grids)
        except seed.SeedError as exc:
            raise CommandError(str(exc)) from None
        if concurrency < 1 or concurrency > 16:
            raise CommandError("--concurrency: 1..16")
        started = time.monotonic()
        tasks = seed.run(seed_plan, concurrency, self.stdout)
        self.stdout.write(f"seed_tiles: {tasks} tasks done in {time.monotonic() - started:.1f} s "
                          f"(levels {seed_plan.levels[0]}-{seed_plan.levels[1]})")
