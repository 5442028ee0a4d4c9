# SPDX-License-Identifier: MIT
"""The run-time layer catalog: a snapshot of ``layer_catalog`` that every service reads.

The registry (``layers.registry``) stays the typed schema and the seed of the curated
layers; at run time the table decides every layer's titles, sector, access level,
sensitive attributes, style, zoom range and capabilities, and which layers exist at all
(published ones, retired ones). Services call ``current()``: a frozen ``Catalog`` shared by
every request of the process, so a request costs no catalog query. A listener thread per
process (``LISTEN layer_catalog``, the trigger's NOTIFY) marks the snapshot stale on every
change; the next ``current()`` reloads it once. Commands and tests that change the catalog
in-process call ``invalidate()``.

Before the table exists (a fresh database being migrated) or while the database is
unreachable with no snapshot yet, the catalog is the registry's defaults.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import psycopg2

from layers import catalog_sql, notify, registry
from layers import sql as layer_sql
from layers.registry import Access, Attribute, Geometry, Layer, Origin, Sector, Style

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Catalog:
    """The layers of one catalog version: live ones in display order, and retired ones."""

    version: int
    layers: tuple[Layer, ...]
    retired: tuple[Layer, ...] = ()
    by_id: dict[str, Layer] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {layer.id: layer for layer in self.layers})

    def get(self, layer_id: str) -> Layer:
        """A live layer; KeyError names the unknown id."""
        try:
            return self.by_id[layer_id]
        except KeyError:
            raise KeyError(f"unknown layer {layer_id!r}; known: {', '.join(self.by_id)}") from None

    def find(self, layer_id: str) -> Layer | None:
        return self.by_id.get(layer_id)

    def public_layers(self) -> tuple[Layer, ...]:
        return tuple(layer for layer in self.layers if layer.public)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(layer.id for layer in self.layers)


def style_json(style: Style) -> dict:
    """A style as stored; classes as [value, colour] pairs, because jsonb does not keep the
    order of an object's keys and a legend lists the classes in their order."""
    return {**dataclasses.asdict(style), "classes": [list(pair) for pair in style.classes.items()]}


def style_json_text(style: Style) -> str:
    return json.dumps(style_json(style))


def style_of(data: dict) -> Style:
    names = {f.name for f in dataclasses.fields(Style)}
    values = {key: value for key, value in data.items() if key in names}
    if isinstance(values.get("classes"), list):
        values["classes"] = {value: colour for value, colour in values["classes"]}
    return Style(**values)


def seed_row(layer: Layer, position: int) -> tuple:
    """The ``layer_catalog`` values of a curated registry layer (``catalog_sql.SEED``)."""
    return (layer.id, "curated", layer.model, layer.table, layer.title_vi, layer.title_en,
            layer.description_vi, layer.description_en, layer.sector.value,
            layer.geometry.value, list(layer.natural_key), layer.access.value,
            list(layer.sensitive), style_json_text(layer.style), layer.min_zoom,
            layer.max_zoom, layer.features, layer.tiles, layer.editable, "[]", position,
            layer.id)


def seed(cursor) -> None:
    """Insert the registry's curated layers missing from ``layer_catalog`` (an analyst's
    edit is never overwritten), as the registry's migration."""
    cursor.execute(layer_sql.SET_ACTOR, ["migration:registry"])
    for position, layer in enumerate(registry.LAYERS):
        cursor.execute(catalog_sql.SEED, seed_row(layer, position))


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def attributes_json(attributes: Iterable[Attribute]) -> str:
    """The ``attributes`` column of a published layer."""
    return json.dumps([dataclasses.asdict(a) for a in attributes], ensure_ascii=False)


def attributes_of(data: list[dict]) -> tuple[Attribute, ...]:
    return tuple(Attribute(item["name"], item.get("title") or item["name"], item["type"])
                 for item in data)


def layer_of(row: dict) -> Layer:
    """A catalog row as the typed layer every service reads."""
    style = _json(row["style"])
    return Layer(
        id=row["id"], model=row["model"] or "", title_vi=row["title_vi"],
        title_en=row["title_en"] or row["title_vi"], description_vi=row["description_vi"],
        description_en=row["description_en"], sector=Sector(row["sector"]),
        geometry=Geometry(row["geometry"]), natural_key=tuple(row["natural_key"]),
        style=style_of(style), access=Access(row["access"]),
        sensitive=tuple(row["sensitive"]), min_zoom=row["min_zoom"],
        max_zoom=row["max_zoom"], features=row["features"], tiles=row["tiles"],
        editable=row["editable"], origin=Origin(row.get("origin") or "curated"),
        attributes=attributes_of(_json(row.get("attributes") or "[]")))


