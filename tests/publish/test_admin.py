# SPDX-License-Identifier: MIT
"""The admin's publish page: upload, preview, choose words and sensitive attributes, publish."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission

from layers import catalog
from tests.publish.conftest import catalog_rows, drop_published, relation_exists

pytestmark = pytest.mark.django_db(transaction=True)
URL = "/admin/editor/upload/publish/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def zipped(shapefile: Path) -> Path:
    archive = shapefile.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w") as out:
        for part in shapefile.parent.glob(f"{shapefile.stem}.*"):
            if part.suffix != ".zip":
                out.write(part, part.name)
    return archive


def preview(client, path: Path):
    with path.open("rb") as source:
        return client.post(URL, {"file": source, "source_crs": "", "encoding": "auto",
                                 "layer_name": ""})


def choices(page: str) -> dict[str, str]:
    fields = ("token", "source_crs", "encoding", "layer_name")
    return {name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1) if
            re.search(rf'name="{name}" value="([^"]*)"', page) else "" for name in fields}


def test_upload_preview_and_publish(admin_client, schools, media, request):
    request.addfinalizer(lambda: drop_published("truong_hoc"))
    assert admin_client.get(URL).status_code == 200
    page = preview(admin_client, zipped(schools)).content.decode()
    assert "2 features, Point, text encoding tcvn3, coordinate system EPSG:9214." in page \
        or "2 đối tượng, Point, bảng mã tcvn3, hệ tọa độ EPSG:9214." in page
    assert "<td>HiệuTrưởng</td><td><code>hieutruong</code></td><td>text</td>" in page
    assert re.search(r'id="publish-extent">[^<]*106\.\d+, 21\.\d+ – 106\.\d+, 21\.\d+</p>', page)
    svg = re.search(r'<svg class="publish-preview".*?</svg>', page).group(0)
    assert svg.count('<path d="M') == 2  # the two schools on the preview map
    assert not relation_exists("truong_hoc")
    response = admin_client.post(URL, {**choices(page), "id": "truong_hoc",
                                       "title_vi": "Trường học", "title_en": "Schools",
                                       "sector": "construction", "access": "public",
                                       "sensitive": ["hieutruong"]})
    assert response.status_code == 302
    layer = catalog.current().get("truong_hoc")
    assert (layer.title_en, layer.sensitive) == ("Schools", ("hieutruong",))
    assert list((media / "publish").iterdir()) == []  # the upload is discarded once published


def test_a_refused_publish_shows_the_reason_and_leaves_nothing(admin_client, schools):
    page = preview(admin_client, zipped(schools)).content.decode()
    response = admin_client.post(URL, {**choices(page), "id": "land_parcels",
                                       "title_vi": "Thửa", "sector": "land",
                                       "access": "public"})
    assert response.status_code == 200
    assert "là một lớp chuẩn" in response.content.decode()
    assert catalog_rows("land_parcels")[0] == 1


def test_staff_need_the_publish_permission(client, django_user_model):
    user = django_user_model.objects.create_user("phan_tich", password="x", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403
    user.user_permissions.add(Permission.objects.get(codename="publish_layer"))
    client.force_login(django_user_model.objects.get(pk=user.pk))
    assert client.get(URL).status_code == 200
