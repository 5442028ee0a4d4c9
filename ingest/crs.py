# SPDX-License-Identifier: MIT
"""Which CRS a source is in: the mapping, else the file, else detected from coordinates.

ESRI-style .prj files name VN-2000 zones (``VN-2000_TM-3_107-00``) without a datum shift;
read literally they land ~224 m off. Any VN-2000 Transverse Mercator definition is
therefore resolved to its EPSG code (TM-3 zones 9205-9218, UTM 3405/3406), which PROJ
transforms with the EPSG:6960 parameters.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError

from ingest.errors import IngestError
from layers import vn2000

STORAGE_EPSG = 9214
VN2000_UTM = {105.0: 3405, 111.0: 3406}
_VN2000_NAME = re.compile(r"VN[-_ ]?2000|Vietnam[-_ ]2000", re.IGNORECASE)
_TM3_NAME = re.compile(r"TM[-_ ]?3[-_ ]+(\d{3})[-_ ]?(\d{2})", re.IGNORECASE)
# detection candidates, most likely first: the province's own zone, UTM, then lon/lat
DETECT_CANDIDATES = (9214, 32648, 32649, 4326, 3405, 3406, *sorted(set(vn2000.TM3_ZONES) - {9214}))


@dataclass
class CrsChoice:
    """The source CRS, how it was found, and whether X/Y were swapped in the file."""

    crs: pyproj.CRS
    label: str
    how: str  # "mapping" | "file" | "detected"
    swapped: bool = False

    def transformer(self) -> pyproj.Transformer | None:
        """Source -> EPSG:9214, None when the source already is EPSG:9214."""
        if self.crs.to_epsg() == STORAGE_EPSG:
            return None
        return pyproj.Transformer.from_crs(self.crs, STORAGE_EPSG, always_xy=True)


def _zone_by_name(text: str) -> int | None:
    """EPSG code from an ESRI-style zone name such as ``VN-2000_TM-3_107-00``."""
    name = _TM3_NAME.search(text)
    if not name:
        return None
    zone = f"{name.group(1)}-{name.group(2)}"
    return next((srid for srid, known in vn2000.TM3_ZONES.items() if known == zone), None)


def _zone_by_parameters(lon0: float, scale: float) -> int | None:
    """EPSG code of a VN-2000 TM-3 (k=0.9999) or UTM (k=0.9996) projection."""
    if abs(scale - 0.9996) < 1e-7:
        return VN2000_UTM.get(round(lon0, 4))
    if abs(scale - 0.9999) > 1e-7:
        return None
    return next((srid for srid, zone in vn2000.TM3_ZONES.items()
                 if abs(vn2000.central_meridian(zone) - lon0) < 1e-6), None)


def _vn2000_zone(crs: pyproj.CRS, text: str) -> int | None:
    """The EPSG code of a VN-2000 Transverse Mercator definition, from its name or parameters."""
    by_name = _zone_by_name(text)
    if by_name is not None:
        return by_name
    if not (_VN2000_NAME.search(text) and crs.is_projected and crs.coordinate_operation):
        return None
    params = {p.name.lower(): p.value for p in crs.coordinate_operation.params}
    lon0 = params.get("longitude of natural origin")
    scale = params.get("scale factor at natural origin")
    return None if lon0 is None or scale is None else _zone_by_parameters(lon0, scale)


def parse(text: str) -> pyproj.CRS:
    """A CRS from 'EPSG:N', a number, WKT or PROJ text; IngestError when unknown."""
    try:
        crs = pyproj.CRS.from_user_input(int(text) if text.strip().isdigit() else text)
    except CRSError as exc:
        raise IngestError(f"hệ tọa độ không xác định {text[:60]!r}: dùng mã EPSG, "
                          "ví dụ --source-crs EPSG:9214") from exc
    zone = _vn2000_zone(crs, text)
    if zone is not None and crs.to_epsg() != zone:
        return pyproj.CRS.from_epsg(zone)
    return crs


def storage_crs() -> pyproj.CRS:
    """EPSG:9214, what the layers store (and what an empty source is taken to be in)."""
    return pyproj.CRS.from_epsg(STORAGE_EPSG)


def to_wgs84() -> pyproj.Transformer:
    """EPSG:9214 -> WGS 84 lon/lat (where rejected features are, for the report's map)."""
    return pyproj.Transformer.from_crs(STORAGE_EPSG, 4326, always_xy=True)


def label(crs: pyproj.CRS) -> str:
    code = crs.to_epsg()
    return f"EPSG:{code}" if code else crs.name


def _inside(point: np.ndarray, crs: pyproj.CRS, region: shapely.Geometry) -> bool:
    """Whether ``point`` (in ``crs``) falls in the province region (EPSG:9214)."""
    x, y = point
    if not np.all(np.isfinite([x, y])):
        return False
    if crs.is_geographic and not (-180 <= x <= 180 and -90 <= y <= 90):
        return False
    try:
        to_storage = pyproj.Transformer.from_crs(crs, STORAGE_EPSG, always_xy=True)
        sx, sy = to_storage.transform(x, y, errcheck=True)
    except pyproj.exceptions.ProjError:
        return False
    return bool(shapely.contains_xy(region, sx, sy))


def typical_point(geoms: np.ndarray) -> np.ndarray:
    """The median of the features' bounding-box centres: a few strays do not move it."""
    bounds = shapely.bounds(geoms)
    return np.array([np.median((bounds[:, 0] + bounds[:, 2]) / 2),
                     np.median((bounds[:, 1] + bounds[:, 3]) / 2)])


def choose(declared: tuple[pyproj.CRS, str] | None, point: np.ndarray,
           region: shapely.Geometry) -> CrsChoice:
    """The CRS of the data: declared (mapping/file) or detected, with swapped axes found."""
    swapped_point = point[::-1]
    if declared is not None:
        crs, how = declared
        if not _inside(point, crs, region) and _inside(swapped_point, crs, region):
            return CrsChoice(crs, label(crs), how, swapped=True)
        return CrsChoice(crs, label(crs), how)
    for swapped, box in ((False, point), (True, swapped_point)):
        for code in DETECT_CANDIDATES:
            crs = pyproj.CRS.from_epsg(code)
            if _inside(box, crs, region):
                return CrsChoice(crs, label(crs), "detected", swapped=swapped)
    raise IngestError("không xác định được hệ tọa độ của tệp (không có .prj và tọa độ không "
                      "nằm trong tỉnh ở hệ nào đã biết): chỉ rõ bằng --source-crs EPSG:N")
