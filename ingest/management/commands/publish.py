# SPDX-License-Identifier: MIT
"""``manage.py publish PATH --id ID ...`` (or ``--table SCHEMA.TABLE``): a new layer at run
time, a thin shell over ingest.publish (docs/architecture.md, Interface contract)."""
from __future__ import annotations

import getpass

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from ingest import register
from ingest.encoding import ENCODINGS
from ingest.errors import IngestError, first_line
from ingest.management.commands.ingest import ProgressBar
from ingest.publish import Entry, run_publish
from layers.registry import Access, Sector


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # errors must stay one line on stderr
    help = "Xuất bản một lớp mới từ một tệp dữ liệu hoặc một bảng có sẵn / publish a new layer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="tệp nguồn (shp, zip, gpkg, geojson, ...)")
        parser.add_argument("--table", help="bảng có sẵn SCHEMA.TABLE thay cho tệp")
        parser.add_argument("--id", required=True, help="mã lớp mới, ví dụ truong_hoc")
        parser.add_argument("--title-vi", required=True)
        parser.add_argument("--title-en", default="")
        parser.add_argument("--sector", choices=[s.value for s in Sector],
                            default=Sector.ADMINISTRATIVE.value)
        parser.add_argument("--access", choices=[a.value for a in Access],
                            default=Access.PUBLIC.value)
        parser.add_argument("--sensitive", default="",
                            help="thuộc tính nhạy cảm, tên gốc hoặc tên cột: A,B")
        parser.add_argument("--source-crs", help="hệ tọa độ nguồn, ví dụ EPSG:9214")
        parser.add_argument("--encoding", choices=("auto", *ENCODINGS))
        parser.add_argument("--layer-name", help="lớp trong tệp nhiều lớp (gpkg, gdb, kml)")
        parser.add_argument("--report", help="ghi báo cáo JSON vào tệp này")
        parser.add_argument("--dry-run", action="store_true",
                            help="kiểm tra mọi thứ nhưng không tạo lớp")

    def handle(self, *args, **opts) -> None:
        if bool(opts["path"]) == bool(opts["table"]):
            raise CommandError("cho đúng một nguồn: PATH hoặc --table SCHEMA.TABLE / give "
                               "either PATH or --table")
        entry = Entry(opts["id"], opts["title_vi"].strip(), opts["title_en"].strip(),
                      Sector(opts["sector"]), Access(opts["access"]),
                      tuple(p.strip() for p in opts["sensitive"].split(",") if p.strip()))
        bar = ProgressBar()
        try:
            if opts["table"]:
                message = register.register_table(opts["table"], entry,
                                                  source_crs=opts["source_crs"],
                                                  dry_run=opts["dry_run"],
                                                  user=getpass.getuser())
            else:
                message = run_publish(opts["path"], entry, source_crs=opts["source_crs"],
                                      encoding=opts["encoding"], layer_name=opts["layer_name"],
                                      dry_run=opts["dry_run"], report=opts["report"],
                                      user=getpass.getuser(), progress=bar).summary()
        except IngestError as exc:
            raise CommandError(f"{exc} (không xuất bản gì / nothing published)") from exc
        except (DatabaseError, psycopg2.Error) as exc:  # unforeseen: still one line, no SQL
            raise CommandError(f"lỗi cơ sở dữ liệu: {first_line(exc)} (không xuất bản gì / nothing "
                               "published)") from exc
        finally:
            bar.close()
        self.stdout.write(message)
        if not opts["dry_run"]:
            self.stdout.write(f"đã xuất bản lớp {entry.id} / published layer {entry.id}")
