# SPDX-License-Identifier: MIT
"""What a directory or provider says about a person, applied to their Django account."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import Group, User

from geoserver_app.security.sso import KNOWN_GROUPS


def mapped_groups(memberships: Iterable[str], mapping: Mapping[str, str]) -> set[str]:
    """Our group names for the directory/provider groups a person belongs to."""
    return {mapping[item] for item in memberships if item in mapping}


def apply_memberships(user: User, memberships: set[str], mapping: Mapping[str, str],
                      staff_group: str | None) -> None:
    """Set the sector/auditor groups to the mapped ones, and the staff flag.

    The directory or provider is authoritative for those groups (leaving a department there
    removes the rights here at the next login); other groups stay as an administrator set them.
    Staff: a member of ``staff_group`` when it is configured, else of any mapped group.
    Superuser status is never given by single sign-on: it is for local set-up accounts.
    """
    wanted = mapped_groups(memberships, mapping)
    managed = Group.objects.filter(name__in=KNOWN_GROUPS)
    user.groups.remove(*managed.exclude(name__in=wanted))
    user.groups.add(*managed.filter(name__in=wanted))
    staff = staff_group in memberships if staff_group else bool(wanted)
    if user.is_staff != staff:
        user.is_staff = staff
        user.save(update_fields=["is_staff"])


def is_local_account(user: User) -> bool:
    """A saved account with its own password: single sign-on never takes it over."""
    return user.pk is not None and user.has_usable_password()