def registry_catalog() -> Catalog:
    """The catalog a database without ``layer_catalog`` has: the registry's defaults."""
    return Catalog(0, registry.LAYERS)


def catalog_of(rows: Iterable[dict], version: int) -> Catalog:
    layers, retired = [], []
    for row in rows:
        (retired if row["retired_at"] else layers).append(layer_of(row))
    return Catalog(version, tuple(layers), tuple(retired))


def read(cursor) -> Catalog | None:
    """The catalog from the database (None when the table does not exist yet)."""
    cursor.execute("SELECT to_regclass('layer_catalog') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute(catalog_sql.SELECT_ALL)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    cursor.execute("SELECT coalesce(max(id), 0) FROM layer_catalog_audit")
    return catalog_of(rows, cursor.fetchone()[0])


class Unavailable(Exception):
    """The catalog could not be read (the database is down); the last one is kept."""


# --- the process's snapshot ---------------------------------------------------------------
class Snapshot:
    """The current catalog of this process, reloaded once after each change notice."""

    def __init__(self, loader: Callable[[], Catalog | None]) -> None:
        self.loader = loader
        self.lock = threading.Lock()
        self.catalog: Catalog | None = None
        self.stale = True

    def current(self) -> Catalog:
        if self.stale or self.catalog is None:
            with self.lock:
                if self.stale or self.catalog is None:
                    self.reload()
        return self.catalog

    def reload(self) -> None:
        self.stale = False
        try:
            loaded = self.loader()
        except (psycopg2.Error, Unavailable) as exc:
            self.stale = True
            log.warning("layer catalog: %s; serving the last known catalog", exc)
            loaded = None
        if loaded is not None:
            self.catalog = loaded
        elif self.catalog is None:
            self.catalog = registry_catalog()

    def invalidate(self) -> None:
        self.stale = True


_snapshot = Snapshot(lambda: None)  # the registry until the app sets a database loader
_listeners: dict[int, Listener] = {}
_following = threading.Event()
_connector: Callable[[], Any] | None = None


def current() -> Catalog:
    """The catalog every service reads (a server process also listens for its changes)."""
    if _following.is_set() and os.getpid() not in _listeners:
        start_listener()  # a process forked from one that followed changes
    return _snapshot.current()


def follow_changes() -> None:
    """Reload this process's catalog on every change notice (servers call it at start)."""
    _following.set()
    start_listener()


def use_database(loader: Callable[[], Catalog | None], connector: Callable[[], Any]) -> None:
    """Read the catalog with ``loader``, and listen on connections from ``connector``, from
    now on (the Django app sets its database's; this module stays framework-free)."""
    global _connector
    _snapshot.loader, _connector = loader, connector
    _snapshot.invalidate()


def invalidate() -> None:
    """Reload the catalog at the next ``current()`` (after an in-process change)."""
    _snapshot.invalidate()


def subscribe(callback: Callable[[], None]) -> None:
    """Call ``callback`` (in the listener thread) after each catalog change notice."""
    _subscribers.append(callback)


_subscribers: list[Callable[[], None]] = [invalidate]


# --- the change listener --------------------------------------------------------------------
def connect():
    """A new connection for listening (the app's ``use_database`` says how)."""
    if _connector is None:
        raise psycopg2.OperationalError("no database configured for the catalog listener")
    return _connector()


class Listener(notify.ChannelListener):
    """LISTEN layer_catalog; on each notice (and each reconnection: notices sent while the
    connection was down are lost) call the subscribers."""

    def __init__(self, connector: Callable[[], Any] = lambda: connect()) -> None:
        super().__init__("layer-catalog", catalog_sql.CHANNEL, connector)
        self.notices = 0

    def heard(self, connection) -> None:
        self.notices += 1
        for callback in tuple(_subscribers):
            try:
                callback()
            except Exception:  # one subscriber's failure must not stop the others
                log.exception("layer catalog subscriber %r failed", callback)


def start_listener() -> Listener:
    """The process's listener thread (one per process, also after a fork; started once)."""
    pid = os.getpid()
    if pid not in _listeners or not _listeners[pid].is_alive():
        _listeners[pid] = Listener()
        _listeners[pid].start()
    return _listeners[pid]
