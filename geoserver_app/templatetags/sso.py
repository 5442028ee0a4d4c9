# SPDX-License-Identifier: MIT
"""``{% sso_options as sso %}``: the sign-in options the login page offers, in the active
language."""
from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.translation import gettext_lazy as _

register = template.Library()

TEXTS = {
    "oidc_button": _("Sign in with the single sign-on account (SSO)"),
    "ldap_note": _("Department staff: enter your directory account (LDAP/Active Directory) in "
                   "the form below; edit rights follow your department. Local accounts use the "
                   "same form."),
    "local_note": _("Or sign in with a local account in the form below."),
}


@register.simple_tag
def sso_options() -> dict:
    """Which single sign-on methods are on, with the texts in the active language."""
    ldap = getattr(settings, "SSO_LDAP", None) is not None
    oidc = getattr(settings, "SSO_OIDC", None) is not None
    return {"ldap": ldap, "oidc": oidc, "any": ldap or oidc,
            **{key: str(text) for key, text in TEXTS.items()}}
