# SPDX-License-Identifier: MIT
"""The project-local PostGIS cluster: create, start, stop, and throwaway clusters for tests.

One module drives every embedded cluster (``make run``'s ``var/pgdata`` and the tests'
temporary ones), so the two cannot drift apart. PostgreSQL refuses to run as root; when
we are root the server runs as the ``postgres`` system user that Debian's package creates.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geoserver_app.ops import tls

ROLE = "basemap"
DATABASE = "basemap"
# Password guessing on database logins: every failed authentication waits this long before
# its answer (contrib auth_delay), and failures are logged (the server log is their audit).
AUTH_DELAY_MS = 1000
THROTTLE = f"-c shared_preload_libraries=auth_delay -c auth_delay.milliseconds={AUTH_DELAY_MS}"


class ClusterError(RuntimeError):
    """A cluster operation failed; the message says what to do."""


def pg_bindir() -> Path:
    """The bin directory of the newest installed PostgreSQL server that has PostGIS."""
    roots = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parent.parent.name), reverse=True)
    for postgres in roots:
        major = postgres.parent.parent.name
        if list(Path(f"/usr/share/postgresql/{major}/extension").glob("postgis.control")):
            return postgres.parent
    raise ClusterError("no PostgreSQL server with PostGIS found: "
                       "apt-get install postgresql-15 postgresql-15-postgis-3")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_user() -> pwd.struct_passwd | None:
    """The account the server runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterError("running as root needs the 'postgres' system user "
                           "(created by the postgresql package)") from exc


def _as_server_user() -> dict:
    """subprocess keyword arguments that drop root privileges to the server account."""
    user = _server_user()
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _chown_tree(path: Path) -> None:
    user = _server_user()
    if user is None:
        return
    for item in [path, *path.rglob("*")]:
        os.chown(item, user.pw_uid, user.pw_gid)


MB = 1 << 20


