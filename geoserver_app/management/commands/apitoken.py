# SPDX-License-Identifier: MIT
"""apitoken create NAME [--layers a,b | --all] [--write] [--sensitive] [--expires DATE];
apitoken revoke NAME. ``create`` prints the new token alone on its last line, once."""
from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from geoserver_app.security import tokens
from layers import catalog


def end_of_day(text: str) -> dt.datetime:
    """``YYYY-MM-DD`` -> the first instant after that day (UTC): valid through the date."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--expires {text!r} is not a date like 2027-12-31") from exc
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Tạo hoặc thu hồi khóa API cho ứng dụng (create or revoke an API token)"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="tạo khóa mới (create a token)")
        create.add_argument("name")
        scope = create.add_mutually_exclusive_group(required=True)
        scope.add_argument("--layers", help="comma-separated layer ids")
        scope.add_argument("--all", action="store_true", help="every layer")
        create.add_argument("--write", action="store_true", help="may write those layers")
        create.add_argument("--sensitive", action="store_true",
                            help="may read their sensitive attributes")
        create.add_argument("--expires", help="last valid day, YYYY-MM-DD")
        revoke = actions.add_parser("revoke", help="thu hồi khóa (revoke a token)")
        revoke.add_argument("name")

    def handle(self, *args, action: str, name: str, **options):
        try:
            if action == "create":
                self.create(name, options)
            else:
                tokens.revoke_token(name)
                self.stdout.write(f"Đã thu hồi khóa {name!r} (token revoked)")
        except tokens.TokenError as exc:
            raise CommandError(str(exc)) from exc

    def create(self, name: str, options: dict) -> None:
        if options["all"]:
            layers = [layer.id for layer in catalog.current().layers]
        else:
            layers = [part.strip() for part in options["layers"].split(",") if part.strip()]
        expires = end_of_day(options["expires"]) if options["expires"] else None
        token, key = tokens.create_token(name, layers, write=options["write"],
                                         sensitive=options["sensitive"], expires_at=expires,
                                         created_by="apitoken")
        rights = "đọc" + (", ghi" if options["write"] else "") + (
            ", thuộc tính nhạy cảm" if options["sensitive"] else "")
        until = f", hết hạn {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
        self.stdout.write(f"Khóa {token.name!r}: {rights} trên {', '.join(layers)}{until}.")
        self.stdout.write("Lưu khóa này ngay: nó chỉ hiện một lần (shown once, store it now):")
        self.stdout.write(key)
