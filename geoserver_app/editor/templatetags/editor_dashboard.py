# SPDX-License-Identifier: MIT
"""``{% layer_dashboard %}``: the layer table on the admin index."""
from __future__ import annotations

from django import template

from geoserver_app.editor.dashboard import layer_statuses

register = template.Library()


@register.inclusion_tag("editor/dashboard.html", takes_context=True)
def layer_dashboard(context: template.Context) -> dict:
    """Rows for the layers the signed-in user may view."""
    request = context["request"]
    return {"rows": layer_statuses(request.user, request.LANGUAGE_CODE == "en")}
