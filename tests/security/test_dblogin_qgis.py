# SPDX-License-Identifier: MIT
"""QGIS 3.22 headless (Debian's python3-qgis, PostGIS provider) with a personal login: the
analyst without the sensitive right opens their generated project, sees and draws parcels,
edits one and adds one, and never receives an owner's name; the history names them.

Also the alternative that was rejected: column privileges on the table itself. QGIS checks
that it may read a table with ``SELECT * ... LIMIT 1``, so without SELECT on the sensitive
columns the layer does not even open (README, "QGIS with your own database login")."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from psycopg2 import sql

from layers.models import FeatureHistory, LandParcel
from tests.support.admin_forms import X0, Y0, square
from tests.support.dblogins import login_for, logins  # noqa: F401 (fixture)
from tests.support.servers import ROOT

pytestmark = pytest.mark.usefixtures("logins")  # QGIS: python3-qgis (scripts/setup.sh)
OWNER = "Nguyễn Văn Chủ"
SESSION = ROOT / "tests" / "support" / "qgis_session.py"


def run_qgis(source: str, feature_id: int, png: Path, password: str) -> dict:
    result = qgis(source, feature_id, png, password)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def qgis(source: str, feature_id: int, png: Path, password: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": str(png.parent), "PGPASSWORD": password,
           "QT_QPA_PLATFORM": "offscreen", "XDG_RUNTIME_DIR": str(png.parent)}
    return subprocess.run(["/usr/bin/python3", "-X", "faulthandler", str(SESSION), source, "land_parcels",
                           str(feature_id), "Sửa trong QGIS", str(png)],
                          capture_output=True, text=True, env=env, timeout=180, cwd=png.parent)


def test_analyst_without_the_sensitive_right_edits_parcels_in_qgis(tmp_path):
    feature = LandParcel.objects.create(
        commune_code="07210", sheet_no=12, parcel_no=1, land_use_code="ONT", area_m2="400.0",
        address="Thôn Đông", owner_name=OWNER, owner_id_number="024090001234",
        certificate_number="CS 01234", geom=square(X0, Y0, 20.0))
    lan = login_for("lan", "land")
    project = tmp_path / "lan.qgs"
    call_command("dbaccess", "project", "lan", "--output", str(project))

    seen = run_qgis(str(project), feature.pk, tmp_path / "parcels.png", lan.password)

    assert seen["project_read"] and seen["valid"], seen
    assert seen["crs"] == "EPSG:9214" and seen["features"] == 1
    assert not {"owner_name", "owner_id_number", "certificate_number"} & set(seen["fields"])
    assert OWNER not in seen["values"] and "024090001234" not in seen["values"]
    assert seen["drawn_pixels"] > 100  # the parcel is drawn (parcels.png)
    assert seen["committed"], "\n".join(seen["errors"])
    saved = LandParcel.objects.get(pk=feature.pk)
    assert (saved.address, saved.owner_name, saved.version) == ("Sửa trong QGIS", OWNER, 2)
    added = LandParcel.objects.get(parcel_no=999)
    assert added.owner_name == "" and added.version == 1
    actors = set(FeatureHistory.objects.filter(
        layer="land_parcels", feature_id__in=[feature.pk, added.pk], version__gte=1
    ).exclude(feature_id=feature.pk, version=1).values_list("actor", flat=True))
    assert actors == {"user:lan"}


def test_column_privileges_on_the_table_do_not_open_in_qgis(tmp_path):
    """The rejected design: SELECT on the non-sensitive columns of the table only."""
    feature = LandParcel.objects.create(
        commune_code="07210", sheet_no=12, parcel_no=1, land_use_code="ONT", area_m2="400.0",
        owner_name=OWNER, geom=square(X0, Y0, 20.0))
    lan = login_for("lan", "land")
    hidden = {"owner_name", "owner_id_number", "certificate_number"}
    columns = [f.column for f in LandParcel._meta.concrete_fields if f.column not in hidden]
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("GRANT SELECT ({}) ON public.land_parcels TO {}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(lan.role)))
    s = connection.settings_dict
    uri = (f"uri:dbname='{s['NAME']}' host={s['HOST']} port={s['PORT']} user='{lan.role}' "
           f"key='id' srid=9214 type=MultiPolygon checkPrimaryKeyUnicity='0' "
           f"table=\"public\".\"land_parcels\" (geom)")
    seen = run_qgis(uri, feature.pk, tmp_path / "columns.png", lan.password)
    # QGIS 3.22's provider checks access with SELECT * ... LIMIT 1: refused, layer invalid
    assert not seen["valid"]
    assert any('SELECT * FROM "public"."land_parcels" LIMIT 1' in message
               and "permission denied for table land_parcels" in message
               for message in seen["error"])
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("REVOKE SELECT ({}) ON public.land_parcels FROM {}").format(
            sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(lan.role)))
