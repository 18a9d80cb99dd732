"""Running `shipdeck` as a real process, as production does, for signal and start-up tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import httpx

from shipdeck.settings import DynamoDBSettings


def shipdeck_env(
    *, database_url: str, dynamodb: DynamoDBSettings, data_dir: Path, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHIPDECK_")}
    env.update(
        {
            "SHIPDECK_ENVIRONMENT": "test",
            "SHIPDECK_DATA_DIR": str(data_dir),
            "SHIPDECK_DATABASE_URL": database_url,
            "SHIPDECK_DYNAMODB_ENDPOINT_URL": dynamodb.endpoint_url,
            "SHIPDECK_DYNAMODB_TABLE_NAME": dynamodb.table_name,
            "SHIPDECK_DYNAMODB_ACCESS_KEY_ID": dynamodb.access_key_id,
            "SHIPDECK_DYNAMODB_SECRET_ACCESS_KEY": dynamodb.secret_access_key.get_secret_value(),
            "SHIPDECK_AUTH_ARGON2_TIME_COST": "1",
            "SHIPDECK_AUTH_ARGON2_MEMORY_KIB": "1024",
            "SHIPDECK_AUTH_COOKIE_SECURE": "false",
            # Every test process signs up from 127.0.0.1 into the same table.
            "SHIPDECK_AUTH_SIGNUPS_PER_ADDRESS_PER_HOUR": "100000",
        }
    )
    env.update(extra)
    return env


def shipdeck(
    *args: str, env: dict[str, str], output: IO[bytes] | None = None
) -> subprocess.Popen[bytes]:
    """`output`: a file for a chatty process (a pipe nobody reads fills up and blocks it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "shipdeck.cli", *args],
        env=env,
        stdout=output or subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else "(see its log file)"
            raise RuntimeError(f"server exited with {process.returncode}:\n{output}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=0.5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise TimeoutError("server did not become healthy")
