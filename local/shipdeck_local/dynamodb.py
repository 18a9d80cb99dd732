"""The DynamoDB-API server that stands in for DynamoDB on one machine: dynalite, a Node
implementation of the DynamoDB HTTP API backed by LevelDB, so its data survives restarts.

It does not implement transactions or UpdateTimeToLive; Shipdeck uses neither at run time
(expiry is checked on read; TTL only reclaims space on AWS).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx

PACKAGE_ROOT = Path(__file__).resolve().parents[1]
DYNALITE = PACKAGE_ROOT / "node_modules" / ".bin" / "dynalite"
# Local servers accept any credentials, but requests must still be signed with some.
LOCAL_ACCESS_KEY_ID = "local"
LOCAL_SECRET_ACCESS_KEY = "local"  # noqa: S105 - not a secret: the local server ignores it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DynamoDBServer:
    """Starts dynalite on loopback; `data_dir=None` keeps the data in memory."""

    def __init__(self, *, port: int | None = None, data_dir: Path | None = None) -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 15.0) -> DynamoDBServer:
        if not DYNALITE.exists() or shutil.which("node") is None:
            raise RuntimeError(
                f"dynalite is not installed ({DYNALITE}); run `make setup` (npm ci in local/)"
            )
        args = [str(DYNALITE), "--host", "127.0.0.1", "--port", str(self.port)]
        args += ["--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"]
        if self.data_dir is not None:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            args += ["--path", str(self.data_dir)]
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                err = self.process.stderr.read().decode() if self.process.stderr else ""
                raise RuntimeError(f"dynalite exited with {self.process.returncode}: {err}")
            try:
                # Any HTTP answer means it is up (a bare GET is refused with 400).
                httpx.get(self.endpoint_url, timeout=0.5)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"dynalite did not listen on {self.endpoint_url} in {timeout}s")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def __enter__(self) -> DynamoDBServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
