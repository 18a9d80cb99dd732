"""`python -m shipdeck_local.simulators.<name>`: serve a simulator with uvicorn on loopback."""

from __future__ import annotations

import argparse
import json
import logging
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from starlette.types import ASGIApp

from shipdeck_local.serve import LOOPBACK, uvicorn_config
from shipdeck_local.simulators.common.simulator import SimulatorConfig

ConfigT = TypeVar("ConfigT", bound=SimulatorConfig)
logger = logging.getLogger("shipdeck_local.simulators")


def _parse_setting(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    try:
        value: Any = json.loads(raw)
    except ValueError:
        value = raw  # a bare string
    return name.strip(), value


def run_simulator(
    *,
    name: str,
    default_port: int,
    config_type: type[ConfigT],
    create_app: Callable[[ConfigT], ASGIApp],
    fresh_seed: bool = False,
    argv: Sequence[str] | None = None,
) -> None:
    """``fresh_seed``: without an explicit seed, draw one per start (and log it), so ids never
    repeat across restarts of a long-lived local run; ``--set seed=N`` replays a run."""
    parser = argparse.ArgumentParser(prog=f"python -m shipdeck_local.simulators.{name}")
    parser.add_argument("--host", default=LOOPBACK, help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument("--config", type=Path, help="JSON file with settings")
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        type=_parse_setting,
        default=[],
        metavar="NAME=VALUE",
        help="override one top-level setting; VALUE is JSON or a bare string",
    )
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)

    data: dict[str, Any] = json.loads(args.config.read_text()) if args.config else {}
    data.update(dict(args.settings))
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    if fresh_seed and "seed" not in data:
        data["seed"] = secrets.randbits(31)
    config = config_type.model_validate(data)
    logger.info("%s simulator on http://%s:%d (seed=%d)", name, args.host, args.port, config.seed)
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn_config(app, host=args.host, port=args.port, log_level=args.log_level)
    )
    server.run()
