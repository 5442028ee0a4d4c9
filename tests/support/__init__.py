# SPDX-License-Identifier: MIT
"""Helpers shared by the tests; the conftest.py files hold fixtures only."""
