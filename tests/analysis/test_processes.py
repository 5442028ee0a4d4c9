# SPDX-License-Identifier: MIT
"""The pygeoapi process plugins run the analysis for the grant in their definition."""
from __future__ import annotations

import pytest

from analysis.errors import AnalysisInputError
from analysis.processes import PROCESSORS, AreaStatisticsProcessor, PlanningLookupProcessor
from layers.grants import PUBLIC, LayerRights


def test_process_ids_and_metadata():
    assert sorted(PROCESSORS) == ["admin-units-convert", "area-statistics", "changes", "export",
                                  "overlay", "planning-lookup"]
    for pid, cls in PROCESSORS.items():
        assert cls.METADATA["id"] == pid
        assert cls.METADATA["title"]["vi"] and cls.METADATA["title"]["en"]
        assert "async-execute" in cls.METADATA["jobControlOptions"]


def test_planning_lookup_process_uses_its_grant(scene):
    parcel = {"parcel": {"commune_code": "07210", "sheet_no": 12, "parcel_no": 345}}
    public = PlanningLookupProcessor({"name": "planning-lookup"})
    mime, result = public.execute(parcel)
    assert mime == "application/json" and "owner_name" not in result["parcel"]
    grant = PUBLIC.extended([("land_parcels", LayerRights(sensitive=True))], "token:x")
    full = PlanningLookupProcessor({"name": "planning-lookup", "grant": grant})
    assert full.execute(parcel)[1]["parcel"]["owner_name"] == "Nguyễn Văn An"


def test_statistics_as_csv(scene):
    process = AreaStatisticsProcessor({"name": "area-statistics"})
    mime, body = process.execute({"statistic": "road_length_by_class", "format": "csv"})
    assert mime == "text/csv"
    assert body.splitlines() == ["road_class,features,length_m", "national,1,400.0"]


def test_errors_carry_http_400(scene):
    with pytest.raises(AnalysisInputError) as caught:
        PlanningLookupProcessor({"name": "planning-lookup"}).execute({})
    assert caught.value.http_status_code == 400
    assert "give one of" in caught.value.message
