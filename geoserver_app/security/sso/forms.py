# SPDX-License-Identifier: MIT
"""The admin login form: says so when the directory is down instead of 'wrong password'."""
from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

DIRECTORY_DOWN = ("Không kết nối được máy chủ thư mục (LDAP/Active Directory) nên chưa kiểm "
                  "tra được tài khoản công vụ. Hãy thử lại sau ít phút; tài khoản nội bộ vẫn "
                  "đăng nhập được. (The directory server cannot be reached.)")
UNAVAILABLE_FLAG = "sso_directory_unavailable"  # set on the request by sso.directory


class LoginForm(AdminAuthenticationForm):
    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, UNAVAILABLE_FLAG, False):
                raise ValidationError(DIRECTORY_DOWN, code="directory_unavailable") from None
            raise
