"""Every button payload prefix is listed, once, in handlers/PAYLOADS.md."""

from __future__ import annotations

import re
from pathlib import Path

import handlers
import handlers.core.engine  # registers every payload class
from handlers.core.callback import CallbackData

LISTING = Path(handlers.__file__).with_name("PAYLOADS.md")
ROW = re.compile(r"^\| `(?P<prefix>[^`]+)` \| `(?P<cls>\w+)` \| `(?P<module>[\w.]+)` \| .+ \|$")


def listed() -> list[tuple[str, str, str]]:
    rows = [ROW.match(line) for line in LISTING.read_text(encoding="utf-8").splitlines()]
    return [(m["prefix"], m["cls"], m["module"]) for m in rows if m]


def test_every_prefix_in_use_is_listed_once_with_its_class() -> None:
    # Payload classes that tests define for themselves (tests.handlers.core.test_callback) are not
    # the bot's buttons.
    registered = sorted(
        (prefix, cls.__name__, cls.__module__)
        for prefix, cls in CallbackData._registry.items()
        if not cls.__module__.startswith("tests.")  # the callback tests' own sample class
    )
    rows = listed()
    assert len(rows) == len({prefix for prefix, _, _ in rows}), "a prefix is listed twice"
    assert sorted(rows) == registered
