# SPDX-License-Identifier: MIT
"""The failover drill three times, and the cost of synchronous replication.

    .venv/bin/python bench/failover_bench.py [--drills 3] [--seconds 10] [--rounds 3] [--dir /tmp/ha-bench]

Starts the HA recipe (geoserver_app/ops/ha.py) in its own directory, then:
- three drills (tests/support/drill.py): the leader's machine killed under 40 readers and 10
  writers, then the new leader's etcd member, then an app node; prints the time until writes
  succeed again (p50 and max), acknowledged edits lost, reads failed, stale tiles;
- the cost of synchronous replication, on and off in alternating rounds of the same run
  (Patroni's ``synchronous_mode`` switched through its REST API): the latency of edits at a
  steady pace (10 writers, one edit each 0.2 s), and the most edits per second 10 writers get
  when each sends its next edit as soon as the last is answered.
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

import os  # noqa: E402

import django  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geoserver_app.settings")
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


def write_rate(lab: ha.Lab, token: str, seconds: float, pause: float) -> list[float]:
    """The 201 answers of 10 writers (no readers) for ``seconds``: their latencies (ms)."""
    load = drill.Load(lab.web_url().rstrip("/"), token, readers=0, writers=10, pause=pause)
    load.start()
    time.sleep(seconds)
    load.stop()
    return sorted((o.ended - o.started) * 1000 for o in load.outcomes if o.status == 201)


def commit_rate(lab: ha.Lab, seconds: float) -> float:
    """Commits per second of one connection to the primary, a one-row insert each: what
    synchronous replication costs the database alone (the standby's flush on each commit)."""
    with drill.primary_connection(lab) as conn, conn.cursor() as cursor:
        conn.autocommit = True
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY)")
        done, ends = 0, time.monotonic() + seconds
        while time.monotonic() < ends:
            cursor.execute("INSERT INTO bench_commits DEFAULT VALUES")
            done += 1
        cursor.execute("DROP TABLE bench_commits")
    return done / seconds


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drills", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="on/off rounds")
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
        paced, flat_out, commits = ({True: [], False: []}, {True: [], False: []},
                                    {True: [], False: []})
        for _ in range(args.rounds):
            for on in (True, False):
                set_synchronous(lab, on)
                paced[on] += write_rate(lab, token, args.seconds, 0.2)
                flat_out[on].append(len(write_rate(lab, token, args.seconds, 0.0)))
                commits[on].append(commit_rate(lab, args.seconds / 2))
                print(f"synchronous {'on ' if on else 'off'}: paced p50 "
                      f"{statistics.median(paced[on]):.0f} ms, flat out "
                      f"{flat_out[on][-1] / args.seconds:.1f} edits/s, one connection "
                      f"{commits[on][-1]:.0f} commits/s", flush=True)
        set_synchronous(lab, True)
        rate = {on: sum(counts) / (args.seconds * len(counts)) for on, counts in flat_out.items()}
        for on in (True, False):
            print(f"synchronous {'on ' if on else 'off'}: paced p50 "
                  f"{statistics.median(paced[on]):.1f} ms, p95 {p95(paced[on]):.1f} ms; "
                  f"flat out {rate[on]:.1f} edits/s; one connection "
                  f"{statistics.mean(commits[on]):.0f} commits/s")
        print(f"cost of synchronous replication: paced p50 latency "
              f"{statistics.median(paced[True]) / statistics.median(paced[False]):.2f}x, p95 "
              f"{p95(paced[True]) / p95(paced[False]):.2f}x; edit rate flat out "
              f"{rate[True] / rate[False]:.2f}x the rate without it; commits of one "
              f"connection {statistics.mean(commits[True]) / statistics.mean(commits[False]):.2f}x")
    finally:
        lab.down(remove=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
