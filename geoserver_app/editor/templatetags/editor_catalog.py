# SPDX-License-Identifier: MIT
"""``form|fields_named:"a b c"``: some fields of a form, in the order named."""
from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def fields_named(form: forms.Form, names: str) -> list[forms.BoundField]:
    return [form[name] for name in names.split()]
