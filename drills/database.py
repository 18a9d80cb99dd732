"""Database outage: stop MariaDB for real (the server process, not a proxy) under load.

Promise: while it is down every request either succeeds without it or answers 503 quickly (no
500, no hang, no unanswered request); within 5 s of MariaDB accepting connections again every
request succeeds; no write is half-done.

Stopping the machine's MariaDB needs the right to signal it and to start it again (root here, as
in CI); it is started with the same command line it had, as `.ci/run` does.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.env import pid_listening
from bench.seed import Seeded
from drills.cluster import Cluster, say
from drills.report import Result, check_writes
from drills.traffic import Traffic, recovery_text, server_errors, summary

MARIADB_PORT = 3306
RECOVERY_PROMISE_SECONDS = 5.0
# A request that cannot reach the database fails within its connect deadline (3 s).
FAST_PROMISE_SECONDS = 3.5


def accepting(port: int = MARIADB_PORT) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
    except OSError:
        return False
    return True


def _wait(condition: bool, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if accepting() == condition:
            return True
        time.sleep(0.05)
    return False


def stop_mariadb() -> list[str]:
    """Stops the MariaDB server; returns the command line to start it again."""
    pid = pid_listening(MARIADB_PORT)
    if pid is None:
        raise PermissionError("cannot see which process serves port 3306")
    command = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
    os.kill(pid, signal.SIGTERM)
    if not _wait(False, 60):
        raise RuntimeError("MariaDB did not stop within 60 s")
    return [c.decode() for c in command]


def start_mariadb(command: list[str]) -> None:
    subprocess.run(
        [
            "start-stop-daemon",
            "--start",
            "--oknodo",
            "--background",
            "--exec",
            command[0],
            "--",
            *command[1:],
        ],
        check=True,
    )
    if not _wait(True, 60):
        raise RuntimeError("MariaDB did not start again within 60 s")


async def run(cluster: Cluster, seeded: Seeded, *, outage: float, settle: float) -> Result:
    result = Result(f"Database outage: MariaDB stopped for {outage:.0f} s under load")
    if os.geteuid() != 0:
        result.skipped = "stopping the machine's MariaDB needs root"
        return result.done()
    async with Traffic(cluster.url, seeded) as traffic:
        await asyncio.sleep(settle)
        stopping_at = time.monotonic()
        command = await asyncio.to_thread(stop_mariadb)
        down_at = time.monotonic()
        say(f"MariaDB stopped ({down_at - stopping_at:.1f} s to shut down)")
        try:
            await asyncio.sleep(outage)
        finally:
            await asyncio.to_thread(start_mariadb, command)
        back_at = time.monotonic()
        say(f"MariaDB accepting connections again ({back_at - down_at:.1f} s after it stopped)")
        await asyncio.sleep(max(settle, RECOVERY_PROMISE_SECONDS + 2))

    during = [o for o in traffic.outcomes if down_at <= o.started < back_at]
    failed = [o for o in during if not o.ok]
    wrong = [o for o in failed if o.status != 503]
    slow = [o for o in failed if o.seconds > FAST_PROMISE_SECONDS]
    after = sorted((o for o in traffic.outcomes if o.started >= back_at), key=lambda o: o.started)
    bad_after = [o for o in after if not o.ok]
    recovered_at = bad_after[-1].ended if bad_after else back_at
    result.figures["answers while MariaDB was down"] = summary(during)
    result.figures["failed answers while down"] = summary(failed)
    result.figures["recovery (MariaDB back -> every request succeeds)"] = recovery_text(
        recovered_at - back_at, after
    )
    result.figures["answers after it returned"] = summary(after)
    result.check(bool(failed), "the outage was felt (some request needed the database)")
    result.check(not wrong, f"every failure while down is a 503 ({len(wrong)} were not)")
    result.check(
        not slow, f"every failure comes within {FAST_PROMISE_SECONDS} s ({len(slow)} did not)"
    )
    before = [o for o in traffic.outcomes if o.ended < stopping_at]
    result.check(not server_errors(before), "no failure before the outage")
    result.check(
        recovered_at - back_at <= RECOVERY_PROMISE_SECONDS,
        f"every request succeeds within {RECOVERY_PROMISE_SECONDS:.0f} s of MariaDB's return",
    )
    await check_writes(result, traffic, cluster, seeded)
    return result.done()
