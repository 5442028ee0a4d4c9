# SPDX-License-Identifier: MIT
"""dbaccess grant USERNAME | revoke USERNAME | list | sync | project USERNAME [--output F].

``grant`` prints the libpq connection line, then the new password alone on the last line
(shown once; the database keeps only its SCRAM verifier)."""
from __future__ import annotations

from pathlib import Path

import psycopg2
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from geoserver_app.security import dblogins, qgis_project


class Command(BaseCommand):
    help = ("Đăng nhập CSDL riêng cho chuyên viên GIS (QGIS) "
            "(personal database logins for desktop GIS)")

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("grant", help="tạo/cập nhật, mật khẩu mới (create or update, "
                                         "new password)").add_argument("username")
        actions.add_parser("revoke", help="xóa đăng nhập, ngắt phiên (remove, end sessions)"
                           ).add_argument("username")
        actions.add_parser("list", help="ai có quyền gì (who has what)")
        actions.add_parser("sync", help="cập nhật quyền theo nhóm (rights from the groups)")
        project = actions.add_parser("project", help="dự án QGIS của người dùng "
                                                     "(the person's QGIS project)")
        project.add_argument("username")
        project.add_argument("--output", type=Path, help="file .qgs (default: USERNAME.qgs)")

    def handle(self, *args, action: str, **options):
        try:
            actions = {"grant": self.do_grant, "revoke": self.do_revoke, "list": self.do_list,
                       "sync": self.do_sync, "project": self.do_project}
            actions[action](**options)
        except dblogins.LoginError as exc:
            raise CommandError(str(exc)) from exc
        except (DatabaseError, psycopg2.Error) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CommandError(f"database: {first}") from exc

    def do_grant(self, username: str, **options) -> None:
        login, password = dblogins.grant(username, created_by="dbaccess")
        self.stdout.write(dblogins.conninfo(login.role))
        self.stdout.write(password)

    def do_revoke(self, username: str, **options) -> None:
        ended = dblogins.revoke(username)
        self.stdout.write(f"Đã xóa đăng nhập CSDL của {username!r}, ngắt {ended} phiên "
                          f"(login removed, {ended} sessions ended)")

    def do_list(self, **options) -> None:
        rows = dblogins.listing()
        if not rows:
            self.stdout.write("Chưa có đăng nhập CSDL nào (no database logins)")
        for row in rows:
            state = "active" if row.active else "deactivated"
            self.stdout.write(
                f"{row.username}\t{row.role}\t{state}\tread={','.join(row.read) or '-'}\t"
                f"write={','.join(row.write) or '-'}\t"
                f"sensitive={','.join(row.sensitive) or '-'}")

    def do_sync(self, **options) -> None:
        count = dblogins.sync()
        self.stdout.write(f"Đã cập nhật {count} đăng nhập CSDL ({count} logins synchronised)")

    def do_project(self, username: str, output: Path | None = None, **options) -> None:
        path = output or Path(f"{username}.qgs")
        path.write_text(qgis_project.for_user(dblogins.find_user(username)), encoding="utf-8")
        self.stdout.write(str(path))
