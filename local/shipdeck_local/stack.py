"""`make run`: the whole of Shipdeck on one machine, each AWS part and external service replaced
by a real stand-in on loopback.

Starts the DynamoDB-API server (data kept under `.data/`), the DeepSeek and SleakOps simulators
when no real keys are configured, applies migrations, creates the table, seeds the demo data and
serves the API with the built web app on http://127.0.0.1:8000. Ctrl-C stops every process it
started; a second run finds the same data.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy.engine import make_url

from shipdeck.settings import Settings
from shipdeck_local.dynamodb import LOCAL_ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY, DynamoDBServer

REPO_ROOT = Path(__file__).resolve().parents[2]
DEEPSEEK_LOCAL_KEY = "sk-shipdeck-local"
SLEAKOPS_LOCAL_KEY = "shipdeck-local-key"


@dataclass(frozen=True)
class Ports:
    dynamodb: int = 8100
    deepseek: int = 8101
    sleakops: int = 8102


@dataclass
class Stack:
    settings: Settings
    ports: Ports = field(default_factory=Ports)
    env: dict[str, str] = field(default_factory=dict)
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    dynamodb: DynamoDBServer | None = None

    def say(self, message: str) -> None:
        print(f"shipdeck-local | {message}", flush=True)

    def prepare_env(self) -> None:
        env = dict(os.environ)
        env.setdefault("SHIPDECK_ENVIRONMENT", "local")
        env.setdefault("SHIPDECK_DATA_DIR", str(self.settings.data_dir))
        env.setdefault("SHIPDECK_AUTH_COOKIE_SECURE", "false")
        env.setdefault("SHIPDECK_LOG_FORMAT", "console")
        env.setdefault("SHIPDECK_HTTP_DRAIN_SECONDS", "0")
        env.setdefault("SHIPDECK_DYNAMODB_CREATE_TABLE", "true")
        # Follow releases closely: the simulator finishes them in seconds.
        env.setdefault("SHIPDECK_RELEASES_POLL_INTERVAL_SECONDS", "1")
        env.setdefault("SHIPDECK_RELEASES_RECONCILE_INTERVAL_SECONDS", "0.5")
        env.setdefault("SHIPDECK_RELEASES_RELAY_INTERVAL_SECONDS", "0.25")
        web = REPO_ROOT / "frontend" / "dist"
        if (web / "index.html").exists():
            env.setdefault("SHIPDECK_HTTP_STATIC_DIR", str(web))
        self.env = env

    def start_dynamodb(self) -> None:
        if self.settings.dynamodb.endpoint_url:
            self.say(f"DynamoDB: using {self.settings.dynamodb.endpoint_url}")
            return
        _require_free(self.ports.dynamodb, "the DynamoDB-API server")
        data = self.settings.data_dir / "dynamodb"
        self.dynamodb = DynamoDBServer(port=self.ports.dynamodb, data_dir=data).start()
        self.env.update(
            {
                "SHIPDECK_DYNAMODB_ENDPOINT_URL": self.dynamodb.endpoint_url,
                "SHIPDECK_DYNAMODB_ACCESS_KEY_ID": LOCAL_ACCESS_KEY_ID,
                "SHIPDECK_DYNAMODB_SECRET_ACCESS_KEY": LOCAL_SECRET_ACCESS_KEY,
            }
        )
        self.say(f"DynamoDB-API server (dynalite) on {self.dynamodb.endpoint_url}, data in {data}")

    def start_simulators(self) -> None:
        if not self.settings.deepseek.api_key.get_secret_value():
            self._spawn_simulator("deepseek", self.ports.deepseek, "/models")
            self.env["SHIPDECK_DEEPSEEK_API_KEY"] = DEEPSEEK_LOCAL_KEY
            self.env["SHIPDECK_DEEPSEEK_BASE_URL"] = f"http://127.0.0.1:{self.ports.deepseek}"
        else:
            self.say(f"DeepSeek: the real service at {self.settings.deepseek.base_url}")
        if not self.settings.sleakops.api_key.get_secret_value():
            self._spawn_simulator("sleakops", self.ports.sleakops, "/api/")
            self.env["SHIPDECK_SLEAKOPS_API_KEY"] = SLEAKOPS_LOCAL_KEY
            self.env["SHIPDECK_SLEAKOPS_BASE_URL"] = f"http://127.0.0.1:{self.ports.sleakops}/api/"
        else:
            self.say(f"SleakOps: the real service at {self.settings.sleakops.base_url}")

    def _spawn_simulator(self, name: str, port: int, probe: str) -> None:
        module = f"shipdeck_local.simulators.{name}"
        _require_free(port, f"the {name} simulator")
        process = self._spawn(name, [sys.executable, "-m", module, "--port", str(port)])
        _wait_http(f"http://127.0.0.1:{port}{probe}", process, name)
        self.say(f"{name} simulator on http://127.0.0.1:{port}")

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(args, env=self.env)  # noqa: S603 - our own modules
        self.processes.append((name, process))
        return process

    def _run(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "shipdeck.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"`shipdeck {' '.join(args)}` failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def prepare_database(self) -> None:
        url = make_url(self.settings.database_url)
        if url.get_backend_name() == "mysql":
            asyncio.run(_create_mysql_database(self.settings.database_url))
            self.say(f"database: {url.render_as_string(hide_password=True)}")
        else:
            self.say(f"database: SQLite file {url.database}")
        self._run("db", "upgrade")
        self._run("dynamodb", "create-table")

    def seed(self) -> dict[str, str]:
        import json

        return dict(json.loads(self._run("seed-demo").strip().splitlines()[-1]))

    def serve(self) -> subprocess.Popen[bytes]:
        port = self.settings.http.port
        _require_free(port, "the API")
        api = self._spawn("api", [sys.executable, "-m", "shipdeck.cli", "serve"])
        _wait_http(f"http://127.0.0.1:{port}/readyz", api, "api", timeout=60)
        return api

    def stop(self) -> None:
        # A second Ctrl-C must not cut the clean-up short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
        for name, process in reversed(self.processes):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                self.say(f"{name} did not stop in time; killing it")
                process.kill()
        if self.dynamodb is not None:
            self.dynamodb.stop()
        self.say("stopped")


async def _create_mysql_database(url: str) -> None:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    parsed = make_url(url)
    name = parsed.database
    engine = create_async_engine(parsed.set(database=""))
    async with engine.begin() as conn:
        await conn.execute(
            text(
                f"CREATE DATABASE IF NOT EXISTS `{name}` CHARACTER SET utf8mb4 "
                "COLLATE utf8mb4_unicode_ci"
            )
        )
    await engine.dispose()


def _require_free(port: int, what: str) -> None:
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(
                f"port {port} is already in use, so {what} cannot start there. "
                "Is another `make run` still running?"
            )


def _wait_http(url: str, process: subprocess.Popen[bytes], name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited with status {process.returncode} while starting")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{name} did not answer on {url} within {timeout:.0f}s")


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m shipdeck_local.stack",
        description="Run Shipdeck and its local stand-ins. The API's address, data directory and "
        "database come from SHIPDECK_HTTP_PORT, SHIPDECK_DATA_DIR and SHIPDECK_DATABASE_URL.",
    )
    defaults = Ports()
    parser.add_argument("--dynamodb-port", type=int, default=defaults.dynamodb)
    parser.add_argument("--deepseek-port", type=int, default=defaults.deepseek)
    parser.add_argument("--sleakops-port", type=int, default=defaults.sleakops)
    args = parser.parse_args(argv)
    settings = Settings()
    stack = Stack(settings, Ports(args.dynamodb_port, args.deepseek_port, args.sleakops_port))
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        stack.prepare_env()
        stack.start_dynamodb()
        stack.start_simulators()
        stack.prepare_database()
        demo = stack.seed()
        api = stack.serve()
        url = f"http://{settings.http.host}:{settings.http.port}"
        stack.say("")
        stack.say(f"Shipdeck is running at {url}  (API docs: {url}/api/docs)")
        stack.say(f"Sign in as {demo['email']} / {demo['password']}")
        stack.say("Press Ctrl-C to stop everything.")
        stack.say("")
        while api.poll() is None:
            time.sleep(0.5)
        stack.say(f"the API exited with status {api.returncode}")
        return api.returncode or 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    raise SystemExit(main())
