# SPDX-License-Identifier: MIT
"""Layer metadata (ISO 19115 core), edited in the admin, published as ISO 19139 XML."""
