"""Shipdeck as it runs in production, on loopback: several API processes behind HAProxy.

HAProxy plays the Application Load Balancer: it health-checks every process on `/readyz` (every
500 ms, down after 2 failures, up after 2 successes) and routes round-robin among the healthy
ones. When none is healthy it routes to all of them, as the ALB does ("fails open"): each process
is also listed as an unchecked backup server. So during a database outage, which fails every
process's readiness, clients get the application's own answers (a 503 `database_unavailable`,
or the data that needs no database), not the load balancer's.

Everything else comes from the benchmarks' `Stack`: MariaDB (a database of its own), the
DynamoDB-API server (dynalite, on disk so it can be restarted with its data), and the two
simulators. `close()` stops every process this run started and drops the database.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.env import REPO, Process, Server, Stack, free_port, wait_http

WORK_DIR = REPO / ".data" / "drills"
CHECK_INTERVAL_MS = 500
FALL = 2
RISE = 2
# Longer than HAProxy needs to notice a failing /readyz (FALL x CHECK_INTERVAL), so no new
# request reaches a process after it stops accepting.
DRAIN_SECONDS = 2.0


def say(message: str) -> None:
    print(f"drill | {message}", flush=True)


HAPROXY_CONFIG = """\
global
    maxconn 4000

defaults
    mode http
    timeout connect 1s
    timeout client 60s
    timeout server 60s
    # A request HAProxy could not deliver (refused, or the connection closed before any answer)
    # goes to another healthy process.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response

frontend api
    bind 127.0.0.1:{port}
    default_backend shipdeck

backend shipdeck
    balance roundrobin
    option allbackups
    option httpchk GET /readyz
    http-check expect status 200
    default-server inter {inter}ms fall {fall} rise {rise}
{servers}

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


@dataclass
class Api:
    name: str
    port: int
    server: Server | None = None


@dataclass
class Cluster:
    processes: int = 2
    stack: Stack = field(
        default_factory=lambda: Stack(
            run_id=f"drill{os.getpid()}", table_name="shipdeck-drill", work_dir=WORK_DIR
        )
    )
    apis: dict[str, Api] = field(default_factory=dict)
    url: str = ""
    stats_url: str = ""
    _states: dict[str, list[tuple[float, str]]] = field(default_factory=dict)
    _watching: threading.Event = field(default_factory=threading.Event)

    # -- starting and stopping -----------------------------------------------------------------

    def start(self) -> None:
        for old in WORK_DIR.glob("*.log"):
            old.unlink()
        stack = self.stack
        stack.start_dynamodb()
        stack.start_simulators()
        stack.create_database()
        stack.migrate()
        for n in range(1, self.processes + 1):
            api = Api(f"api-{n}", free_port())
            self.apis[api.name] = api
            self.start_api(api.name)
        self._start_haproxy()
        self._watch_states()
        self.wait_all_up()
        say(f"{self.processes} API processes behind HAProxy at {self.url}")

    def _start_haproxy(self) -> None:
        port, stats_port = free_port(), free_port()
        servers = "\n".join(
            f"    server {a.name} 127.0.0.1:{a.port} check\n"
            f"    server {a.name}-open 127.0.0.1:{a.port} backup"
            for a in self.apis.values()
        )
        config = HAPROXY_CONFIG.format(
            port=port,
            stats_port=stats_port,
            inter=CHECK_INTERVAL_MS,
            fall=FALL,
            rise=RISE,
            servers=servers,
        )
        path = WORK_DIR / "haproxy.cfg"
        path.write_text(config)
        check = subprocess.run(
            ["haproxy", "-c", "-q", "-f", str(path)], capture_output=True, text=True
        )
        if check.returncode != 0:
            raise SystemExit(f"haproxy rejected {path}:\n{check.stdout}{check.stderr}")
        process = self.stack.spawn("haproxy", ["haproxy", "-db", "-f", str(path)], cpu=None)
        self.url = f"http://127.0.0.1:{port}"
        self.stats_url = f"http://127.0.0.1:{stats_port}/stats;csv"
        wait_http(self.stats_url, process)

    def api_env(self) -> dict[str, str]:
        """What every API process runs with (besides the benchmark stack's settings)."""
        return {
            "SHIPDECK_HTTP_DRAIN_SECONDS": str(DRAIN_SECONDS),
            "SHIPDECK_HTTP_GRACEFUL_SHUTDOWN_SECONDS": "10",
            "SHIPDECK_TIMELINE_HEARTBEAT_SECONDS": "5",
            # Short, so recoveries happen within a drill; the production values are longer.
            "SHIPDECK_DEEPSEEK_BREAKER_OPEN_SECONDS": "3",
            "SHIPDECK_SLEAKOPS_BREAKER_OPEN_SECONDS": "3",
            "SHIPDECK_DEEPSEEK_FIRST_TOKEN_TIMEOUT_SECONDS": "3",
            "SHIPDECK_DEEPSEEK_READ_TIMEOUT_SECONDS": "3",
            "SHIPDECK_SLEAKOPS_READ_TIMEOUT_SECONDS": "2",
            "SHIPDECK_SLEAKOPS_TOTAL_TIMEOUT_SECONDS": "4",
        }

    def start_api(self, name: str) -> None:
        api = self.apis[name]
        api.server = self.stack.start_shipdeck(
            name, port=api.port, cpu=None, settings=self.api_env()
        )

    def signal_api(self, name: str, sig: signal.Signals) -> Process:
        api = self.apis[name]
        assert api.server is not None
        process = api.server.process
        process.popen.send_signal(sig)
        return process

    def wait_exit(self, process: Process, timeout: float = 30.0) -> float:
        """Seconds until `process` exited; removes it from the stack."""
        started = time.monotonic()
        process.popen.wait(timeout)
        self.stack.stop_process(process)
        return time.monotonic() - started

    def close(self) -> None:
        self._watching.set()
        self.stack.close()

    # -- what HAProxy sees ---------------------------------------------------------------------

    def states(self) -> dict[str, str]:
        """HAProxy's view of each API process: UP, DOWN, or a transition such as 'UP 1/2'."""
        text = httpx.get(self.stats_url, timeout=2).text.lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {
            row["svname"]: row["status"]
            for row in rows
            if row["pxname"] == "shipdeck" and row["svname"] in self.apis
        }

    def _watch_states(self) -> None:
        """Records every change of HAProxy's view, with its time, every 50 ms."""

        def watch() -> None:
            last: dict[str, str] = {}
            while not self._watching.wait(0.05):
                try:
                    now = self.states()
                except httpx.HTTPError:
                    continue
                stamp = time.monotonic()
                for name, state in now.items():
                    if last.get(name) != state:
                        self._states.setdefault(name, []).append((stamp, state))
                last = now

        threading.Thread(target=watch, daemon=True, name="haproxy-states").start()

    def marked(self, name: str, state: str, *, after: float) -> float | None:
        """When HAProxy first reported `name` as exactly `state` after `after` (monotonic)."""
        for stamp, seen in self._states.get(name, []):
            if stamp >= after and seen == state:
                return stamp
        return None

    def wait_state(self, name: str, state: str, *, after: float, timeout: float = 30) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            stamp = self.marked(name, state, after=after)
            if stamp is not None:
                return stamp
            time.sleep(0.05)
        raise SystemExit(f"HAProxy did not mark {name} {state} within {timeout:.0f}s")

    def wait_all_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if set(self.states().values()) == {"UP"}:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"not every API process was UP in HAProxy within {timeout:.0f}s")

    def log_of(self, name: str) -> Path:
        return WORK_DIR / f"{name}.log"
