# SPDX-License-Identifier: MIT
"""Personal database logins through psycopg2: rights follow the groups, edits are
attributed to the person, and sensitive attributes stay hidden."""
from __future__ import annotations

import io

import psycopg2
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection

from geoserver_app.models import DatabaseLogin
from geoserver_app.security import dblogins
from layers.models import FeatureHistory, LandParcel, TileInvalidation
from tests.support.admin_forms import X0, Y0, square
from tests.support.dblogins import connect, login_for, logins, person  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("logins")


def parcel(**overrides) -> LandParcel:
    values = {"commune_code": "07210", "sheet_no": 12, "parcel_no": 1,
              "land_use_code": "ONT", "area_m2": "400.0", "address": "Thôn Đông",
              "owner_name": "Nguyễn Văn A", "owner_id_number": "024090001234",
              "certificate_number": "CS 01234", "geom": square(X0, Y0, 20.0)}
    return LandParcel.objects.create(**{**values, **overrides})


def test_grant_prints_the_libpq_line_then_the_password_kept_only_as_scram():
    User.objects.create_user("lan", is_staff=True).groups.add(Group.objects.get(name="land"))
    out = io.StringIO()
    call_command("dbaccess", "grant", "lan", stdout=out)
    line, password = out.getvalue().splitlines()
    s = connection.settings_dict
    assert line == f"host={s['HOST']} port={s['PORT']} dbname={s['NAME']} user=gis_lan"
    assert len(password) == 24
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'gis_lan'")
        stored = cursor.fetchone()[0]
    assert stored.startswith("SCRAM-SHA-256$4096:") and password not in stored
    with connect("gis_lan", password) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT current_user, basemap_actor()")
        assert cursor.fetchone() == ("gis_lan", "user:lan")
    conn.close()


def test_land_analyst_edits_a_parcel_and_the_history_names_them(admin_client):
    feature = parcel()
    person("lan", "land", first_name="Lan", last_name="Nguyễn Thị")
    lan = login_for("lan")
    TileInvalidation.objects.all().delete()
    with lan.connect() as conn, conn.cursor() as cursor:
        cursor.execute("UPDATE redacted.land_parcels SET address = 'Thôn Tây' WHERE id = %s",
                       [feature.pk])
        assert cursor.rowcount == 1
    conn.close()
    saved = LandParcel.objects.get(pk=feature.pk)
    assert (saved.address, saved.version) == ("Thôn Tây", 2)
    assert saved.updated_at > feature.updated_at
    last = FeatureHistory.objects.filter(layer="land_parcels", feature_id=feature.pk
                                         ).order_by("-version").first()
    assert (last.version, last.operation, last.actor) == (2, "U", "user:lan")
    assert TileInvalidation.objects.filter(layer="land_parcels").count() == 1
    page = admin_client.get(f"/admin/layers/landparcel/{feature.pk}/history/")
    assert "<td>Lan Nguyễn Thị (lan)</td>" in page.text


def test_land_analyst_cannot_edit_a_road():
    lan = login_for("lan", "land")
    with lan.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM public.roads")  # may read
        with pytest.raises(psycopg2.errors.InsufficientPrivilege,
                           match="permission denied for table roads"):
            cursor.execute("UPDATE public.roads SET name = 'x'")
    conn.close()


def test_without_the_sensitive_right_parcels_come_through_a_view_without_owners():
    feature = parcel()
    lan = login_for("lan", "land")
    with lan.connect() as conn, conn.cursor() as cursor:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("SELECT owner_name FROM public.land_parcels")
        conn.rollback()
        cursor.execute("SELECT * FROM redacted.land_parcels WHERE id = %s", [feature.pk])
        columns = [column.name for column in cursor.description]
        assert not {"owner_name", "owner_id_number", "certificate_number"} & set(columns)
        assert "address" in columns and "geom" in columns
        cursor.execute("UPDATE redacted.land_parcels SET address = 'Qua view' WHERE id = %s",
                       [feature.pk])
        cursor.execute("INSERT INTO redacted.land_parcels (commune_code, sheet_no, parcel_no, "
                       "land_use_code, area_m2, geom) SELECT commune_code, sheet_no, 2, "
                       "land_use_code, area_m2, ST_Translate(geom, 50, 0) "
                       "FROM redacted.land_parcels WHERE id = %s RETURNING id", [feature.pk])
        new_id = cursor.fetchone()[0]
        cursor.execute("SELECT data FROM redacted.feature_history WHERE feature_id = %s "
                       "AND layer = 'land_parcels' ORDER BY id", [feature.pk])
        assert all("owner_name" not in row[0] for row in cursor.fetchall())
    conn.close()
    saved = LandParcel.objects.get(pk=feature.pk)
    assert (saved.address, saved.owner_name, saved.version) == ("Qua view", "Nguyễn Văn A", 2)
    assert FeatureHistory.objects.get(layer="land_parcels", feature_id=new_id).actor == "user:lan"


def test_the_sensitive_right_reads_owner_names():
    feature = parcel()
    mai = login_for("mai", "land", "sensitive")
    with mai.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT owner_name FROM public.land_parcels WHERE id = %s", [feature.pk])
        assert cursor.fetchone() == ("Nguyễn Văn A",)
        # but not the investors of construction permits: not her sector
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("SELECT investor_name FROM public.construction_permits")
    conn.close()


