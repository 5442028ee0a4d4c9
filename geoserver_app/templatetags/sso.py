# SPDX-License-Identifier: MIT
"""``{% sso_options as sso %}``: which sign-in options the login page offers, in vi or en."""
from __future__ import annotations

from django import template
from django.conf import settings
from django.utils import translation

register = template.Library()

TEXTS = {
    "vi": {"oidc_button": "Đăng nhập bằng tài khoản một cửa (SSO)",
           "ldap_note": "Cán bộ các Sở: nhập tên và mật khẩu tài khoản công vụ (LDAP/Active "
                        "Directory) vào mẫu dưới đây; quyền chỉnh sửa theo phòng ban trong thư "
                        "mục. Tài khoản nội bộ cũng dùng mẫu này.",
           "local_note": "Hoặc đăng nhập bằng tài khoản nội bộ ở mẫu dưới đây."},
    "en": {"oidc_button": "Sign in with the single sign-on account (SSO)",
           "ldap_note": "Department staff: enter your directory account (LDAP/Active "
                        "Directory) in the form below; edit rights follow your department. "
                        "Local accounts use the same form.",
           "local_note": "Or sign in with a local account in the form below."},
}


@register.simple_tag
def sso_options() -> dict:
    """Which single sign-on methods are on, with the texts in the active language."""
    language = "en" if translation.get_language() == "en" else "vi"
    ldap = getattr(settings, "SSO_LDAP", None) is not None
    oidc = getattr(settings, "SSO_OIDC", None) is not None
    return {"ldap": ldap, "oidc": oidc, "any": ldap or oidc, **TEXTS[language]}
