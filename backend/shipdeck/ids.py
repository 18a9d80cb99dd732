"""Public resource ids are ULIDs; anything else in an id position is simply not found."""

from __future__ import annotations

import re

_ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def is_valid_id(value: str) -> bool:
    return bool(_ULID.match(value))
