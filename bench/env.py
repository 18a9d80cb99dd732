"""The processes a benchmark run starts, and how they are measured and stopped.

The drills (`drills/`) start their processes the same way. One run starts, on loopback only: the
DynamoDB-API server (dynalite), the DeepSeek and SleakOps simulators, Shipdeck (`shipdeck serve`,
one uvicorn process, exactly as in a container) and the bare baseline app; it creates one MariaDB
database of its own. `Stack.close()` stops every process it started (by its own handle, never by
name) and drops the database.

CPU placement on this 2-core machine: the server under test runs pinned to CPU 1; the load
tools, the simulators and dynalite are pinned to CPU 0; MariaDB (a system service) is left alone.
So "one process" is also "one vCPU", and the load tool does not steal the server's core.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

REPO = Path(__file__).resolve().parents[1]
WORK_DIR = REPO / ".data" / "bench"
MYSQL_SERVER_URL = os.environ.get(
    "BENCH_MYSQL_URL", "mysql+asyncmy://root@127.0.0.1:3306/?charset=utf8mb4"
)
SERVER_CPU = 1
TOOLS_CPU = 0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
DEEPSEEK_KEY = "sk-shipdeck-local"
SLEAKOPS_KEY = "shipdeck-local-key"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def pinned(args: Sequence[str], cpu: int | None) -> list[str]:
    """`args` run on one CPU (when there are at least two and taskset exists); None: any."""
    if cpu is None or (os.cpu_count() or 1) < 2 or shutil.which("taskset") is None:
        return list(args)
    return ["taskset", "-c", str(cpu), *args]


def say(message: str) -> None:
    print(f"bench | {message}", flush=True)


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    log: IO[bytes]

    @property
    def pid(self) -> int:
        return self.popen.pid

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by this process."""
        return cpu_seconds_of(self.pid)

    def rss_bytes(self) -> int:
        pages = int(Path(f"/proc/{self.pid}/statm").read_text().split()[1])
        return pages * PAGE_SIZE

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.log.close()


@dataclass
class Server:
    """An HTTP server process under test, with its base URL."""

    process: Process
    url: str


