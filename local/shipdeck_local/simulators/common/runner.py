"""`python -m shipdeck_local.simulators.<name>`: serve a simulator with uvicorn on loopback."""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from starlette.types import ASGIApp

from shipdeck_local.serve import LOOPBACK, uvicorn_config
from shipdeck_local.simulators.common.simulator import SimulatorConfig

ConfigT = TypeVar("ConfigT", bound=SimulatorConfig)


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
    argv: Sequence[str] | None = None,
) -> None:
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
    config = config_type.model_validate(data)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s %(message)s")
    app = create_app(config)
    server = uvicorn.Server(
        uvicorn_config(app, host=args.host, port=args.port, log_level=args.log_level)
    )
    server.run()
