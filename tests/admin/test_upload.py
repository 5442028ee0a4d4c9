# SPDX-License-Identifier: MIT
"""The upload page: a file goes through the ingest pipeline in the background, with progress,
and the page ends on the report (counts, rejected with reasons, a preview of what loaded)."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pyproj
import pytest
from django.contrib.auth.models import Permission
from shapely.geometry import box

from geoserver_app.editor.models import Upload
from layers.models import IngestBatch, LandParcel
from tests.support.admin_forms import X0, Y0
from tests.support.ingest_sources import write_vector

ADD_URL = "/admin/editor/upload/add/"


def write_parcels(path: Path, land_use: list[str]) -> Path:
    """A GeoPackage of 20 m parcels in EPSG:9214 with the layer's own attribute names."""
    count = len(land_use)
    return write_vector(path, {
        "commune_code": ["07210"] * count, "sheet_no": [4] * count,
        "parcel_no": list(range(1, count + 1)), "land_use_code": land_use,
        "area_m2": [400.0] * count,
    }, [box(X0 + 30 * i, Y0, X0 + 30 * i + 20, Y0 + 20) for i in range(count)],
        crs="EPSG:9214")


def upload(client, path: Path, **fields) -> object:
    with path.open("rb") as source:
        return client.post(ADD_URL, {"file": source, "layer": "land_parcels", "mode": "append",
                                     "source_crs": "", "encoding": "auto", **fields})


def wait_for_end(client, url: str, timeout: float = 60.0) -> str:
    """Follow the status page as a browser would until the load has ended."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(url).text
        status = re.search(r'data-status="(\w+)"', page).group(1)
        if status in ("done", "failed"):
            return page
        assert '<meta http-equiv="refresh" content="2">' in page
        time.sleep(0.2)
    raise TimeoutError(f"upload at {url} did not end within {timeout} s")


@pytest.mark.django_db(transaction=True)
def test_upload_loads_in_the_background_and_ends_on_the_report(admin_client, tmp_path):
    form = admin_client.get(ADD_URL)
    assert form.status_code == 200
    assert "Lớp đích" in form.text and 'enctype="multipart/form-data"' in form.text

    response = upload(admin_client, write_parcels(tmp_path / "thua.gpkg", ["LUC", "ZZZ", "ONT"]))
    assert response.status_code == 302
    page = wait_for_end(admin_client, response["Location"])

    assert 'data-status="done"' in page
    assert '<td class="read">3</td>' in page and '<td class="loaded">2</td>' in page
    assert '<td class="rejected">1</td>' in page
    assert "ZZZ" in re.search(r'<table id="upload-rejected">.*?</table>', page, re.S).group(0)
    assert '<svg class="upload-preview"' in page
    preview = re.search(r'<svg class="upload-preview".*?<path class="loaded" d="([^"]+)"',
                        page, re.S).group(1)
    assert preview.count("M ") == 2 and ";" not in preview  # both loaded parcels drawn
    # the rejected parcel (ZZZ) is a red dot at the middle of its square, in lon/-lat
    lon, lat = pyproj.Transformer.from_crs(9214, 4326, always_xy=True).transform(
        X0 + 30 + 10, Y0 + 10)
    dots = re.findall(r'<circle class="rejected" cx="([-\d.]+)" cy="([-\d.]+)"', page)
    assert [(float(x), float(y)) for x, y in dots] == [
        (pytest.approx(lon, abs=2e-6), pytest.approx(-lat, abs=2e-6))]
    assert "Chấm đỏ: vị trí các đối tượng bị loại" in page
    assert sorted(LandParcel.objects.values_list("parcel_no", "land_use_code")) == [
        (1, "LUC"), (3, "ONT")]
    progress = admin_client.get(response["Location"], {"format": "json"}).json()
    assert (progress["status"], progress["done"], progress["total"]) == ("done", 3, 3)
    done = Upload.objects.get()
    assert (done.status, done.done, done.total) == ("done", 3, 3)
    batch = IngestBatch.objects.get(pk=done.report["batch"])
    assert (batch.layer, batch.created_by) == ("land_parcels", "admin")


@pytest.mark.django_db(transaction=True)
def test_a_file_the_pipeline_cannot_read_ends_on_a_readable_error(admin_client, tmp_path):
    bad = tmp_path / "thua.gpkg"
    bad.write_bytes(b"not a geopackage")
    response = upload(admin_client, bad)
    page = wait_for_end(admin_client, response["Location"])
    assert 'data-status="failed"' in page
    message = re.search(r'<div class="errornote">(.*?)</div>', page, re.S).group(1)
    assert message.startswith("Tệp chưa được nhập:") and "Traceback" not in message
    assert LandParcel.objects.count() == 0


@pytest.mark.django_db
def test_modes_need_the_permissions_they_use(client, django_user_model, tmp_path):
    user = django_user_model.objects.create_user("dat", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_landparcel"))
    client.force_login(user)
    source = write_parcels(tmp_path / "thua.gpkg", ["LUC"])
    page = upload(client, source, mode="replace")
    assert page.status_code == 200
    assert "Bạn không được nhập vào lớp này theo chế độ “replace”" in page.text
    assert Upload.objects.count() == 0
    choices = re.findall(r'<option value="(\w+)"', client.get(ADD_URL).text)
    assert "land_parcels" in choices and "roads" not in choices


@pytest.mark.django_db
def test_people_without_add_rights_get_no_upload_page(client, django_user_model):
    user = django_user_model.objects.create_user("xem", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_landparcel"))
    client.force_login(user)
    assert client.get(ADD_URL).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_progress_is_written_from_its_own_thread_and_shown_while_running(admin_client):
    from geoserver_app.editor.uploads import ProgressWriter

    running = Upload.objects.create(layer="land_parcels", source_name="lon.gpkg", path="/x",
                                    status="running", created_by="admin")
    writer = ProgressWriter(running.pk)
    writer(5, 10)
    writer.close()
    running.refresh_from_db()
    assert (running.done, running.total) == (5, 10)
    page = admin_client.get(f"/admin/editor/upload/{running.pk}/change/").text
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "đã đọc 5 / 10 đối tượng" in page
    assert '<progress max="100" value="50">' in page
