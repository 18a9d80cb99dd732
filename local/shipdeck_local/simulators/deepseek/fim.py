"""FIM (fill in the middle) completions on /beta/completions: a short, deterministic fill."""

from __future__ import annotations

import re


def fill_text(prompt: str, suffix: str | None) -> str:
    lines = prompt.rstrip("\n").splitlines() or [""]
    last = lines[-1]
    indent = re.match(r"[ \t]*", last)
    pad = indent.group() if indent else ""
    if last.rstrip().endswith((":", "{")):
        pad += "    "
    name = re.search(r"def\s+(\w+)|function\s+(\w+)", prompt)
    target = next((g for g in name.groups() if g), "value") if name else "value"
    body = f"{pad}result = {target}_default()\n{pad}return result\n"
    if suffix and suffix.lstrip().startswith("return"):
        body = f"{pad}result = {target}_default()\n"
    return body