def tuning(memory: int, cores: int) -> dict[str, str]:
    """Server settings for millions of parcels, sized from the machine's memory and cores.

    The server shares its machine with the app workers, MapServer and the tile cache, so it
    takes less than the 25 % of memory PostgreSQL's documentation suggests for a dedicated
    host; each value says what it is for.
    """
    def clamp(value: int, low: int, high: int) -> str:
        return f"{max(low, min(high, value)) // MB}MB"

    return {
        # the parcels' hot pages and indexes (5M parcels: ~3.5 GB with indexes)
        "shared_buffers": clamp(memory * 15 // 100, 128 * MB, 8192 * MB),
        # what the OS page cache holds too: the planner then prefers index scans
        "effective_cache_size": clamp(memory // 2, 512 * MB, 65536 * MB),
        # sorts and hashes of list pages and analysis, per operation and connection
        "work_mem": clamp(memory // 256, 4 * MB, 64 * MB),
        # the twin table's index builds of a 5M replace (GiST, trigram GIN)
        "maintenance_work_mem": clamp(memory // 16, 64 * MB, 1024 * MB),
        # a 5M-row load writes several GB of WAL: fewer forced checkpoints mid-load
        "max_wal_size": "4GB",
        # solid-state disks: random reads cost little more than sequential ones
        "random_page_cost": "1.1",
        # counts and scans that cannot use an index get the other core
        "max_parallel_workers_per_gather": str(max(1, cores // 2)),
        # vacuum and analyze after 2 % / 1 % of a large table changed, not 20 % / 10 %
        # (a million dead parcel rows before vacuum at 5M with the defaults)
        "autovacuum_vacuum_scale_factor": "0.02",
        "autovacuum_analyze_scale_factor": "0.01",
        # finer statistics for the admin's estimated counts and the commune filters
        "default_statistics_target": "200",
    }


def machine_tuning() -> dict[str, str]:
    """``tuning`` for this machine."""
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return tuning(memory, os.cpu_count() or 1)


# Desktops elsewhere (BASEMAP_DB_LISTEN): after the loopback entries initdb wrote, every
# other client must use TLS and a SCRAM password.
HBA_MARKER = "# basemap: clients beyond the loopback (BASEMAP_DB_LISTEN): TLS and SCRAM only"
HBA_REMOTE = f"""
{HBA_MARKER}
hostnossl all all all reject
hostssl all all all scram-sha-256
"""


@dataclass(frozen=True)
class Cluster:
    """A PostgreSQL data directory with PostGIS, on 127.0.0.1:port (and ``listen``'s
    addresses, TLS only, when given); ``tuned``: with the settings of ``machine_tuning``
    (the ``make run`` cluster, benches; tests keep the small defaults, as several throwaway
    clusters share the machine)."""

    datadir: Path
    port: int
    tuned: bool = False
    listen: str = ""  # BASEMAP_DB_LISTEN: more addresses, e.g. 0.0.0.0 or 10.1.2.3
    tls_cert: Path | None = None  # BASEMAP_DB_TLS_CERT/KEY; else a self-signed pair in var/
    tls_key: Path | None = None

    @property
    def tls_dir(self) -> Path:
        """Where the generated certificate is kept (give server.crt to the desktops)."""
        return self.datadir.parent / "pg-tls"

    @property
    def password_file(self) -> Path:
        return self.datadir.parent / f"{self.datadir.name}.password"

    @property
    def logfile(self) -> Path:
        return self.datadir.parent / f"{self.datadir.name}.log"

    @property
    def password(self) -> str:
        return self.password_file.read_text().strip()

    @property
    def url(self) -> str:
        return f"postgis://{ROLE}:{self.password}@127.0.0.1:{self.port}/{DATABASE}"

    def initialised(self) -> bool:
        return (self.datadir / "PG_VERSION").exists()

    def running(self) -> bool:
        result = subprocess.run([str(pg_bindir() / "pg_ctl"), "status", "-D", str(self.datadir)],
                                capture_output=True, **_as_server_user())
        return result.returncode == 0

    def init(self) -> None:
        """initdb with a generated password for the ``basemap`` superuser (scram, TCP only)."""
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        if not self.password_file.exists():
            self.password_file.write_text(secrets.token_urlsafe(24) + "\n")
            self.password_file.chmod(0o600)
        self.datadir.mkdir(mode=0o700, exist_ok=True)
        _chown_tree(self.datadir)
        with tempfile.NamedTemporaryFile("w", dir=self.datadir.parent, delete=False) as pwfile:
            pwfile.write(self.password + "\n")
        _chown_tree(Path(pwfile.name))
        try:
            self._run([str(pg_bindir() / "initdb"), "-D", str(self.datadir), "-U", ROLE,
                       "--auth=scram-sha-256", f"--pwfile={pwfile.name}", "-E", "UTF8",
                       "--locale=C.UTF-8"], "initdb")
        finally:
            Path(pwfile.name).unlink(missing_ok=True)

    def start(self) -> None:
        """Start the server on 127.0.0.1 only, and wait until it accepts connections."""
        if self.running():
            return
        if not self.logfile.exists():
            self.logfile.touch()
        _chown_tree(self.logfile)
        options = (f"-c listen_addresses={self.listen_addresses()} -c port={self.port} "
                   "-c unix_socket_directories='' -c fsync=on " + THROTTLE)
        if self.tuned:
            options += "".join(f" -c {name}={value}"
                               for name, value in machine_tuning().items())
        if self.listen:
            self.prepare_tls()
            options += (" -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key "
                        "-c password_encryption=scram-sha-256")
        self._run([str(pg_bindir() / "pg_ctl"), "start", "-D", str(self.datadir), "-w",
                   "-t", "60", "-l", str(self.logfile), "-o", options], "pg_ctl start")

    def listen_addresses(self) -> str:
        extra = [a.strip() for a in self.listen.split(",") if a.strip()]
        if {"*", "0.0.0.0", "::"} & set(extra):  # every address includes the loopback
            return ",".join(extra)
        return ",".join(["127.0.0.1", *extra])

    def prepare_tls(self) -> None:
        """The certificate and key in the data directory (the server's own copy, 0600),
        and the pg_hba.conf entries that refuse clients without TLS or SCRAM."""
        cert, key = self.tls_cert, self.tls_key
        if cert is None or key is None:
            cert, key = self.self_signed()
        for source, name in ((cert, "server.crt"), (key, "server.key")):
            target = self.datadir / name
            target.write_bytes(Path(source).read_bytes())
            target.chmod(0o600)
            _chown_tree(target)
        hba = self.datadir / "pg_hba.conf"
        if HBA_MARKER not in hba.read_text():
            with hba.open("a") as out:
                out.write(HBA_REMOTE)

    def self_signed(self) -> tuple[Path, Path]:
        """A self-signed certificate for the listen addresses (made once, in var/pg-tls)."""
        cert, key = self.tls_dir / "server.crt", self.tls_dir / "server.key"
        if not cert.exists() or not key.exists():
            self.tls_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            names = [a.strip() for a in self.listen.split(",") if a.strip()]
            cert_pem, key_pem = tls.self_signed_certificate(names)
            key.write_bytes(key_pem)
            key.chmod(0o600)
            cert.write_bytes(cert_pem)
        return cert, key

    def stop(self) -> None:
        if self.initialised() and self.running():
            self._run([str(pg_bindir() / "pg_ctl"), "stop", "-D", str(self.datadir), "-w",
                       "-m", "fast"], "pg_ctl stop")

    def ensure_database(self) -> None:
        """Create the ``basemap`` database with PostGIS when it is not there."""
        exists = self.psql("postgres", "SELECT 1 FROM pg_database WHERE datname = 'basemap'")
        if exists.strip() != "1":
            self.psql("postgres", f"CREATE DATABASE {DATABASE} OWNER {ROLE}")
        self.psql(DATABASE, "CREATE EXTENSION IF NOT EXISTS postgis")

    def psql(self, database: str, sql: str) -> str:
        """Run one statement with psql and return its unaligned output."""
        env = {**os.environ, "PGPASSWORD": self.password}
        result = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                 "-h", "127.0.0.1", "-p", str(self.port), "-U", ROLE,
                                 "-d", database, "-c", sql],
                                capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise ClusterError(f"psql failed: {result.stderr.strip()}")
        return result.stdout

    def up(self) -> None:
        """Everything ``make run`` needs: initialise once, start, create the database."""
        if not self.initialised():
            self.init()
        self.start()
        self.ensure_database()

    def standby(self, datadir: Path, port: int) -> Cluster:
        """A streaming-replication hot standby of this cluster, started on ``port``."""
        replica = Cluster(datadir, port)
        replica.password_file.write_text(self.password + "\n")
        replica.password_file.chmod(0o600)
        datadir.mkdir(mode=0o700)
        _chown_tree(datadir)
        env = {"PGPASSWORD": self.password, "PATH": os.environ.get("PATH", "")}
        result = subprocess.run(
            [str(pg_bindir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", ROLE, "-D", str(datadir), "-R", "-X", "stream", "-c", "fast"],
            capture_output=True, text=True, cwd="/", env=env, **_as_server_user())
        if result.returncode != 0:
            raise ClusterError(f"pg_basebackup failed: {result.stderr.strip()}")
        replica.start()
        return replica

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)
        self.password_file.unlink(missing_ok=True)
        self.logfile.unlink(missing_ok=True)

    def _run(self, command: list[str], what: str) -> None:
        result = subprocess.run(command, capture_output=True, text=True, cwd="/",
                                **_as_server_user())
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise ClusterError(f"{what} failed ({detail[-1] if detail else 'no output'}); "
                               f"see {self.logfile}")


@contextlib.contextmanager
def throwaway_cluster(tuned: bool = False, listen: str = "") -> Iterator[Cluster]:
    """A cluster in a new temporary directory on a free port, removed afterwards."""
    parent = Path(tempfile.mkdtemp(prefix="basemap-test-"))
    parent.chmod(0o755)
    cluster = Cluster(parent / "pgdata", free_port(), tuned, listen)
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.destroy()
        shutil.rmtree(parent, ignore_errors=True)


def _wait_for_children(command: list[str], env: dict) -> int:
    return subprocess.run(command, env=env).returncode


def _path(value: str | None) -> Path | None:
    return Path(value) if value and value.strip() else None


def main(argv: list[str] | None = None) -> int:
    """``python -m geoserver_app.ops.cluster up|stop|url|with-throwaway -- CMD``."""
    parser = argparse.ArgumentParser(prog="cluster", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "stop", "url", "with-throwaway"])
    parser.add_argument("--datadir", type=Path, default=Path("var/pgdata"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PGPORT", "5433")))
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    args.command = argv[split + 1:]
    cluster = Cluster(args.datadir.resolve(), args.port, tuned=args.action == "up",
                      listen=os.environ.get("BASEMAP_DB_LISTEN", "").strip(),
                      tls_cert=_path(os.environ.get("BASEMAP_DB_TLS_CERT")),
                      tls_key=_path(os.environ.get("BASEMAP_DB_TLS_KEY")))
    try:
        if args.action == "up":
            cluster.up()
            print(f"PostGIS cluster {cluster.datadir} on 127.0.0.1:{cluster.port} is up")
        elif args.action == "stop":
            cluster.stop()
            print(f"PostGIS cluster {cluster.datadir} stopped")
        elif args.action == "url":
            print(cluster.url)
        else:
            with throwaway_cluster() as temp:
                print(f"throwaway PostGIS cluster on 127.0.0.1:{temp.port}", flush=True)
                return _wait_for_children(args.command,
                                          {**os.environ, "DATABASE_URL": temp.url})
    except ClusterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
