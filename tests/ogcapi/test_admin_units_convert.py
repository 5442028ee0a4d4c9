# SPDX-License-Identifier: MIT
"""The admin-units-convert process through the OGC API: codes, addresses, a CSV batch (sync
and async), and bad input as per-item reasons or a 400."""
from __future__ import annotations

import json

import pytest

from tests.ogcapi.test_processes import execute, wait_for

pytestmark = pytest.mark.django_db
PID = "admin-units-convert"
BAC_GIANG = {"code": "07210", "name": "Phường Bắc Giang", "province_code": "24",
             "district_code": None}


def test_codes(client):
    response = execute(client, PID, {"codes": ["07201", "07432", "01001", "9", "07210"]})
    assert response.status_code == 200
    body = response.json()
    assert (body["catalog"], body["input"], body["count"], body["converted"]) == (
        "vietnamadminunits 1.0.4", "codes", 5, 3)
    results = body["results"]
    assert results[0] == {"row": 1, "input": "07201", "status": "ok", "new": BAC_GIANG,
                          "old": {"code": "07201", "name": "Phường Thọ Xương",
                                  "province_code": "24", "district_code": "213"}}
    assert results[1]["new"]["name"] == "Xã Tân Dĩnh"
    assert [(r["status"], r.get("reason")) for r in results[2:4]] == [
        ("other_province", "mã xã 01001 không thuộc tỉnh (danh mục vietnamadminunits 1.0.4)"),
        ("unknown", "mã xã '9' không đúng dạng 5 chữ số")]
    # 07210 was Hoàng Văn Thụ until 30 June 2025: an old code is read as the old unit
    assert results[4]["old"]["name"] == "Phường Hoàng Văn Thụ"
    assert results[4]["new"] == BAC_GIANG


def test_addresses(client):
    addresses = ["Thôn Đông Tiến, xã Tân Dĩnh, huyện Lạng Giang, tỉnh Bắc Giang",
                 "Số 5 Nguyễn Văn Cừ, P. Thọ Xương, TP Bắc Giang, Bắc Giang",
                 "Xóm 1, xa dong son, Bắc Giang", "Phường Hàng Bạc, Quận Hoàn Kiếm, Hà Nội", 42]
    results = execute(client, PID, {"addresses": addresses}).json()["results"]
    assert [r.get("address") for r in results[:2]] == [
        "Thôn Đông Tiến, xã Tân Dĩnh, tỉnh Bắc Ninh",
        "Số 5 Nguyễn Văn Cừ, phường Bắc Giang, tỉnh Bắc Ninh"]
    assert results[1]["old"]["name"] == "Phường Thọ Xương"
    assert [r["status"] for r in results[2:]] == ["ambiguous", "other_province", "unknown"]
    assert [c["code"] for c in results[2]["candidates"]] == ["07273", "07696"]


CSV = ("id,address,note\n"
       "1,\"Thôn Mỏ, xã Dĩnh Trì, thành phố Bắc Giang, tỉnh Bắc Giang\",a\n"
       "2,broken row\n"
       "3,\"Xóm Chùa, xã Hương Sơn, huyện Lạng Giang, tỉnh Bắc Giang\",c\n")


def test_a_csv_batch_goes_on_past_a_malformed_row(client):
    body = execute(client, PID, {"csv": CSV}).json()
    assert (body["input"], body["count"], body["converted"]) == ("addresses", 3, 2)
    assert [(r["row"], r["status"], r.get("address") or r.get("reason"))
            for r in body["results"]] == [
        (1, "ok", "Thôn Mỏ, phường Bắc Giang, tỉnh Bắc Ninh"),
        (2, "unknown", "2 fields, the header has 3 (dòng có 2 cột, tiêu đề có 3)"),
        (3, "ok", "Xóm Chùa, xã Kép, tỉnh Bắc Ninh")]


def test_a_large_batch_runs_async(client):
    codes = ["07201", "07441"] * 2500
    response = execute(client, PID, {"codes": codes}, HTTP_PREFER="respond-async")
    assert response.status_code == 201
    job_path = response["Location"][response["Location"].index("/ogcapi/"):]
    assert wait_for(client, job_path) == "successful"
    result = client.get(job_path + "/results?f=json").json()
    assert (result["count"], result["converted"]) == (5000, 5000)
    assert {r["new"]["code"] for r in result["results"]} == {"07210"}


def test_bad_input_is_400_with_the_reason(client):
    too_many = execute(client, PID, {"codes": ["07201"] * 10_001})
    assert too_many.status_code == 400
    assert "codes: 10,001 items, at most 10,000" in too_many.json()["description"]
    both = execute(client, PID, {"codes": ["07201"], "addresses": ["x"]})
    assert both.status_code == 400
    assert "give exactly one of codes, addresses or csv" in both.json()["description"]
    not_a_list = client.post(f"/ogcapi/processes/{PID}/execution?f=json",
                             data=json.dumps({"inputs": {"codes": "07201"}}),
                             content_type="application/json")
    assert not_a_list.status_code == 400
    assert "codes must be a list" in not_a_list.json()["description"]
