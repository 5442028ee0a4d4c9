# SPDX-License-Identifier: MIT
"""Deleting a published layer's data needs it retired and its id repeated; curated stay."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.publish.conftest import catalog_rows, drop_published, publish, relation_exists

pytestmark = pytest.mark.django_db(transaction=True)


def test_delete_needs_retired_and_confirmed_then_leaves_only_the_audit(schools, request):
    request.addfinalizer(lambda: drop_published("truong_hoc"))
    publish(str(schools), "--id", "truong_hoc", "--title-vi", "Trường học")
    with pytest.raises(CommandError, match="truong_hoc is live: retire it first"):
        call_command("layer", "delete", "truong_hoc", "--confirm", "truong_hoc")
    call_command("layer", "retire", "truong_hoc")
    with pytest.raises(CommandError, match="repeat its id with --confirm truong_hoc"):
        call_command("layer", "delete", "truong_hoc", "--confirm", "truong")
    assert relation_exists("truong_hoc")
    audit_before = catalog_rows("truong_hoc")[1]
    call_command("layer", "delete", "truong_hoc", "--confirm", "truong_hoc")
    assert not relation_exists("truong_hoc")
    assert catalog_rows("truong_hoc") == (0, audit_before + 1)  # the deletion is audited


def test_a_curated_layer_keeps_its_table(request):
    request.addfinalizer(lambda: call_command("layer", "restore", "bridges"))
    call_command("layer", "retire", "bridges")
    with pytest.raises(CommandError, match="bridges is a curated layer: its table stays"):
        call_command("layer", "delete", "bridges", "--confirm", "bridges")
    assert relation_exists("bridges")
