# SPDX-License-Identifier: MIT
"""Metadata defaults of a layer, from its catalog entry (titles, sector, access)."""
from __future__ import annotations

from layers import registry

# ISO 19115 MD_TopicCategoryCode per sector, with per-layer exceptions.
SECTOR_TOPICS = {
    registry.Sector.ADMINISTRATIVE: "boundaries",
    registry.Sector.LAND: "planningCadastre",
    registry.Sector.RESOURCES: "inlandWaters",
    registry.Sector.TRANSPORT: "transportation",
    registry.Sector.CONSTRUCTION: "structure",
}
LAYER_TOPICS = {
    "mineral_sites": "geoscientificInformation",
    "forest_areas": "environment",
    "urban_planning_zones": "planningCadastre",
}
# The provincial departments since the 2025 reorganisation of the administration.
SECTOR_CONTACTS = {
    registry.Sector.ADMINISTRATIVE: "Sở Nội vụ tỉnh Bắc Ninh",
    registry.Sector.LAND: "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
    registry.Sector.RESOURCES: "Sở Nông nghiệp và Môi trường tỉnh Bắc Ninh",
    registry.Sector.TRANSPORT: "Sở Xây dựng tỉnh Bắc Ninh",
    registry.Sector.CONSTRUCTION: "Sở Xây dựng tỉnh Bắc Ninh",
}
SCALES = {registry.Sector.LAND: 2000, registry.Sector.CONSTRUCTION: 2000}
DEFAULT_SCALE = 10000
PUBLIC_LICENCE = "Giấy phép Dữ liệu mở (CC BY 4.0)"
INTERNAL_LICENCE = "Chỉ sử dụng nội bộ các cơ quan nhà nước; không công bố."


def defaults_for(layer: registry.Layer) -> dict[str, object]:
    """The initial metadata of a registry layer."""
    vi_sector, en_sector = registry.SECTOR_TITLES[layer.sector]
    return {
        "title": layer.title_vi,
        "abstract": layer.description_vi,
        "keywords": ", ".join([vi_sector, layer.title_vi, layer.title_en, "Bắc Giang", "Bắc Ninh"]),
        "topic_category": LAYER_TOPICS.get(layer.id, SECTOR_TOPICS[layer.sector]),
        "lineage": "Số hóa và chuẩn hóa từ dữ liệu của ngành "
                   f"{vi_sector.lower()}; nhập vào cơ sở dữ liệu bản đồ nền dùng chung.",
        "scale_denominator": SCALES.get(layer.sector, DEFAULT_SCALE),
        "reference_system": "EPSG:9214",
        "update_frequency": "asNeeded",
        "contact_organisation": SECTOR_CONTACTS[layer.sector],
        "licence": PUBLIC_LICENCE if layer.public else INTERNAL_LICENCE,
    }
