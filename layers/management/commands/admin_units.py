# SPDX-License-Identifier: MIT
"""admin_units refresh | show: the official catalog of administrative units."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from layers import units_db


class Command(BaseCommand):
    help = ("Danh mục đơn vị hành chính chính thức (the official catalog of administrative "
            "units): refresh nạp lại từ gói vietnamadminunits; show in nguồn hiện tại")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=("refresh", "show"))

    def handle(self, *args, action: str, **options):
        try:
            if action == "show":
                self.stdout.write(units_db.stored_source() or "(trống / empty)")
                return
            done = units_db.refresh()
        except DatabaseError as exc:
            raise CommandError(f"không cập nhật được danh mục (could not refresh): "
                               f"{str(exc).splitlines()[0]}") from exc
        self.stdout.write(f"{done.units} đơn vị, {done.successions} quan hệ sắp xếp "
                          f"(units, successions) từ {done.source}"
                          + (f"; trước đó {done.previous}" if done.previous else ""))
