"""Field types shared by request schemas: bounded lengths, no control characters, trimmed."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, StringConstraints

# Every request body refuses unknown fields and trims surrounding whitespace.
# (Python's regex engine: git-ref rules need look-arounds.)
STRICT_BODY = ConfigDict(extra="forbid", str_strip_whitespace=True, regex_engine="python-re")

_PRINTABLE = r"^[^\x00-\x1f\x7f]+$"

DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=_PRINTABLE)
]
Slug = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=100,
        pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    ),
]
EnvironmentName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=64,
        pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    ),
]
# SleakOps project and environment names (they become Kubernetes namespaces there).
ExternalName = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$"
    ),
]
# A git branch or tag: no spaces, no "..", no leading "-", no control characters.
GitRef = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=255,
        pattern=r"^(?!-)(?!.*\.\.)(?!.*//)[A-Za-z0-9._/+@-]+(?<![./])$",
    ),
]
CommitSha = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=4, max_length=64, pattern=r"^[0-9a-fA-F]+$"
    ),
]
# Stored and shown, never fetched by the server (no SSRF surface).
RepoUrl = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=500,
        pattern=r"^(https?://|ssh://|git@)[^\s\x00-\x1f\x7f]+$",
    ),
]
Password = Annotated[str, StringConstraints(min_length=10, max_length=256)]
# A container image tag (as SleakOps takes it): letters, digits, `_`, `.`, `-`, up to 128.
ImageTag = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$",
    ),
]
# A client-chosen key that makes a request safe to repeat.
IdempotencyKey = Annotated[
    str, StringConstraints(min_length=1, max_length=255, pattern=r"^[\x21-\x7e]+$")
]
