# SPDX-License-Identifier: MIT
"""The failover drill: a steady mix of reads and edits through the load balancer while the
primary, an etcd member and an app node are killed; every outcome recorded with its times.

Used by tests/ops/test_failover.py (one drill, asserted) and bench/failover_bench.py (three
drills, figures for docs/operations.md).
"""
from __future__ import annotations

import itertools
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
import requests

from geoserver_app.ops import ha
from tests.support.servers import ROOT
from tests.support.tile_client import xyz

# the edits land inside one z14 tile of the public base map, west of Bắc Giang town
EDIT_AREA = (106.150, 21.250)
TILE_ZOOM = 14
READ_PATH = "/ogcapi/collections/roads/items?f=json&limit=5"


@dataclass
class Outcome:
    kind: str        # "read" or "write"
    started: float   # time.time()
    ended: float
    status: int      # HTTP status, 0 for a connection error
    name: str = ""   # a write's unique road name
    detail: str = ""  # the body of an unexpected answer, or the client's error


@dataclass
class Load:
    """``readers`` + ``writers`` threads against the web port until ``stop``."""

    web: str
    token: str
    readers: int = 20
    writers: int = 5
    pause: float = 0.2  # seconds a writer waits between its edits (0: as fast as answered)
    outcomes: list[Outcome] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    sequence: itertools.count = field(default_factory=itertools.count)
    run: str = field(default_factory=lambda: secrets.token_hex(3))  # unique codes per drill

    def start(self) -> None:
        self.threads = [threading.Thread(target=self.read, daemon=True)
                        for _ in range(self.readers)]
        self.threads += [threading.Thread(target=self.write, daemon=True)
                         for _ in range(self.writers)]
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(150)

    def record(self, kind: str, started: float, status: int, name: str = "",
               detail: str = "") -> None:
        self.outcomes.append(Outcome(kind, started, time.time(), status, name, detail))

    def read(self) -> None:
        session = requests.Session()
        while not self.stopping.is_set():
            started = time.time()
            try:
                response = session.get(self.web + READ_PATH, timeout=120)
                status, detail = response.status_code, response.text[:300]
            except requests.RequestException as exc:
                status, detail = 0, str(exc)[:300]
            self.record("read", started, status, detail="" if status == 200 else detail)
            time.sleep(0.05)

    def write(self) -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {self.token}",
                   "Content-Type": "application/geo+json"}
        while not self.stopping.is_set():
            number = next(self.sequence)
            name = f"drill-{self.run}-{number}"
            lon = EDIT_AREA[0] + (number % 50) * 0.0002
            feature = {"type": "Feature", "properties": {
                "code": f"D{self.run}{number}", "name": name, "road_class": "commune"},
                "geometry": {"type": "LineString",
                             "coordinates": [[lon, EDIT_AREA[1]], [lon, EDIT_AREA[1] + 0.002]]}}
            started = time.time()
            try:
                response = session.post(self.web + "/ogcapi/collections/roads/items",
                                        data=json.dumps(feature), headers=headers, timeout=120)
                status, detail = response.status_code, response.text[:300]
            except requests.RequestException as exc:
                status, detail = 0, str(exc)[:300]
            self.record("write", started, status, name, "" if status == 201 else detail)
            time.sleep(self.pause)

    def first_write_ok_after(self, moment: float) -> float | None:
        times = [o.ended for o in self.outcomes
                 if o.kind == "write" and o.status == 201 and o.started >= moment]
        return min(times) if times else None


def token_for(lab: ha.Lab) -> str:
    """An API token that may write roads (made on the running cluster)."""
    env = lab.app_environment("app1")
    result = subprocess.run([sys.executable, "manage.py", "apitoken", "create",
                             f"drill-{time.time_ns()}", "--layers", "roads", "--write"],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1].split()[-1]


def primary_connection(lab: ha.Lab):
    password = lab.state["passwords"][ha.ROLE]
    return psycopg2.connect(host="127.0.0.1", port=lab.ports.read_write, user=ha.ROLE,
                            password=password, dbname=ha.DATABASE, connect_timeout=5)


