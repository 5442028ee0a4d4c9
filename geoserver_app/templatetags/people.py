# SPDX-License-Identifier: MIT
"""``{{ actor|person }}``: who a history or tombstone actor is, by name. ``user:lan`` (an
edit in the admin, or from QGIS with lan's own database login) becomes "Lan Nguyễn Thị
(lan)"; other actors (``ingest:…``, ``db:…``) are shown as recorded."""
from __future__ import annotations

from django import template
from django.contrib.auth.models import User

register = template.Library()


@register.filter
def person(actor: str) -> str:
    kind, _, username = str(actor).partition(":")
    if kind != "user" or not username:
        return actor
    user = User.objects.filter(username=username).only("first_name", "last_name").first()
    name = user.get_full_name() if user is not None else ""
    return f"{name} ({username})" if name else actor
