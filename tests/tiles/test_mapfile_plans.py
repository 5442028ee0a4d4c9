# SPDX-License-Identifier: MIT
"""Every statement the generated mapfiles make MapServer send finds its rows through an
index: a tile of a few hundred parcels must not read a table of millions."""
from __future__ import annotations

import json
import re

import pytest
from django.db import connection

from geoserver_app.tiles import mapfile

pytestmark = pytest.mark.django_db
BOX = "ST_MakeEnvelope(106.19, 21.27, 106.20, 21.28, 4326)"


def statements() -> list[tuple[str, str]]:
    """(layer name, the SELECT MapServer builds from its DATA for a map of BOX)."""
    found = []
    for text in (mapfile.render_public(), mapfile.render_internal()):
        for name, data in re.findall(r'^\s+LAYER\n\s+NAME "(\w+)"\n(?:.*\n)*?\s+DATA "([^"]+)"',
                                     text, re.M):
            subquery = re.match(r"geom FROM (\(.*\) AS t) USING UNIQUE id USING SRID=4326$",
                                data).group(1).replace("!BOX!", BOX)
            found.append((name, f"SELECT ST_AsBinary(geom), id FROM {subquery} "
                                f"WHERE ST_Intersects(geom, {BOX})"))
    return found


def scans(plan: dict) -> list[str]:
    """The node types of a JSON plan, depth first."""
    return [plan["Node Type"], *(n for child in plan.get("Plans", ()) for n in scans(child))]


def test_every_layer_and_label_layer_reads_through_an_index():
    found = statements()
    assert any(name == "land_parcels_labels" for name, _sql in found)  # label points covered
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # where an index path exists
        for name, statement in found:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {statement}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            assert "Seq Scan" not in scans(plan[0]["Plan"]), (name, statement)
