# SPDX-License-Identifier: MIT
"""LDAP / Active Directory login (django-auth-ldap) with directory groups mapped to ours.

The user is found with the service account by ``LDAP_USER_ATTR`` (django-auth-ldap escapes
the name in the filter), then bound as themselves. A directory that cannot be reached marks
the request, so the login form can say so; local accounts still log in.
"""
from __future__ import annotations

import ldap
from django.conf import settings
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, ldap_error

from geoserver_app.security.sso import accounts
from geoserver_app.security.sso.forms import UNAVAILABLE_FLAG


class DirectoryBackend(LDAPBackend):
    """django-auth-ldap, plus group mapping and no take-over of local accounts."""

    request = None

    def authenticate(self, request, username=None, password=None, **kwargs):
        self.request = request  # a backend instance serves one authenticate() call
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_or_build_user(self, username, ldap_user):
        user, built = super().get_or_build_user(username, ldap_user)
        if accounts.is_local_account(user):
            raise ldap_user.AuthenticationFailed(f"{username!r} is a local account")
        return user, built

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        try:
            memberships = {dn.lower() for dn in ldap_user.group_dns}
        except ldap.LDAPError as exc:
            mark_unavailable(type(self), "group_dns", user, self.request, exc)
            return None
        config = settings.SSO_LDAP
        accounts.apply_memberships(user, memberships, config.group_map, config.staff_group)
        return user


@receiver(ldap_error)
def mark_unavailable(sender, context, user, request, exception, **kwargs) -> None:
    """Remember on the request that the directory failed (the login form reads it)."""
    if request is not None:
        setattr(request, UNAVAILABLE_FLAG, True)
