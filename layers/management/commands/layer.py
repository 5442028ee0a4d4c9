# SPDX-License-Identifier: MIT
"""layer list | set ID [--access ..] [--sensitive A,B] [--title-vi ..] ... | retire ID |
restore ID | history ID | delete ID --confirm ID: the run-time catalog from the command line.

Changes take effect on every worker of every app replica within seconds (no restart):
the catalog table's trigger audits them and notifies the listeners.
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from layers import catalog, catalog_edit
from layers.registry import Sector

ACTOR = "command:layer"
TEXT_OPTIONS = ("title_vi", "title_en", "description_vi", "description_en")


def on_off(value: str) -> bool:
    if value not in ("on", "off"):
        raise CommandError(f"expected on or off, not {value!r}")
    return value == "on"


class Command(BaseCommand):
    help = "Xem và thay đổi danh mục lớp dữ liệu (list and change the layer catalog)"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="danh mục lớp (list the layers)")
        change = actions.add_parser("set", help="thay đổi một lớp (change a layer)")
        change.add_argument("id")
        change.add_argument("--access", choices=("public", "internal"))
        change.add_argument("--sensitive", help="comma-separated attributes ('' for none)")
        for option in TEXT_OPTIONS:
            change.add_argument("--" + option.replace("_", "-"), dest=option)
        change.add_argument("--sector", choices=[sector.value for sector in Sector])
        change.add_argument("--min-zoom", type=int, dest="min_zoom")
        change.add_argument("--max-zoom", type=int, dest="max_zoom")
        for flag in ("features", "tiles", "editable"):
            change.add_argument(f"--{flag}", type=on_off, metavar="on|off")
        remove = actions.add_parser(
            "delete", help="xóa dữ liệu của lớp xuất bản đã ẩn (delete a retired published "
                           "layer's data)")
        remove.add_argument("id")
        remove.add_argument("--confirm", default="", help="the layer id again")
        for name, words in (("retire", "ẩn lớp, giữ dữ liệu (hide, keep the data)"),
                            ("restore", "khôi phục lớp đã ẩn (bring back)"),
                            ("history", "lịch sử thay đổi (audit of changes)")):
            actions.add_parser(name, help=words).add_argument("id")

    def handle(self, *args, action: str, **options):
        try:
            actions = {"list": self.do_list, "set": self.do_set, "retire": self.do_retire,
                       "restore": self.do_restore, "history": self.do_history,
                       "delete": self.do_delete}
            actions[action](options)
        except catalog_edit.CatalogError as exc:
            raise CommandError(str(exc)) from exc

    def do_list(self, options: dict) -> None:
        with connection.cursor() as cursor:
            current = catalog.read(cursor) or catalog.registry_catalog()
        self.stdout.write(f"{'id':<24} {'access':<9} {'sector':<15} {'state':<8} "
                          f"{'sensitive':<30} title")
        rows = [(layer, "live") for layer in current.layers]
        rows += [(layer, "retired") for layer in current.retired]
        for layer, state in rows:
            self.stdout.write(f"{layer.id:<24} {layer.access.value:<9} "
                              f"{layer.sector.value:<15} {state:<8} "
                              f"{','.join(layer.sensitive) or '-':<30} {layer.title_vi}")

    def do_set(self, options: dict) -> None:
        changes = {key: options[key] for key in catalog_edit.EDITABLE
                   if options.get(key) is not None}
        if isinstance(changes.get("sensitive"), str):
            changes["sensitive"] = changes["sensitive"].split(",")
        if not changes:
            raise CommandError("nothing to change: give --access, --sensitive, --title-vi, ...")
        with transaction.atomic():
            layer = catalog_edit.update(connection, options["id"], ACTOR, **changes)
        self.stdout.write(f"Đã cập nhật {layer.id} (updated): access={layer.access.value}, "
                          f"sensitive={','.join(layer.sensitive) or '-'}")

    def do_retire(self, options: dict) -> None:
        with transaction.atomic():
            catalog_edit.retire(connection, options["id"], ACTOR)
        self.stdout.write(f"Đã ẩn lớp {options['id']}; dữ liệu được giữ nguyên "
                          f"(retired; data kept). Khôi phục: manage.py layer restore "
                          f"{options['id']}")

    def do_restore(self, options: dict) -> None:
        with transaction.atomic():
            catalog_edit.restore(connection, options["id"], ACTOR)
        self.stdout.write(f"Đã khôi phục lớp {options['id']} (restored)")

    def do_delete(self, options: dict) -> None:
        with transaction.atomic():
            catalog_edit.delete(connection, options["id"], ACTOR, options["confirm"])
        self.stdout.write(f"Đã xóa lớp {options['id']} và dữ liệu của nó (deleted); lịch sử "
                          "thay đổi danh mục vẫn được giữ")

    def do_history(self, options: dict) -> None:
        with connection.cursor() as cursor:
            catalog_edit.find_row(cursor, options["id"])
        for at, actor, operation, before, after in catalog_edit.history(connection,
                                                                         options["id"]):
            changed = sorted(key for key in (after or {})
                             if (before or {}).get(key) != after.get(key)
                             and key != "updated_at")
            self.stdout.write(f"{at:%Y-%m-%d %H:%M:%S} {actor} {operation} "
                              f"{', '.join(changed)}")