@dataclass
class Stack:
    """Everything one benchmark run needs; `close()` undoes all of it."""

    run_id: str = field(default_factory=lambda: f"{os.getpid()}")
    processes: list[Process] = field(default_factory=list)
    database: str = ""
    dynamodb_url: str = ""
    deepseek_url: str = ""
    sleakops_url: str = ""
    table_name: str = "shipdeck-bench"
    work_dir: Path = WORK_DIR
    dynamodb_port: int = 0

    @property
    def dynamodb_dir(self) -> Path:
        return self.work_dir / "dynamodb"

    @property
    def database_url(self) -> str:
        base = MYSQL_SERVER_URL.split("/?", 1)[0]
        return f"{base}/{self.database}?charset=utf8mb4"

    # -- processes -----------------------------------------------------------------------------

    def spawn(
        self,
        name: str,
        args: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cpu: int | None,
    ) -> Process:
        self.work_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.work_dir / f"{name}.log"
        # Appended: a process restarted under the same name keeps its predecessor's log.
        log = log_path.open("ab")
        log.write(f"=== {name} started {time.strftime('%H:%M:%S')}\n".encode())
        log.flush()
        popen = subprocess.Popen(  # noqa: S603 - our own modules and fixed tools
            pinned(args, cpu),
            env=env or dict(os.environ),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=REPO,
        )
        process = Process(name, popen, log_path, log)
        self.processes.append(process)
        return process

    def stop_process(self, what: Process | Server) -> None:
        process = what.process if isinstance(what, Server) else what
        process.stop()
        if process in self.processes:
            self.processes.remove(process)

    def close(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.stop()
        self.processes.clear()
        shutil.rmtree(self.dynamodb_dir, ignore_errors=True)
        if self.database:
            with contextlib.suppress(Exception):
                asyncio.run(_mysql(f"DROP DATABASE IF EXISTS `{self.database}`"))
            say(f"dropped database {self.database}")
            self.database = ""

    # -- the stand-ins ---------------------------------------------------------------------------

    def start_dynamodb(self, *, keep_data: bool = False) -> Process:
        """Starts dynalite; with `keep_data`, again on the same port and data as before."""
        from shipdeck_local.dynamodb import DYNALITE

        if not DYNALITE.exists():
            raise SystemExit(f"dynalite is not installed ({DYNALITE}); run `make setup`")
        if not (keep_data and self.dynamodb_port):
            self.dynamodb_port = free_port()
            # On disk (LevelDB), not in memory: the growth benchmark loads a million items.
            shutil.rmtree(self.dynamodb_dir, ignore_errors=True)
            self.dynamodb_dir.mkdir(parents=True)
        port = self.dynamodb_port
        args = [str(DYNALITE), "--host", "127.0.0.1", "--port", str(port)]
        args += ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
        args += ["--path", str(self.dynamodb_dir)]
        process = self.spawn("dynalite", args, cpu=TOOLS_CPU)
        self.dynamodb_url = f"http://127.0.0.1:{port}"
        wait_http(self.dynamodb_url, process, accept_any=True)
        return process

    def start_simulators(self) -> None:
        for name in ("deepseek", "sleakops"):
            port = free_port()
            args = [sys.executable, "-m", f"shipdeck_local.simulators.{name}"]
            args += ["--port", str(port), "--log-level", "warning"]
            process = self.spawn(f"{name}-simulator", args, cpu=TOOLS_CPU)
            url = f"http://127.0.0.1:{port}"
            wait_http(f"{url}/_sim/settings", process)
            if name == "deepseek":
                self.deepseek_url = url
            else:
                self.sleakops_url = url

    def create_database(self) -> None:
        self.database = f"shipdeck_bench_{self.run_id}"
        asyncio.run(
            _mysql(
                f"CREATE DATABASE `{self.database}` CHARACTER SET utf8mb4 "
                "COLLATE utf8mb4_unicode_ci"
            )
        )
        say(f"created database {self.database}")

    # -- Shipdeck and the baseline ---------------------------------------------------------------

    def shipdeck_env(self, port: int, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPDECK_")}
        env.update(
            {
                "SHIPDECK_ENVIRONMENT": "local",
                "SHIPDECK_DATA_DIR": str(self.work_dir / "data"),
                "SHIPDECK_HTTP_HOST": "127.0.0.1",
                "SHIPDECK_HTTP_PORT": str(port),
                "SHIPDECK_HTTP_DRAIN_SECONDS": "0",
                "SHIPDECK_DATABASE_URL": self.database_url,
                "SHIPDECK_DYNAMODB_ENDPOINT_URL": self.dynamodb_url,
                "SHIPDECK_DYNAMODB_TABLE_NAME": self.table_name,
                "SHIPDECK_DYNAMODB_ACCESS_KEY_ID": "local",
                "SHIPDECK_DYNAMODB_SECRET_ACCESS_KEY": "local",
                "SHIPDECK_DYNAMODB_CREATE_TABLE": "true",
                "SHIPDECK_DEEPSEEK_API_KEY": DEEPSEEK_KEY,
                "SHIPDECK_DEEPSEEK_BASE_URL": self.deepseek_url,
                "SHIPDECK_SLEAKOPS_API_KEY": SLEAKOPS_KEY,
                "SHIPDECK_SLEAKOPS_BASE_URL": f"{self.sleakops_url}/api/",
                "SHIPDECK_AUTH_COOKIE_SECURE": "false",
                "SHIPDECK_LOG_LEVEL": "WARNING",
                "SHIPDECK_LOG_FORMAT": "json",
                # Thousands of AI answers in one run would exceed a team's daily allowance; the
                # quota is still checked and charged on every answer.
                "SHIPDECK_ASSISTANT_DAILY_TOKEN_QUOTA": "1000000000",
                "SHIPDECK_RELEASES_POLL_INTERVAL_SECONDS": "1",
                "SHIPDECK_RELEASES_RECONCILE_INTERVAL_SECONDS": "0.5",
            }
        )
        env.update(extra)
        return env

    def migrate(self) -> None:
        env = self.shipdeck_env(0)
        for args in (("db", "upgrade"), ("dynamodb", "create-table")):
            subprocess.run(  # noqa: S603 - our own CLI
                [sys.executable, "-m", "shipdeck.cli", *args],
                env=env,
                check=True,
                capture_output=True,
                cwd=REPO,
            )

    def start_shipdeck(
        self,
        name: str = "shipdeck",
        *,
        port: int = 0,
        cpu: int | None = SERVER_CPU,
        settings: Mapping[str, str] | None = None,
    ) -> Server:
        port = port or free_port()
        args = [sys.executable, "-m", "shipdeck.cli", "serve"]
        env = self.shipdeck_env(port, **(settings or {}))
        process = self.spawn(name, args, env=env, cpu=cpu)
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/readyz", process, timeout=60)
        return Server(process, url)

    def start_baseline(self) -> Server:
        port = free_port()
        args = [sys.executable, "-m", "bench.baseline", "--port", str(port)]
        env = self.shipdeck_env(port)
        process = self.spawn("baseline", args, env=env, cpu=SERVER_CPU)
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz", process, timeout=60)
        return Server(process, url)


def wait_http(
    url: str, process: Process, *, timeout: float = 30.0, accept_any: bool = False
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            tail = process.log_path.read_text(errors="replace")[-2000:]
            raise SystemExit(f"{process.name} exited while starting:\n{tail}")
        try:
            response = httpx.get(url, timeout=1)
            if accept_any or response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{process.name} did not answer on {url} within {timeout:.0f}s")


async def _mysql(statement: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(MYSQL_SERVER_URL)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


def pid_listening(port: int) -> int | None:
    """The process listening on 127.0.0.1/0.0.0.0:`port` (e.g. the MariaDB server), if visible."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            if cols[3] == "0A" and int(cols[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(cols[9])
    targets = {f"socket:[{inode}]" for inode in inodes}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in targets:
                    return int(entry.name)
        except OSError:
            continue
    return None


def cpu_seconds_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


@contextlib.contextmanager
def cpu_meter(process: Process) -> Iterator[dict[str, float]]:
    """Measures the CPU seconds and wall seconds a block took for `process`."""
    result: dict[str, float] = {}
    cpu0, wall0 = process.cpu_seconds(), time.monotonic()
    try:
        yield result
    finally:
        result["cpu_s"] = process.cpu_seconds() - cpu0
        result["wall_s"] = time.monotonic() - wall0
        result["utilization"] = result["cpu_s"] / result["wall_s"] if result["wall_s"] else 0.0
