"""The bot is built from a list of features: an engine holds those it is given and no others,
and the core knows none of them by name."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.context import EngineConfig
from handlers.core.engine import Engine, routes
from handlers.core.router import Router
from handlers.features import FEATURES
from handlers.people import events
from handlers.people.subscriptions import TopicPick
from tests.conftest import NATIONAL_ID
from tests.support import Chat, Clock


async def test_an_engine_with_only_the_events_feature_knows_no_other_command(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    config = EngineConfig(admin_addresses=frozenset({NATIONAL_ID}))
    engine = Engine(sessions, config, clock=clock, features=[events.router])
    chat = Chat(engine, NATIONAL_ID)
    await chat.says("/language en", "talk in English")
    await chat.says("/events", "Upcoming events (", "1. Open evening")
    others = ("subscribe", "tracks", "my", "ask", "profile", "privacy", "admin", "broadcast")
    for absent in (*others, "checkin", "inbox"):
        await chat.says(f"/{absent}", f"I don't know the command /{absent}")
    await chat.says("/menu", "1. 📅 Upcoming events", "2. 🌐", "3. ❓ Help", absent=("4.",))
    await chat.press_payload(TopicPick(1).pack())
    assert "no longer" in chat.text  # the updates feature's buttons are stale here


def test_the_menus_follow_the_order_of_the_features() -> None:
    built = routes(FEATURES)
    assert built.menu == ["tracks", "events", "subscribe", "my", "ask", "language", "help"]
    assert built.admin_menu[:2] == ["broadcast", "bulletin"]
    assert built.admin_menu[-1] == "stats"
    assert routes(reversed(FEATURES)).admin_menu[0] == "stats"


def test_two_features_may_not_claim_one_command() -> None:
    first, second = Router("first"), Router("second")
    for router in (first, second):
        router.command("same")(events.events_command)
    with pytest.raises(ValueError, match="both handle"):
        routes([first, second])


def test_the_core_imports_no_feature() -> None:
    loaded = (
        "import sys, handlers.core.engine; "
        "print(sorted(m for m in sys.modules if m.startswith(('handlers.coordinators', "
        "'handlers.people', 'handlers.features'))))"
    )
    found = subprocess.run(
        [sys.executable, "-c", loaded], capture_output=True, text=True, check=True
    )
    assert found.stdout.strip() == "[]"
