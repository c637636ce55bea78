"""What no database column takes: NUL characters and lone surrogates, dropped where updates
enter, once, so names and texts from any channel are safe everywhere after."""

from __future__ import annotations

import re
from typing import Any

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
"""A lone surrogate: json.loads joins every valid pair into one code point before we look."""
ESCAPED = re.compile(rb"\\u(?:0000|[dD][89abAB]|[dD][c-fC-F])")
"""How either reaches a JSON body: only as an escape (raw, the body is not valid UTF-8)."""


def printable(text: str) -> str:
    return UNSTORABLE.sub("", text)


def needs_cleaning(body: bytes) -> bool:
    """Whether a JSON body may decode to strings `printable` would change (cheap to ask)."""
    return b"\\u" in body and ESCAPED.search(body) is not None


def cleaned(value: Any) -> Any:
    """`value` (decoded JSON) with every string, keys too, made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(str(k)): cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    return value
