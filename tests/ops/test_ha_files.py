# SPDX-License-Identifier: MIT
"""The production files of the HA recipe (deploy/ha/) say what the tested loopback recipe
(geoserver_app/ops/ha.py) does: same timings, synchronous replication, same checks."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from geoserver_app.ops import ha

pytestmark = pytest.mark.unit
DEPLOY = Path(__file__).resolve().parents[2] / "deploy" / "ha"


def loopback_config(tmp_path) -> dict:
    lab = ha.Lab(tmp_path)
    lab.prepare()
    return json.loads(lab.write_patroni_config("pg1").read_text())


def test_patroni_settings_match_the_tested_recipe(tmp_path, monkeypatch):
    monkeypatch.setattr(ha, "_chown_tree", lambda path: None)
    tested = loopback_config(tmp_path)
    production = yaml.safe_load((DEPLOY / "patroni.yml").read_text())
    dcs, tested_dcs = production["bootstrap"]["dcs"], tested["bootstrap"]["dcs"]
    for key in ("ttl", "loop_wait", "retry_timeout", "maximum_lag_on_failover",
                "synchronous_mode"):
        assert dcs[key] == tested_dcs[key], key
    assert dcs["synchronous_mode"] is True
    tested_parameters = tested_dcs["postgresql"]["parameters"]
    assert {k: str(v) for k, v in dcs["postgresql"]["parameters"].items()
            if k in tested_parameters} == {k: str(v) for k, v in tested_parameters.items()}
    assert production["postgresql"]["basebackup"] == tested["postgresql"]["basebackup"]
    assert production["bootstrap"]["initdb"] == tested["bootstrap"]["initdb"]


def section(text: str, name: str) -> list[str]:
    """A HAProxy section's directives, without binds, servers and comments."""
    body = text.split(f"listen {name}\n", 1)[1].split("\n\n", 1)[0]
    return [line.strip() for line in body.splitlines()
            if line.strip() and not re.match(r"\s*(#|bind |server )", line)]


def test_haproxy_sections_match_the_tested_recipe():
    production = (DEPLOY / "haproxy.cfg").read_text()
    tested = ha.HAPROXY.format(socket="s", read_write=1, read_only=2, web=3, postgres="",
                               apps="", workers=3)
    for name in ("postgres_read_write", "postgres_read_only", "web"):
        assert section(production, name) == section(tested, name), name
