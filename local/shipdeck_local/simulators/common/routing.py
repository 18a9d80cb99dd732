"""Exact-path routing: trailing slashes matter, as they do on the real services."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shipdeck_local.simulators.common.exchange import Exchange

Handler = Callable[["Exchange"], Awaitable[None]]

_PARAM = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # "/api/cli-build/{id}/": a {name} matches one path segment
    handler: Handler
    name: str = ""
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pattern = _PARAM.sub(
            r"(?P<\1>[^/]+)", re.escape(self.path).replace(r"\{", "{").replace(r"\}", "}")
        )
        object.__setattr__(self, "regex", re.compile(f"^{pattern}$"))


@dataclass(frozen=True)
class Matched:
    route: Route
    params: dict[str, str]


@dataclass(frozen=True)
class WrongMethod:
    allowed: list[str]


class Router:
    def __init__(self, routes: Sequence[Route]) -> None:
        self.routes = list(routes)

    def match(self, method: str, path: str) -> Matched | WrongMethod | None:
        allowed: list[str] = []
        for route in self.routes:
            found = route.regex.match(path)
            if found is None:
                continue
            if route.method == method:
                return Matched(route, found.groupdict())
            allowed.append(route.method)
        return WrongMethod(allowed) if allowed else None
