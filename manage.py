#!/usr/bin/env python
# SPDX-License-Identifier: MIT
"""Django's command-line utility for the base map server."""
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoserver_app.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
