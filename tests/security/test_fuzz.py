# SPDX-License-Identifier: MIT
"""Property-based fuzzing of the public OGC API from its own OpenAPI document (schemathesis),
bounded in examples and time, loopback only: no input may produce a server error.

pygeoapi's document points at schemas.opengis.net for the standard parameters and responses;
with no internet those are replaced by local definitions of the same parameters first.
"""
from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok

pytestmark = pytest.mark.django_db(transaction=True)
FUZZED = r"^/(collections/(land_parcels|roads|catalog)(/.*)?|processes.*|conformance|)$"
EXAMPLES = 12
NUMBERS = {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 6}
# the standard OGC API parameters pygeoapi references remotely, defined here
KNOWN = {
    "bbox": {"in": "query", "style": "form", "explode": False, "schema": NUMBERS},
    "limit": {"in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}},
    "datetime": {"in": "query", "schema": {"type": "string"}},
    "crs": {"in": "query", "schema": {"type": "string", "format": "uri"}},
    "bbox-crs": {"in": "query", "schema": {"type": "string", "format": "uri"}},
    "featureId": {"in": "path", "required": True, "schema": {"type": "string"}},
    "tileMatrixSetId": {"in": "path", "required": True,
                        "schema": {"type": "string", "enum": ["WebMercatorQuad"]}},
    "tileMatrix": {"in": "path", "required": True, "schema": {"type": "string"}},
    "tileRow": {"in": "path", "required": True, "schema": {"type": "integer"}},
    "tileCol": {"in": "path", "required": True, "schema": {"type": "integer"}},
}


def offline(node: Any) -> Any:
    """The document with every remote $ref replaced by a local equivalent (or dropped)."""
    if isinstance(node, list):
        return [item for item in (offline(i) for i in node) if item is not None]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref", "")
    if ref.startswith("http"):
        name = ref.rsplit("/", 1)[-1].removesuffix(".yaml")
        if "/parameters/" in ref:
            return {"name": name, **KNOWN[name]} if name in KNOWN else None
        if "/responses/" in ref:
            return {"description": name}
        return {}
    return {key: offline(value) for key, value in node.items()}


def fuzz(operation) -> None:
    """Up to EXAMPLES generated requests to one operation; none may answer 5xx."""

    @given(case=operation.as_strategy())
    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                         database=None, suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        response = case.call(timeout=30)
        case.validate_response(response, checks=[not_a_server_error])

    check()


def test_no_input_makes_a_server_error(serve, tmp_path):
    db = settings.DATABASES["default"]
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    base = serve({"DATABASE_URL": url, "BASEMAP_VAR_DIR": str(tmp_path)})
    document = offline(requests.get(f"{base}/ogcapi/openapi?f=json", timeout=60).json())
    document["servers"] = [{"url": f"{base}/ogcapi"}]
    schema = schemathesis.openapi.from_dict(document)
    schema.config.update(base_url=f"{base}/ogcapi")
    schema = schema.include(method="GET").include(path_regex=FUZZED)
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    unusable = [str(result.err())[:300] for result in results if not isinstance(result, Ok)]
    assert not unusable
    assert len(operations) >= 15
    for operation in operations:
        fuzz(operation)
