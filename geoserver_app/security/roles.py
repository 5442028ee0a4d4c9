# SPDX-License-Identifier: MIT
"""Admin roles: one Django group per sector with edit rights on its layers, auditors (read
everything), catalog editors (``layers.change_catalog``) and ``sensitive``.

Groups are (re)synchronised after every ``migrate`` from the registry, so a new layer gets
its permissions without hand work. Superusers are for set-up only.
"""
from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from layers import registry
from layers.models import model_for

Sector = registry.Sector
# which sector group edits which registry sectors (administrative units: the land department)
GROUP_SECTORS: dict[str, tuple[Sector, ...]] = {
    "land": (Sector.LAND, Sector.ADMINISTRATIVE),
    "resources": (Sector.RESOURCES,),
    "transport": (Sector.TRANSPORT,),
    "construction": (Sector.CONSTRUCTION,),
}
AUDITOR = "auditor"
# changes the run-time catalog (titles, access, sensitive attributes, style, retire)
CATALOG_EDITOR = "catalog"
# may read the sensitive attributes of the layers they edit (auditors: of every layer) through
# their database login (geoserver_app/security/dblogins.py); no admin permission of its own
SENSITIVE = "sensitive"
EDIT_ACTIONS = ("view", "add", "change", "delete")


def _permissions(layers: tuple[registry.Layer, ...], actions: tuple[str, ...]) -> list[Permission]:
    wanted = []
    for layer in layers:
        model = model_for(layer.id)
        content_type = ContentType.objects.get_for_model(model)
        codenames = [f"{action}_{model._meta.model_name}" for action in actions]
        wanted += Permission.objects.filter(content_type=content_type, codename__in=codenames)
    return wanted


def _view_everything() -> list[Permission]:
    return list(Permission.objects.filter(codename__startswith="view_",
                                          content_type__app_label__in=["layers", "geoserver_app"]))


def sync_groups(**kwargs) -> None:
    """Create or update the sector and auditor groups (a post_migrate receiver)."""
    if not Permission.objects.exists():
        return
    for name, sectors in GROUP_SECTORS.items():
        layers = tuple(layer for layer in registry.LAYERS if layer.sector in sectors)
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(layers, EDIT_ACTIONS) + _view_layer_permissions())
    auditor, _ = Group.objects.get_or_create(name=AUDITOR)
    auditor.permissions.set(_view_everything())
    editor, _ = Group.objects.get_or_create(name=CATALOG_EDITOR)
    Group.objects.get_or_create(name=SENSITIVE)
    editor.permissions.set(Permission.objects.filter(
        content_type__app_label="layers", codename__in=["change_catalog", "view_catalogentry"]))


def _view_layer_permissions() -> list[Permission]:
    return _permissions(registry.LAYERS, ("view",))


def sector_access(groups: set[str], sector: str) -> str | None:
    """The sector rule: the groups of a layer's sector edit it ("edit"), the other sector
    groups and the auditors view it ("view"), anyone else nothing (None). The admin's model
    permissions (``sync_groups``), published layers' admin and the database logins follow it."""
    if any(sector in GROUP_SECTORS[name] for name in groups & GROUP_SECTORS.keys()):
        return "edit"
    return "view" if groups & {*GROUP_SECTORS, AUDITOR} else None


def published_rights(user, layer: registry.Layer) -> frozenset[str]:
    """What ``user`` may do with the features of a published layer (it has no model, so no
    model permissions): ``sector_access``, like the registry layers; superusers do
    everything."""
    if not (user.is_active and user.is_staff):
        return frozenset()
    if user.is_superuser:
        return frozenset(EDIT_ACTIONS)
    access = sector_access(set(user.groups.values_list("name", flat=True)), layer.sector)
    return {"edit": frozenset(EDIT_ACTIONS), "view": frozenset(("view",))}.get(
        access, frozenset())
