# SPDX-License-Identifier: MIT
"""``{% sso_options as sso %}``: which sign-in options the login page offers, in vi or en."""
from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation

register = template.Library()

TEXTS = {
    "vi": {"oidc_button": "Đăng nhập bằng tài khoản một cửa (SSO)",
           "ldap_note": "Cán bộ các Sở đăng nhập bằng tên và mật khẩu tài khoản công vụ "
                        "(LDAP/Active Directory); quyền chỉnh sửa theo phòng ban trong thư mục.",
           "local_note": "Tài khoản nội bộ (quản trị, cài đặt) vẫn đăng nhập bằng mẫu dưới đây.",
           "or": "hoặc"},
    "en": {"oidc_button": "Sign in with the single sign-on account (SSO)",
           "ldap_note": "Department staff sign in with their directory account "
                        "(LDAP/Active Directory); edit rights follow their department.",
           "local_note": "Local accounts (administration, set-up) still sign in with the form.",
           "or": "or"},
}


@register.simple_tag
def sso_options() -> dict:
    """Which single sign-on methods are on, with the texts in the active language."""
    language = "en" if translation.get_language() == "en" else "vi"
    ldap = getattr(settings, "SSO_LDAP", None) is not None
    oidc = getattr(settings, "SSO_OIDC", None) is not None
    return {"ldap": ldap, "oidc": oidc, "any": ldap or oidc, **TEXTS[language]}