def wait(what: str, check, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if check():
            return time.monotonic() - started
        time.sleep(0.25)
    raise TimeoutError(f"{what} not within {timeout:.0f} s")


def tile_file(lab: ha.Lab) -> tuple[str, Path]:
    x, y = xyz(*EDIT_AREA, TILE_ZOOM)
    url = f"/tiles/wmts/basemap/webmercator/{TILE_ZOOM}/{x}/{y}.png"
    return url, lab.root / "app" / "tiles" / "basemap" / "webmercator" / str(TILE_ZOOM) / \
        str(x) / f"{y}.png"


def kill_node(lab: ha.Lab, node: str) -> None:
    """A lost database machine: Patroni and its PostgreSQL killed at once (SIGKILL)."""
    postmaster = lab.postmaster_pid(node)
    lab.send(node, signal.SIGKILL)
    if postmaster:
        os.kill(postmaster, signal.SIGKILL)


# how long the balancer may take to mark a killed app node down (deploy/ha/haproxy.cfg: a
# check each second, down at the first failed connection or after three failed checks)
APP_DOWN_S = 3.0


def kill_app(lab: ha.Lab, app: str) -> None:
    """A lost app machine: gunicorn's master and workers killed at once."""
    os.killpg(lab.state["pids"][app], signal.SIGKILL)


@dataclass
class Drill:
    """What one drill measured."""

    write_recovery_s: float
    acknowledged: int
    lost: list[str]
    duplicated: list[str]
    unknown_outcome: int
    reads: int
    reads_failed_after_kill: int
    writes_failed_unexpectedly: list[tuple[int, str]]
    stale_tile: bool
    old_leader: str
    new_leader: str

    def lines(self) -> list[str]:
        return [f"write recovery: {self.write_recovery_s:.1f} s "
                f"({self.old_leader} -> {self.new_leader})",
                f"acknowledged edits: {self.acknowledged}, lost: {len(self.lost)}, "
                f"duplicated: {len(self.duplicated)}, "
                f"refused with 503 (outcome told as unknown): {self.unknown_outcome}",
                f"reads: {self.reads}, failed (started after a kill): "
                f"{self.reads_failed_after_kill}",
                f"tile of the edited area left stale: {self.stale_tile}"]


def run(lab: ha.Lab, readers: int = 20, writers: int = 5, settle: float = 8.0) -> Drill:
    """Kill the leader node, then the new leader's etcd member, then app1, under load."""
    token = token_for(lab)
    url, cached = tile_file(lab)
    requests.get(lab.web_url().rstrip("/") + url, timeout=60).raise_for_status()
    load = Load(lab.web_url().rstrip("/"), token, readers, writers)
    load.start()
    kills: list[float] = []
    try:
        time.sleep(settle)
        old_leader = lab.leader()
        kills.append(time.time())
        kill_node(lab, old_leader)
        wait("a write after the failover", lambda: load.first_write_ok_after(kills[0]), 120)
        recovery = load.first_write_ok_after(kills[0]) - kills[0]
        new_leader = wait_for_new_leader(lab, old_leader)
        time.sleep(settle)
        kills.append(time.time())
        lab.send(ha.ETCD_MEMBERS[ha.NODES.index(new_leader)], signal.SIGKILL)
        time.sleep(settle)
        kills.append(time.time())
        kill_app(lab, "app1")
        time.sleep(settle)
        # the edited area is drawn again while edits go on: the cache must follow them
        requests.get(lab.web_url().rstrip("/") + url, timeout=60)
    finally:
        load.stop()
    last_ack = max(o.ended for o in load.outcomes if o.kind == "write" and o.status == 201)
    wait("the tile invalidations", lambda: pending_invalidations(lab) == 0, 60)
    stale = cached.exists() and cached.stat().st_mtime < last_ack
    return summarise(lab, load, kills, recovery, stale, old_leader, new_leader)


def wait_for_new_leader(lab: ha.Lab, old: str) -> str:
    found: list[str] = []

    def elected() -> bool:
        leader = lab.leader()
        if leader and leader != old:
            found.append(leader)
            return True
        return False

    wait("a new leader", elected, 120)
    return found[-1]


def pending_invalidations(lab: ha.Lab) -> int:
    with primary_connection(lab) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tile_invalidations")
        return cursor.fetchone()[0]


def summarise(lab: ha.Lab, load: Load, kills: list[float], recovery: float, stale: bool,
              old_leader: str, new_leader: str) -> Drill:
    writes = [o for o in load.outcomes if o.kind == "write"]
    with primary_connection(lab) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT name, count(*) FROM roads WHERE name LIKE 'drill-%%' "
                       "GROUP BY name")
        stored = dict(cursor.fetchall())
    acknowledged = [o.name for o in writes if o.status == 201]
    def in_flight(outcome: Outcome) -> bool:  # under way at a kill: it may fail
        return any(outcome.started <= kill <= outcome.ended for kill in kills)

    def cut_off(outcome: Outcome) -> bool:
        """No answer at all (status 0) because its app node died under it, or because it was
        sent there on a kept-alive connection before the balancer marked the node down
        (HAProxy then closes the client's connection so that it may retry): its outcome is
        unknown to the client, as with a 503, and it is never stored twice (``duplicated``)."""
        app_killed = kills[-1]
        return outcome.status == 0 and (
            in_flight(outcome) or app_killed <= outcome.started <= app_killed + APP_DOWN_S)

    reads = [o for o in load.outcomes if o.kind == "read"]
    failed_reads = [o for o in reads if o.status != 200 and not in_flight(o)]
    return Drill(write_recovery_s=recovery, acknowledged=len(acknowledged),
                 lost=[name for name in acknowledged if name not in stored],
                 duplicated=[name for name, count in stored.items() if count > 1],
                 unknown_outcome=sum(1 for o in writes if o.status == 503),
                 reads=len(reads), reads_failed_after_kill=len(failed_reads),
                 writes_failed_unexpectedly=[
                     (o.status, f"{o.detail} (started {o.started - kills[-1]:+.2f} s from "
                                f"the app kill)") for o in writes
                     if o.status not in (201, 503) and not cut_off(o)],
                 stale_tile=stale, old_leader=old_leader, new_leader=new_leader)
