# SPDX-License-Identifier: MIT
"""Every abuse a personal database login may try is refused by the database with a clear
error, and nothing changes."""
from __future__ import annotations

import psycopg2
import pytest
from django.db import connection

from layers.models import FeatureHistory, LandParcel
from tests.support.admin_forms import X0, Y0, square
from tests.support.dblogins import login_for, logins  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("logins")

OTHER_SECTOR = "UPDATE public.roads SET name = 'x'"
ABUSES = [
    ("SELECT owner_name FROM public.land_parcels", "permission denied for table land_parcels"),
    ("SELECT owner_id_number FROM redacted.land_parcels", 'column "owner_id_number" does not'),
    ("UPDATE public.roads SET name = 'x'", "permission denied for table roads"),
    ("DROP TABLE public.land_parcels CASCADE", "must be owner of table land_parcels"),
    ("DROP VIEW redacted.land_parcels", "must be owner of view land_parcels"),
    ("ALTER TABLE public.land_parcels ADD COLUMN x int", "must be owner of table land_parcels"),
    ("ALTER TABLE public.land_parcels DISABLE TRIGGER USER", "must be owner of table"),
    ("ALTER TABLE public.land_parcels DISABLE TRIGGER land_parcels_capture_update",
     "must be owner of table"),
    ("DROP TRIGGER land_parcels_touch ON public.land_parcels", "must be owner of relation"),
    ("SET session_replication_role = replica", "permission denied to set parameter"),
    ("CREATE TABLE public.mine (id int)", "permission denied for schema public"),
    ("CREATE TABLE redacted.mine (id int)", "permission denied for schema redacted"),
    ("CREATE TEMP TABLE mine (id int)", "permission denied to create temporary tables"),
    ("CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'",
     "permission denied for schema public"),
    ("CREATE OR REPLACE FUNCTION public.basemap_actor() RETURNS text LANGUAGE sql "
     "AS 'SELECT ''user:someone'''", "permission denied for schema public"),
    ("UPDATE public.feature_history SET actor = 'user:someone'",
     "permission denied for table feature_history"),
    ("DELETE FROM public.feature_history", "permission denied for table feature_history"),
    ("UPDATE redacted.feature_history SET actor = 'x'", 'cannot update view "feature_history"'),
    ("UPDATE public.layer_catalog SET access = 'public'", "permission denied for table layer_catalog"),
    ("INSERT INTO public.database_logins (role, user_id, created_at, created_by) "
     "VALUES ('gis_x', 1, now(), '')", "permission denied for table database_logins"),
    ("UPDATE public.auth_user SET username = 'x'", "permission denied for table auth_user"),
    ("SELECT set_config('basemap.actor', 'user:admin', false); "
     "UPDATE redacted.land_parcels SET address = 'forged'",
     "basemap.actor is user:admin: a personal login writes as user:lan only"),
    ("SET basemap.history = 'off'; UPDATE redacted.land_parcels SET address = 'unrecorded'",
     "basemap.history cannot be switched off by a personal login"),
    ("SET basemap.history = 'off'; DELETE FROM redacted.land_parcels",
     "basemap.history cannot be switched off by a personal login"),
    ("SET basemap.tombstones = 'off'; DELETE FROM redacted.land_parcels",
     "basemap.tombstones cannot be switched off by a personal login"),
    ("UPDATE redacted.land_parcels SET geom = ST_Multi(ST_GeomFromText("
     "'POLYGON((440000 2350000,440020 2350020,440020 2350000,440000 2350020,440000 2350000))'"
     ", 9214))", "has an invalid geometry or one outside the province"),
    ("UPDATE redacted.land_parcels SET geom = ST_Translate(geom, 900000, 0)",
     "has an invalid geometry or one outside the province"),
    ("INSERT INTO redacted.land_parcels (commune_code, sheet_no, parcel_no, land_use_code, "
     "area_m2, geom) SELECT commune_code, sheet_no, 9, land_use_code, area_m2, "
     "ST_Translate(geom, 0, -900000) FROM redacted.land_parcels",
     "has an invalid geometry or one outside the province"),
    ("UPDATE redacted.land_parcels SET version = 0", "a version cannot go back to 0"),
    ("SET ROLE basemap", 'permission denied to set role "basemap"'),
    ("SET SESSION AUTHORIZATION basemap", "permission denied to set session authorization"),
    ("ALTER ROLE gis_lan SUPERUSER", "must be superuser to alter superuser roles"),
    ("GRANT basemap_analyst TO gis_lan", 'must have admin option on role "basemap_analyst"'),
]


def snapshot() -> tuple:
    """What an abuse must leave as it was."""
    rows = list(LandParcel.objects.order_by("id").values_list(
        "id", "address", "version", "owner_name", "geom"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = 'mine'")
        made = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'land_parcels'::regclass "
                       "AND tgenabled = 'O'")
        triggers = cursor.fetchone()[0]
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'gis_lan'")
        superuser = cursor.fetchone()[0]
    return rows, FeatureHistory.objects.count(), made, triggers, superuser


@pytest.mark.parametrize("statement, message", ABUSES, ids=[a[0][:40] for a in ABUSES])
def test_abuse_is_refused_and_nothing_changes(statement, message):
    LandParcel.objects.create(commune_code="07210", sheet_no=12, parcel_no=1,
                              land_use_code="ONT", area_m2="400.0", owner_name="Nguyễn Văn A",
                              geom=square(X0, Y0, 20.0))
    lan = login_for("lan", "land")
    before = snapshot()
    conn = lan.connect()
    try:
        with pytest.raises(psycopg2.Error) as error, conn.cursor() as cursor:
            cursor.execute(statement)
            conn.commit()
        assert message in str(error.value)
    finally:
        conn.close()
    assert snapshot() == before
