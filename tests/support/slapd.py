# SPDX-License-Identifier: MIT
"""A real OpenLDAP server (Debian's slapd) in a temporary directory, on a free loopback port.

The test tree: a service account, two department groups (land, transport), a staff group,
users in them, and an account disabled by the password policy overlay (locked).
"""
from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from geoserver_app.ops.cluster import free_port

BASE = "dc=tinh,dc=vn"
SERVICE_DN = f"cn=svc-gis,ou=system,{BASE}"
SERVICE_PASSWORD = "svc-secret"
PEOPLE = f"ou=people,{BASE}"
GROUPS = f"ou=groups,{BASE}"
LAND_GROUP = f"cn=gis-land,{GROUPS}"
TRANSPORT_GROUP = f"cn=gis-transport,{GROUPS}"
STAFF_GROUP = f"cn=gis-staff,{GROUPS}"
# uid: (password, given name, surname, groups)
USERS = {
    "lan": ("lan-pass-1", "Lan", "Nguyễn Thị", (LAND_GROUP, STAFF_GROUP)),
    "hung": ("hung-pass-2", "Hùng", "Trần Văn", (TRANSPORT_GROUP, STAFF_GROUP)),
    "khoa": ("khoa-pass-3", "Khoa", "Lê", (LAND_GROUP, STAFF_GROUP)),  # disabled
    "admin": ("directory-admin-pass", "Quản trị", "Thư mục", (LAND_GROUP,)),
}
DISABLED = "khoa"

CONFIG = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
pidfile {dir}/slapd.pid
database mdb
suffix "{base}"
rootdn "cn=root,{base}"
directory {dir}/data
maxsize 10485760
overlay ppolicy
ppolicy_default "cn=policy,ou=system,{base}"
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{service}" read by * none
"""


def entry(dn: str, *lines: str) -> str:
    return "\n".join([f"dn: {dn}", *lines]) + "\n"


def tree() -> str:
    """The LDIF of the test directory."""
    entries = [
        entry(BASE, "objectClass: dcObject", "objectClass: organization", "dc: tinh",
              "o: UBND tinh"),
        *(entry(f"ou={ou},{BASE}", "objectClass: organizationalUnit", f"ou: {ou}")
          for ou in ("people", "groups", "system")),
        entry(SERVICE_DN, "objectClass: person", "cn: svc-gis", "sn: svc",
              f"userPassword: {SERVICE_PASSWORD}"),
        entry(f"cn=policy,ou=system,{BASE}", "objectClass: person", "objectClass: pwdPolicy",
              "cn: policy", "sn: policy", "pwdAttribute: userPassword", "pwdLockout: TRUE"),
    ]
    for uid, (password, given, surname, _groups) in USERS.items():
        lines = ["objectClass: inetOrgPerson", f"uid: {uid}", f"cn: {given} {surname}",
                 f"givenName: {given}", f"sn: {surname}", f"mail: {uid}@tinh.vn",
                 f"userPassword: {password}"]
        if uid == DISABLED:
            lines.append("pwdAccountLockedTime: 000001010000Z")  # locked for good
        entries.append(entry(f"uid={uid},{PEOPLE}", *lines))
    for group in (LAND_GROUP, TRANSPORT_GROUP, STAFF_GROUP):
        members = [f"member: uid={uid},{PEOPLE}" for uid, user in USERS.items() if group in user[3]]
        name = group.split(",")[0].removeprefix("cn=")
        entries.append(entry(group, "objectClass: groupOfNames", f"cn: {name}", *members))
    return "\n".join(entries)


TLS_CONFIG = """\
TLSCACertificateFile {ca}
TLSCertificateFile {cert}
TLSCertificateKeyFile {key}
"""


@dataclass
class Slapd:
    directory: Path
    port: int
    tls: dict[str, Path] | None = None  # ca, cert, key: then also ldaps:// on ldaps_port
    ldaps_port: int = 0
    process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_uri(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def listen(self) -> str:
        return f"{self.uri}/ {self.ldaps_uri}/" if self.tls else f"{self.uri}/"

    def start(self) -> Slapd:
        config = self.directory / "slapd.conf"
        (self.directory / "data").mkdir(parents=True)
        text = CONFIG.format(dir=self.directory, base=BASE, service=SERVICE_DN)
        if self.tls:
            text = TLS_CONFIG.format(**self.tls) + text
        config.write_text(text)
        (self.directory / "tree.ldif").write_text(tree())
        subprocess.run(["/usr/sbin/slapadd", "-q", "-f", str(config), "-l",
                        str(self.directory / "tree.ldif")], check=True, capture_output=True)
        self.process = subprocess.Popen(
            ["/usr/sbin/slapd", "-d", "0", "-f", str(config), "-h", self.listen()],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.wait_listening()
        return self

    def wait_listening(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"slapd exited with {self.process.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError(f"slapd did not listen on {self.port} within {timeout} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def start_slapd(directory: Path) -> Slapd:
    return Slapd(directory, free_port()).start()


def environment(uri: str, **extra: str) -> dict[str, str]:
    """The deployment's environment variables for this directory."""
    return {"LDAP_SERVER_URI": uri, "LDAP_BIND_DN": SERVICE_DN,
            "LDAP_BIND_PASSWORD": SERVICE_PASSWORD, "LDAP_USER_SEARCH_BASE": PEOPLE,
            "LDAP_GROUP_SEARCH_BASE": GROUPS, "LDAP_USER_ATTR": "uid", "LDAP_TIMEOUT": "2",
            "LDAP_GROUP_MAP": f"{LAND_GROUP}:land;{TRANSPORT_GROUP}:transport", **extra}