def test_group_change_updates_the_rights_and_list_shows_them():
    feature = parcel()
    hung = login_for("hung", "transport")
    user = User.objects.get(username="hung")
    user.groups.add(Group.objects.get(name="land"))  # the admin's change, committed
    with hung.connect() as conn, conn.cursor() as cursor:
        cursor.execute("UPDATE redacted.land_parcels SET address = 'x' WHERE id = %s",
                       [feature.pk])
    conn.close()
    user.groups.remove(Group.objects.get(name="land"))
    with hung.connect() as conn, conn.cursor() as cursor:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("UPDATE redacted.land_parcels SET address = 'y'")
    conn.close()
    out = io.StringIO()
    call_command("dbaccess", "list", stdout=out)
    (row,) = out.getvalue().splitlines()
    assert row.startswith("hung\tgis_hung\tactive\tread=")
    assert "\twrite=roads,bridges,railways\tsensitive=-" in row


def test_revoking_ends_open_sessions_and_the_login():
    lan = login_for("lan", "land")
    conn = lan.connect()
    out = io.StringIO()
    call_command("dbaccess", "revoke", "lan", stdout=out)
    assert "1" in out.getvalue()
    with pytest.raises(psycopg2.OperationalError):
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        lan.connect()
    assert not DatabaseLogin.objects.exists()


def test_a_deactivated_person_cannot_log_in():
    lan = login_for("lan", "land")
    conn = lan.connect()
    user = User.objects.get(username="lan")
    user.is_active = False
    user.save()
    with pytest.raises(psycopg2.OperationalError):
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
    with pytest.raises(psycopg2.OperationalError, match="not permitted to log in"):
        lan.connect()
    user.is_active = True
    user.save()
    lan.connect().close()


def test_usernames_with_quotes_and_sql_become_safe_role_names():
    name = "o'brien\"; DROP TABLE roads; --"
    login = login_for(name, "land")
    assert login.role == f"gis_o_brien_drop_table_roads_{dblogins.role_name(name)[-8:]}"
    assert dblogins.role_name("Lan") != dblogins.role_name("lan") == "gis_lan"
    with login.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT basemap_actor()")
        assert cursor.fetchone() == (f"user:{name}",)
    conn.close()
    assert connection.introspection.table_names().count("roads") == 1


@pytest.mark.parametrize("args, message", [
    (["grant", "nobody"], "no user 'nobody'"),
    (["revoke", "nobody"], "no user 'nobody'"),
])
def test_bad_usernames_are_one_line_errors(args, message):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("dbaccess", *args)


def test_catalog_changes_reach_the_logins():
    """What the catalog listener does after ``layer set``: rights and views follow."""
    from django.db import transaction

    from geoserver_app.security import dblogin_signals
    from layers import catalog_edit

    dan = login_for("dan")  # no group: the public layers only
    lan = login_for("lan", "land")

    def change(**values) -> None:
        with transaction.atomic():
            catalog_edit.update(connection, values.pop("layer"), "test:catalog", **values)
        dblogin_signals.catalog_changed()

    def columns(login, relation: str) -> list[str]:
        with login.connect() as conn, conn.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {relation} LIMIT 0")  # noqa: S608 (constant)
            names = [column.name for column in cursor.description]
        conn.close()
        return names

    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        columns(dan, "public.mineral_sites")
    change(layer="mineral_sites", access="public")
    try:
        assert "licensee" in columns(dan, "public.mineral_sites")
        change(layer="land_parcels", sensitive=["owner_name"])
        names = columns(lan, "redacted.land_parcels")
        assert "owner_name" not in names and "owner_id_number" in names
    finally:
        change(layer="mineral_sites", access="internal")
        change(layer="land_parcels",
               sensitive=["owner_name", "owner_id_number", "certificate_number"])
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        columns(dan, "public.mineral_sites")
    assert "owner_id_number" not in columns(lan, "redacted.land_parcels")


def test_a_wrong_database_password_waits_before_its_answer():
    import time

    from geoserver_app.ops.cluster import AUTH_DELAY_MS

    lan = login_for("lan", "land")
    started = time.monotonic()
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        connect(lan.role, "guess")
    assert time.monotonic() - started >= AUTH_DELAY_MS / 1000
    started = time.monotonic()
    lan.connect().close()
    assert time.monotonic() - started < AUTH_DELAY_MS / 1000


def test_a_build_and_swap_ingest_keeps_the_logins_working(tmp_path):
    """The swap drops the redacted view with the old table and announces a catalog change;
    the sync it starts (servers' catalog listeners) makes the view and its grants again."""
    from geoserver_app.security import dblogin_signals
    from ingest.api import run_ingest
    from tests.support.ingest_sources import parcel_columns, write_vector
    from tests.support.ingest_sources import square as source_square

    lan = login_for("lan", "land")
    source = write_vector(tmp_path / "parcels.gpkg", parcel_columns(3, SoTo=[3] * 3),
                          [source_square(i) for i in range(3)], crs="EPSG:9214")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'land_parcels'::regclass::oid")
        oid = cursor.fetchone()[0]
    run_ingest(source, "land_parcels", mode="replace", history=False, swap_from=1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'land_parcels'::regclass::oid <> %s", [oid])
        assert cursor.fetchone() == (True,)  # swapped, not row by row
    dblogin_signals.catalog_changed()  # what the swap's notice makes each server do
    with lan.connect() as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM redacted.land_parcels")
        assert cursor.fetchone() == (3,)
    conn.close()
