# SPDX-License-Identifier: MIT
"""pygeoapi API rules shared by the configuration and Django settings (no Django imports)."""
from pygeoapi.models.config import APIRules

API_RULES = {"strict_slashes": True, "api_version": "1.0.0"}


def api_rules() -> APIRules:
    """The rules object pygeoapi's Django URLs read (``settings.API_RULES``)."""
    return APIRules.create(**API_RULES)
