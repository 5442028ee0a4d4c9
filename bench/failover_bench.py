# SPDX-License-Identifier: MIT
"""The failover drill three times, and the cost of synchronous replication.

    .venv/bin/python bench/failover_bench.py [--drills 3] [--seconds 20] [--dir /tmp/ha-bench]

Starts the HA recipe (geoserver_app/ops/ha.py) in its own directory, then:
- three drills (tests/support/drill.py): the leader's machine killed under 40 readers and 10
  writers, then the new leader's etcd member, then an app node; prints the time until writes
  succeed again (p50 and max), acknowledged edits lost, reads failed, stale tiles;
- edits per second and their p50/p95 latency with synchronous replication on and off, in the
  same run (Patroni's ``synchronous_mode`` switched through its REST API).
Figures go to docs/operations.md.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from geoserver_app.ops import ha  # noqa: E402
from tests.support import drill  # noqa: E402


def set_synchronous(lab: ha.Lab, on: bool) -> None:
    leader = lab.leader()
    request = urllib.request.Request(
        f"http://127.0.0.1:{lab.ports.patroni[leader]}/config",
        data=json.dumps({"synchronous_mode": on}).encode(), method="PATCH",
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10).read()
    wanted = "sync_standby" if on else "replica"
    drill.wait("the replication mode", lambda: wanted in [
        m["role"] for m in lab.members().values()], 60)


def write_rate(lab: ha.Lab, token: str, seconds: float) -> tuple[float, float, float]:
    """Edits per second, p50 and p95 latency (ms) of 10 writers and no readers."""
    load = drill.Load(lab.web_url().rstrip("/"), token, readers=0, writers=10)
    load.start()
    time.sleep(seconds)
    load.stop()
    done = [o for o in load.outcomes if o.status == 201]
    latencies = sorted((o.ended - o.started) * 1000 for o in done)
    return (len(done) / seconds, statistics.median(latencies),
            latencies[int(len(latencies) * 0.95) - 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/basemap-ha-bench"))
    args = parser.parse_args()
    lab = ha.Lab(args.dir)
    lab.up()
    try:
        recoveries = []
        for number in range(1, args.drills + 1):
            lab.up()  # the previous drill's victims come back
            result = drill.run(lab, readers=40, writers=10)
            recoveries.append(result.write_recovery_s)
            print(f"drill {number}:", *result.lines(), sep="\n  ", flush=True)
        if recoveries:
            print(f"write recovery: p50 {statistics.median(recoveries):.1f} s, "
                  f"max {max(recoveries):.1f} s over {len(recoveries)} drills")
        lab.up()
        token = drill.token_for(lab)
        rates = {}
        for on in (True, False):
            set_synchronous(lab, on)
            rates[on] = write_rate(lab, token, args.seconds)
            print(f"synchronous {'on ' if on else 'off'}: {rates[on][0]:.1f} edits/s, "
                  f"p50 {rates[on][1]:.0f} ms, p95 {rates[on][2]:.0f} ms", flush=True)
        set_synchronous(lab, True)
        print(f"cost of synchronous replication: {rates[False][0] / rates[True][0]:.2f}x "
              f"the edit rate without it, p50 latency {rates[True][1] / rates[False][1]:.2f}x")
    finally:
        lab.down(remove=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
