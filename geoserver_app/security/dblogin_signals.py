# SPDX-License-Identifier: MIT
"""Keep personal database logins in step with their people: a change of groups (admin, or
single sign-on at login), deactivation, deletion, or a catalog change (new, retired or
re-classified layers) updates the logins' rights once the change is committed."""
from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete

from geoserver_app.models import DatabaseLogin
from geoserver_app.security import dblogins
from layers import catalog

log = logging.getLogger(__name__)


def _sync_later(user_id: int) -> None:
    def run() -> None:
        try:
            dblogins.sync_user(user_id)
        except DatabaseError:
            log.exception("database login of user %s: rights not updated", user_id)

    transaction.on_commit(run)


def groups_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        _sync_later(instance.pk)
        return
    # group.user_set.add(...): every person named (all of them on clear)
    for user_id in pk_set or DatabaseLogin.objects.values_list("user_id", flat=True):
        _sync_later(user_id)


def user_saved(sender, instance: User, created: bool, **kwargs) -> None:
    if not created:
        _sync_later(instance.pk)


def user_deleted(sender, instance: User, **kwargs) -> None:
    login = DatabaseLogin.objects.filter(user=instance).first()
    if login is not None:
        dblogins.drop(login)


def catalog_changed() -> None:
    """In the catalog listener's thread: every login, against the new catalog."""
    try:
        if DatabaseLogin.objects.exists():
            dblogins.sync()
    finally:
        connection.close()  # this thread's own connection; the next notice opens another


def connect() -> None:
    m2m_changed.connect(groups_changed, sender=User.groups.through,
                        dispatch_uid="dblogins.groups")
    post_save.connect(user_saved, sender=User, dispatch_uid="dblogins.user")
    pre_delete.connect(user_deleted, sender=User, dispatch_uid="dblogins.delete")
    catalog.subscribe(catalog_changed)
