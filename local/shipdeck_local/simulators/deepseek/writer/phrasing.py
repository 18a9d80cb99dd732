"""Small wording helpers shared by the answer templates."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence


def pick(rng: random.Random, options: Sequence[str]) -> str:
    return options[rng.randrange(len(options))]


def code(value: str | None) -> str:
    return f"`{value}`" if value else ""


def names(values: Sequence[str]) -> str:
    quoted = [f"`{v}`" for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " and " + quoted[-1]


_BRANCH_KINDS = {
    "feature": "New",
    "feat": "New",
    "fix": "Fix",
    "bugfix": "Fix",
    "hotfix": "Hotfix",
    "chore": "Maintenance",
    "refactor": "Refactor",
    "docs": "Docs",
    "perf": "Performance",
}


def describe_branch(branch: str) -> str:
    """ "feature/login-page" -> "New: login page"; "main" -> "main"."""
    prefix, sep, rest = branch.partition("/")
    if sep and prefix.lower() in _BRANCH_KINDS:
        words = re.sub(r"[-_]+", " ", rest).strip()
        return f"{_BRANCH_KINDS[prefix.lower()]}: {words}"
    return branch


def kind_word(kind: str | None) -> str:
    return {"deploy": "deployment", "build": "build"}.get(kind or "", "release")
