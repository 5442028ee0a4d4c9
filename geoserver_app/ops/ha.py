# SPDX-License-Identifier: MIT
"""The high-availability recipe, run on one machine: ``make cluster-up`` / ``cluster-down``.

Three PostgreSQL 15 + PostGIS nodes managed by Patroni over a three-member etcd, HAProxy in
front (a read-write port that follows Patroni's leader, a read-only port over every running
node, and an HTTP port balancing two app nodes that share one tile cache), all on loopback.
The production version of the same recipe is ``deploy/ha/`` (one machine per member);
docs/operations.md explains the choice of Patroni, the drill and the measured figures.

Every process is started detached and recorded in ``DIR/state.json``; ``down`` stops what
the state names, so a second ``up`` only starts what is not running. PostgreSQL refuses to
run as root: when we are root Patroni runs as the ``postgres`` system user (as
``ops/cluster.py`` does for the embedded cluster).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from geoserver_app.ops.cluster import (
    DATABASE,
    ROLE,
    ClusterError,
    _as_server_user,
    _chown_tree,
    free_port,
    pg_bindir,
)

ROOT = Path(__file__).resolve().parents[2]
NODES = ("pg1", "pg2", "pg3")
ETCD_MEMBERS = ("etcd1", "etcd2", "etcd3")
APPS = ("app1", "app2")
SCOPE = "basemap"
# Patroni's defaults are ttl 30 / loop_wait 10; the recipe halves them so that a lost node
# is replaced within the 30 s (docs/operations.md, "Timings").
TIMINGS = {"ttl": 20, "loop_wait": 5, "retry_timeout": 5}


@dataclass(frozen=True)
class Ports:
    etcd_client: dict[str, int]
    etcd_peer: dict[str, int]
    postgres: dict[str, int]
    patroni: dict[str, int]
    apps: dict[str, int]
    read_write: int
    read_only: int
    web: int

    @classmethod
    def allocate(cls) -> Ports:
        def some(names):
            return {name: free_port() for name in names}
        return cls(some(ETCD_MEMBERS), some(ETCD_MEMBERS), some(NODES), some(NODES),
                   some(APPS), free_port(), free_port(), free_port())


class Lab:
    """The local cluster under one directory (``var/ha`` for ``make cluster-up``)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.state_file = self.root / "state.json"
        self.state = json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    # --- state -------------------------------------------------------------------------
    @property
    def ports(self) -> Ports:
        return Ports(**self.state["ports"])

    def save(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.state_file.write_text(json.dumps(self.state, indent=1))
        self.state_file.chmod(0o600)

    def prepare(self) -> None:
        """Ports and passwords, chosen once and kept for later ``up``s."""
        if "ports" in self.state:
            return
        ports = Ports.allocate()
        self.state = {"ports": ports.__dict__, "pids": {},
                      "passwords": {name: secrets.token_urlsafe(18)
                                    for name in ("superuser", "replication", "rewind", ROLE)}}
        self.save()

    def log(self, name: str) -> Path:
        path = self.root / "logs" / f"{name}.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    # --- URLs --------------------------------------------------------------------------
    def database_url(self, port: int) -> str:
        password = self.state["passwords"][ROLE]
        return f"postgis://{ROLE}:{password}@127.0.0.1:{port}/{DATABASE}"

    def conninfo(self, node: str) -> str:
        """A libpq line for the superuser on one node."""
        return (f"host=127.0.0.1 port={self.ports.postgres[node]} dbname={DATABASE} "
                f"user=postgres password={self.state['passwords']['superuser']}")

    def app_url(self, app: str) -> str:
        return f"http://127.0.0.1:{self.ports.apps[app]}/"

    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.web}/"

    def app_environment(self, app: str) -> dict[str, str]:
        """What an app node runs with: writes through the leader port, reads on any node."""
        return {**os.environ,
                "DATABASE_URL": self.database_url(self.ports.read_write)
                + "?target_session_attrs=read-write",
                "DATABASE_REPLICA_URL": self.database_url(self.ports.read_only),
                "BASEMAP_VAR_DIR": str(self.root / "app"),  # shared: one tile cache
                "PROMETHEUS_MULTIPROC_DIR": str(self.root / "app" / f"prometheus-{app}"),
                "PORT": str(self.ports.apps[app]),
                # an app node follows catalog changes and purges edited tiles (whatever the
                # environment of whoever started the recipe, e.g. the test suite's)
                "BASEMAP_TILE_LISTENER": "1", "BASEMAP_CATALOG_LISTENER": "1"}

    # --- processes ---------------------------------------------------------------------
    def alive(self, name: str) -> bool:
        pid = self.state.get("pids", {}).get(name)
        if not pid:
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:  # a zombie child of ours counts as dead
            return os.waitpid(pid, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return True

    def spawn(self, name: str, command: list[str], **kwargs) -> None:
        if self.alive(name):
            return
        with open(self.log(name), "ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True,
                                       **kwargs)
        self.state["pids"][name] = process.pid
        self.save()

    def send(self, name: str, signum: int) -> None:
        """A signal to a recorded process's group (SIGKILL: to the process alone)."""
        pid = self.state.get("pids", {}).get(name)
        if not (pid and self.alive(name)):
            return
        if signum == signal.SIGKILL:
            os.kill(pid, signum)
        else:
            os.killpg(pid, signum)

    def stop(self, name: str, timeout: float = 30.0) -> None:
        if not self.alive(name):
            return
        self.send(name, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while self.alive(name) and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.alive(name):
            os.killpg(self.state["pids"][name], signal.SIGKILL)

    # --- etcd --------------------------------------------------------------------------
    def etcd_hosts(self) -> str:
        return ",".join(f"127.0.0.1:{port}" for port in self.ports.etcd_client.values())

    def start_etcd(self, member: str) -> None:
        ports = self.ports
        peers = ",".join(f"{name}=http://127.0.0.1:{port}"
                         for name, port in ports.etcd_peer.items())
        datadir = self.root / "etcd" / member
        state = "existing" if datadir.exists() else "new"
        client = f"http://127.0.0.1:{ports.etcd_client[member]}"
        peer = f"http://127.0.0.1:{ports.etcd_peer[member]}"
        self.spawn(member, ["etcd", "--name", member, "--data-dir", str(datadir),
                            "--listen-client-urls", client, "--advertise-client-urls", client,
                            "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                            "--initial-cluster", peers, "--initial-cluster-state", state,
                            "--initial-cluster-token", f"{SCOPE}-{self.root.name}"])

    # --- Patroni -----------------------------------------------------------------------
    def node_dir(self, node: str) -> Path:
        return self.root / "nodes" / node

    def write_patroni_config(self, node: str) -> Path:
        ports, passwords, home = self.ports, self.state["passwords"], self.node_dir(node)
        home.mkdir(parents=True, exist_ok=True)
        home.chmod(0o700)
        bootstrap = home / "post_bootstrap.sh"
        bootstrap.write_text(POST_BOOTSTRAP.format(
            socket=home, port=ports.postgres[node], role=ROLE, database=DATABASE,
            password=passwords[ROLE]))
        bootstrap.chmod(0o700)
        config = {
            "scope": SCOPE, "name": node,
            "log": {"level": "INFO"},
            "restapi": {"listen": f"127.0.0.1:{ports.patroni[node]}",
                        "connect_address": f"127.0.0.1:{ports.patroni[node]}"},
            "etcd3": {"hosts": self.etcd_hosts()},
            "bootstrap": {
                "dcs": {**TIMINGS, "maximum_lag_on_failover": 1048576,
                        # an acknowledged commit is on a standby too (docs/operations.md)
                        "synchronous_mode": True,
                        "postgresql": {"use_pg_rewind": True, "parameters": {
                            "wal_level": "replica", "hot_standby": "on", "wal_log_hints": "on",
                            "max_wal_senders": 10, "max_replication_slots": 10,
                            "max_connections": 200}}},
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, "data-checksums"],
                "pg_hba": ["local all postgres peer",
                           "host replication replicator 127.0.0.1/32 scram-sha-256",
                           "host all all 127.0.0.1/32 scram-sha-256"],
                "post_bootstrap": str(bootstrap)},
            "postgresql": {
                "listen": f"127.0.0.1:{ports.postgres[node]}",
                "connect_address": f"127.0.0.1:{ports.postgres[node]}",
                "data_dir": str(home / "data"), "bin_dir": str(pg_bindir()),
                "pgpass": str(home / "pgpass"),
                # a replica's pg_basebackup asks for an immediate checkpoint (the default,
                # spread over checkpoint_timeout, held each new replica for minutes)
                "basebackup": [{"checkpoint": "fast"}],
                "authentication": {
                    "superuser": {"username": "postgres", "password": passwords["superuser"]},
                    "replication": {"username": "replicator",
                                    "password": passwords["replication"]},
                    "rewind": {"username": "rewinder", "password": passwords["rewind"]}},
                "parameters": {"unix_socket_directories": str(home),
                               "password_encryption": "scram-sha-256"}},
            "tags": {"nofailover": False, "noloadbalance": False},
        }
        path = home / "patroni.yml"
        path.write_text(json.dumps(config, indent=1))  # JSON is YAML
        _chown_tree(home)
        return path

    def start_node(self, node: str) -> None:
        config = self.write_patroni_config(node)
        self.spawn(node, ["/usr/bin/patroni", str(config)], cwd="/", **_as_server_user())

    def patroni(self, node: str, path: str = "patroni") -> dict | None:
        """A node's REST answer (None when it does not answer)."""
        url = f"http://127.0.0.1:{self.ports.patroni[node]}/{path}"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            return json.load(exc) if exc.code in (503,) else None
        except (OSError, ValueError):
            return None

    def leader(self) -> str | None:
        for node in NODES:
            answer = self.patroni(node, "cluster") or {}
            for member in answer.get("members", []):
                if member.get("role") == "leader" and member.get("state") == "running":
                    return member["name"]
        return None

    def members(self) -> dict[str, dict]:
        for node in NODES:
            answer = self.patroni(node, "cluster")
            if answer:
                return {member["name"]: member for member in answer.get("members", [])}
        return {}

    def postmaster_pid(self, node: str) -> int | None:
        pidfile = self.node_dir(node) / "data" / "postmaster.pid"
        try:
            return int(pidfile.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop_postgres(self, node: str) -> None:
        """A postmaster left behind by a killed Patroni (``down`` after a drill)."""
        data = self.node_dir(node) / "data"
        if self.postmaster_pid(node):
            subprocess.run([str(pg_bindir() / "pg_ctl"), "stop", "-D", str(data), "-m",
                            "immediate", "-w"], capture_output=True, cwd="/",
                           **_as_server_user())

    # --- HAProxy -----------------------------------------------------------------------
    def write_haproxy_config(self) -> Path:
        ports = self.ports
        def servers(port_of_node):
            return "\n".join(f"    server {node} 127.0.0.1:{port_of_node[node]} "
                             f"check port {ports.patroni[node]}" for node in NODES)
        apps = "\n".join(f"    server {app} 127.0.0.1:{port} check" for app, port
                         in ports.apps.items())
        text = HAPROXY.format(socket=self.root / "haproxy.sock", read_write=ports.read_write,
                              read_only=ports.read_only, web=ports.web,
                              postgres=servers(ports.postgres), apps=apps,
                              workers=os.environ.get("WEB_WORKERS", "3"))
        path = self.root / "haproxy.cfg"
        path.write_text(text)
        return path

    def haproxy(self, command: str) -> str:
        """One command on HAProxy's admin socket, and its answer ("" when it is down)."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(3)
                sock.connect(str(self.root / "haproxy.sock"))
                sock.sendall(command.encode() + b"\n")
                return b"".join(iter(lambda: sock.recv(65536), b"")).decode()
        except OSError:
            return ""

    def stats(self, section: str = "web") -> dict[str, list[str]]:
        """HAProxy's statistics row of each server of ``section``."""
        rows = [line.split(",") for line in self.haproxy("show stat").splitlines()
                if line and line[0] != "#"]
        return {row[1]: row for row in rows
                if row[0] == section and row[1] not in ("FRONTEND", "BACKEND")}

    def balanced(self, section: str = "web") -> set[str]:
        """The servers HAProxy now sends ``section``'s traffic to."""
        return {name for name, row in self.stats(section).items() if row[17] == "UP"}

    def restart_app(self, app: str) -> None:
        """A rolling restart's step: no new requests to ``app`` (HAProxy's maintenance
        state), its requests finished, stopped, started, back in the balancer."""
        self.haproxy(f"set server web/{app} state maint")
        self.wait(f"{app} drained", lambda: self.stats().get(app, ["0"] * 5)[4] == "0", 120)
        self.stop(app)  # SIGTERM: gunicorn finishes what it has
        self.start_app(app)
        self.wait(app, lambda: self.http_ok(self.app_url(app) + "livez"), 300)
        self.haproxy(f"set server web/{app} state ready")
        self.wait("the load balancer's app nodes", lambda: self.balanced() == set(APPS), 30)

    def start_haproxy(self) -> None:
        self.spawn("haproxy", ["haproxy", "-W", "-db", "-f", str(self.write_haproxy_config())])

    # --- the app -----------------------------------------------------------------------
    def start_app(self, app: str) -> None:
        self.spawn(app, ["scripts/run.sh"], cwd=ROOT, env=self.app_environment(app))

    def wait(self, what: str, check, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.5)
        raise ClusterError(f"{what} did not come up within {timeout:.0f} s; "
                           f"see the logs in {self.root / 'logs'}")

    def http_ok(self, url: str) -> bool:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:
                return response.status == 200
        except (OSError, ValueError):
            return False

    # --- the whole ---------------------------------------------------------------------
    def up(self, apps: bool = True) -> None:
        for tool in ("etcd", "haproxy", "/usr/bin/patroni"):
            if not shutil.which(tool):
                raise ClusterError(f"{tool} is missing: run scripts/setup.sh (as root) or "
                                   "apt-get install -y patroni etcd-server haproxy")
        self.prepare()
        for member in ETCD_MEMBERS:
            self.start_etcd(member)
        for node in NODES:
            self.start_node(node)
        self.wait("the Patroni leader", lambda: self.leader() is not None, 180)
        self.wait("two streaming replicas", lambda: sum(
            1 for m in self.members().values()
            if m.get("role") in ("replica", "sync_standby")
            and m.get("state") in ("streaming", "running")) == 2, 240)
        self.start_haproxy()
        self.wait("the read-write port", lambda: self.accepts(self.ports.read_write), 30)
        if apps:
            for app in APPS:  # one after the other: the first migrates, the second finds it done
                self.start_app(app)
                self.wait(app, lambda app=app: self.http_ok(self.app_url(app) + "healthz"), 300)
            self.wait("the load balancer's app nodes", lambda: self.balanced() == set(APPS), 30)

    def accepts(self, port: int) -> bool:
        env = {**os.environ, "PGPASSWORD": self.state["passwords"][ROLE],
               "PGCONNECT_TIMEOUT": "3"}
        result = subprocess.run(["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", str(port),
                                 "-U", ROLE, "-d", DATABASE, "-c", "SELECT 1"],
                                capture_output=True, text=True, env=env)
        return result.stdout.strip() == "1"

    def down(self, remove: bool = False) -> None:
        for name in [*APPS, "haproxy", *NODES]:
            self.stop(name, timeout=60)
        for node in NODES:
            self.stop_postgres(node)
        for member in ETCD_MEMBERS:
            self.stop(member)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def summary(self) -> list[str]:
        lines = [f"app: {self.app_url(app)}" for app in APPS if self.alive(app)]
        lines.append(f"web: {self.web_url()}")
        lines += [f"node: {self.conninfo(node)}" for node in NODES]
        lines.append(f"primary: postgresql://127.0.0.1:{self.ports.read_write}/{DATABASE}"
                     " (follows the leader)")
        return lines


POST_BOOTSTRAP = """#!/bin/sh
# Patroni runs this once, on the first node, after initdb (it creates its own users itself).
set -e
psql -X -q -h {socket} -p {port} -U postgres -d postgres -v ON_ERROR_STOP=1 <<'SQL'
CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{password}';
CREATE DATABASE {database} OWNER {role};
SQL
psql -X -q -h {socket} -p {port} -U postgres -d {database} -v ON_ERROR_STOP=1 \\
    -c 'CREATE EXTENSION IF NOT EXISTS postgis'
"""

HAPROXY = """global
    maxconn 2000
    log stderr format short local0 info
    stats socket {socket} mode 600 level admin

defaults
    mode tcp
    log global
    timeout connect 3s
    timeout client 30m
    timeout server 30m
    timeout check 2s
    retries 3
    option redispatch

# writes: only the node Patroni's REST API calls the leader answers 200 on /primary
listen postgres_read_write
    bind 127.0.0.1:{read_write}
    option httpchk GET /primary
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
{postgres}

# reads: any running node (/read-only answers 200 on the leader and on replicas)
listen postgres_read_only
    bind 127.0.0.1:{read_only}
    balance roundrobin
    option httpchk GET /read-only
    http-check expect status 200
    default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
{postgres}

# the app nodes: a refused connection (a node restarting) is retried on the other node
listen web
    bind 127.0.0.1:{web}
    mode http
    option httplog
    balance roundrobin
    timeout client 120s
    timeout server 120s
    # requests queue here, not in gunicorn's backlog: a busy node still answers the check
    timeout queue 60s
    timeout check 5s
    option httpchk GET /livez
    http-check expect status 200
    # a refused connection never reached an app: retried for every method; a request that
    # reached a node that died is retried only when safe (a POST may have been applied)
    retry-on conn-failure empty-response
    option redispatch 1
    http-request disable-l7-retry unless METH_GET || METH_HEAD || METH_OPTIONS
    # a new connection per request: one kept open to a node that died would take a POST
    # that cannot be retried; a refused new one is retried on the other node
    http-reuse never
    # a refused connection marks the node down at once (not after three missed checks)
    default-server inter 1s fall 3 rise 2 maxconn {workers} observe layer4 error-limit 1 on-error mark-down
{apps}
"""


def main(argv: list[str] | None = None) -> int:
    """``python -m geoserver_app.ops.ha up|down|status [--dir var/ha]``."""
    parser = argparse.ArgumentParser(prog="cluster", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "status", "destroy"])
    parser.add_argument("--dir", type=Path,
                        default=Path(os.environ.get("BASEMAP_VAR_DIR", ROOT / "var")) / "ha")
    parser.add_argument("--no-apps", action="store_true", help="only the database side")
    args = parser.parse_args(argv)
    lab = Lab(args.dir)
    try:
        if args.action == "up":
            lab.up(apps=not args.no_apps)
            print("\n".join(lab.summary()))
        elif args.action == "status":
            if not lab.state:
                print(f"no cluster in {lab.root}: make cluster-up starts one")
                return 1
            print(f"leader: {lab.leader() or 'none'}")
            print("\n".join(lab.summary()))
        else:
            lab.down(remove=args.action == "destroy")
            print(f"cluster in {lab.root} stopped")
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
