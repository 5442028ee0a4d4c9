# SPDX-License-Identifier: MIT
"""OGC API Processes: the analysis processes through pygeoapi, sync and async, per grant."""
from __future__ import annotations

import json
import time

import pytest

from geoserver_app.ogcapi import db, jobs
from layers.grants import PUBLIC
from tests.support.ogc_data import everything

pytestmark = pytest.mark.django_db
PARCEL = {"parcel": {"commune_code": "07210", "sheet_no": 1, "parcel_no": 5}}


def wait_for(client, job_path: str) -> str:
    """The job's final status (polling for at most 30 s)."""
    deadline, status = time.monotonic() + 30, None
    while time.monotonic() < deadline and status not in ("successful", "failed"):
        status = client.get(job_path + "?f=json").json()["status"]
        time.sleep(0.2)
    return status


def execute(client, pid: str, inputs: dict, **headers):
    return client.post(f"/ogcapi/processes/{pid}/execution?f=json",
                       data=json.dumps({"inputs": inputs}), content_type="application/json",
                       **headers)


def test_processes_are_listed(client, ogc_data, as_grant):
    listing = client.get("/ogcapi/processes?f=json").json()
    assert sorted(p["id"] for p in listing["processes"]) == [
        "admin-units-convert", "area-statistics", "changes", "export", "overlay",
        "planning-lookup"]


def test_planning_lookup_sync_hides_owners_from_the_public(client, ogc_data, as_grant):
    response = execute(client, "planning-lookup", PARCEL)
    assert response.status_code == 200
    body = response.json()
    assert (body["parcel"]["sheet_no"], body["parcel"]["parcel_no"]) == (1, 5)
    assert body["parcel"]["land_use_vi"] == "Đất trồng cây lâu năm"
    assert "owner_name" not in body["parcel"] and "Nguyễn Văn 5" not in response.content.decode()
    as_grant(everything())
    full = execute(client, "planning-lookup", PARCEL).json()
    assert full["parcel"]["owner_name"] == "Nguyễn Văn 5"


def test_bad_input_is_400_with_the_reason(client, ogc_data, as_grant):
    response = execute(client, "planning-lookup", {"point": [2.35, 48.85]})
    assert response.status_code == 400
    assert "point: outside the province" in response.json()["description"]
    unknown = execute(client, "overlay", {"layer_a": "mineral_sites", "layer_b": "roads"})
    assert unknown.status_code == 400
    assert "layer_a: unknown layer 'mineral_sites'" in unknown.json()["description"]


def test_statistics_as_csv(client, ogc_data, as_grant):
    response = execute(client, "area-statistics", {"statistic": "road_length_by_class",
                                                   "format": "csv"})
    assert response.status_code == 200
    assert response.content.decode().splitlines()[0] == "road_class,features,length_m"


def test_async_job_runs_and_keeps_its_result(client, ogc_data, as_grant):
    response = execute(client, "changes", {"layer": "land_parcels",
                                           "since": "2000-01-01T00:00:00Z"},
                       HTTP_PREFER="respond-async")
    assert response.status_code == 201
    job_url = response["Location"]
    assert "/ogcapi/jobs/" in job_url
    job_path = job_url[job_url.index("/ogcapi/"):]
    assert wait_for(client, job_path) == "successful"
    result = client.get(job_path + "/results?f=json").json()
    assert len(result["changed"]) == 30


def test_jobs_are_separate_per_grant_and_stale_ones_fail(client, ogc_data, as_grant):
    assert jobs.job_schema(PUBLIC) != jobs.job_schema(everything())
    response = execute(client, "changes", {"layer": "roads", "since": "2000-01-01T00:00:00Z"},
                       HTTP_PREFER="respond-async")
    job_id = response["Location"].rstrip("/").split("/")[-1]
    wait_for(client, f"/ogcapi/jobs/{job_id}")
    as_grant(everything())
    assert client.get(f"/ogcapi/jobs/{job_id}?f=json").status_code == 404
    schema = jobs.job_schema(PUBLIC)
    with db.connection() as conn, conn.cursor() as cursor:  # as a server killed mid-job
        cursor.execute(f'UPDATE "{schema}".jobs SET status = %s WHERE identifier = %s',
                       ["running", job_id])
    assert jobs.fail_stale_jobs() >= 1
    as_grant(PUBLIC)
    job = client.get(f"/ogcapi/jobs/{job_id}?f=json").json()
    assert job["status"] == "failed" and "restarted" in job["message"]
