# SPDX-License-Identifier: MIT
"""Read replicas: with DATABASE_REPLICA_URL set, reads go to the hot standby, writes to the
primary. Reads inside a transaction, and whole requests that write or edit (the admin, any
non-GET), stay on the primary so users always read what they just wrote."""
from __future__ import annotations

import contextvars

from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY_ONLY = contextvars.ContextVar("primary_only", default=False)
REPLICA = "replica"


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        if PRIMARY_ONLY.get() or connections["default"].in_atomic_block:
            return "default"
        return REPLICA

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == "default"


class PrimaryForWritesMiddleware:
    """Pin the admin and every unsafe method to the primary for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        primary = request.method not in ("GET", "HEAD", "OPTIONS") or \
            request.path.startswith("/admin/")
        token = PRIMARY_ONLY.set(primary)
        try:
            return self.get_response(request)
        finally:
            PRIMARY_ONLY.reset(token)
