# SPDX-License-Identifier: MIT
"""The user guides of docs/vi and docs/en, served at /docs/ (public: they hold no data)."""
