# SPDX-License-Identifier: MIT
"""load_demo [--seed N] [--replace]: load the synthetic demo dataset once (idempotent)."""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import Error as DatabaseError
from django.db import transaction

from layers import demo, demo_load, registry


class Command(BaseCommand):
    help = "Nạp bộ dữ liệu mẫu tổng hợp (load the synthetic demo dataset)"

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED,
                            help=f"random seed of the generator (default {demo.DEFAULT_SEED})")
        parser.add_argument("--replace", action="store_true",
                            help="delete the demo data already loaded and load it again")

    def handle(self, *args, seed: int, replace: bool, **options):
        try:
            self._run(seed, replace)
        except (DatabaseError, demo.DemoError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"không nạp được dữ liệu mẫu (could not load the demo data): "
                               f"{reason}") from exc

    def _run(self, seed: int, replace: bool) -> None:
        if demo_load.is_loaded() and not replace:
            self.stdout.write("Dữ liệu mẫu đã có, bỏ qua (demo data already loaded; "
                              "--replace reloads it)")
            return
        started = time.monotonic()
        data = demo.generate(seed)
        with transaction.atomic():
            if replace:
                demo_load.clear()
            counts = demo_load.load(data)
        for layer in registry.LAYERS:
            self.stdout.write(f"{layer.id:<22} {counts[layer.id]:>6}  {layer.title_vi}")
        self.stdout.write(f"Tổng cộng (total) {sum(counts.values())} đối tượng (features) "
                          f"trong (in) {time.monotonic() - started:.1f} s")
