"""Token accounting that is simple, deterministic and consistent with what is streamed.

A completion token is one streamed piece: a word with the whitespace before it. Prompt tokens
count words and punctuation marks, plus a small overhead per message.
"""

from __future__ import annotations

import re

_PIECE = re.compile(r"\s*\S+|\s+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
MESSAGE_OVERHEAD = 3


def pieces(text: str) -> list[str]:
    """Split text into stream pieces; ``"".join(pieces(t)) == t``."""
    return _PIECE.findall(text)


def count_text_tokens(text: str) -> int:
    return len(_TOKEN.findall(text))
