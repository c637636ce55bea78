"""Posters: a coordinator gets a PNG whose QR codes, once scanned, open the event or topic."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.posters import EVENT_LINK, BadPayload, links, matrix, payload
from handlers.coordinators.qr import QrEvent, QrTopic
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.audit import AuditEntry
from models.catalog import Event, Topic
from models.people import Channel
from tests.conftest import NATIONAL_ID
from tests.support import Chat, Clock

BOT = "HagshamaBot"
WHATSAPP = "whatsapp:+14155238886"


def _engine(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, **channels: str | None
) -> Engine:
    config = EngineConfig(admin_addresses=frozenset({NATIONAL_ID}), **channels)  # type: ignore[arg-type]
    return Engine(sessions, config, clock=clock, features=FEATURES)


def _coordinator(engine: Engine) -> Chat:
    return Chat(engine, address=NATIONAL_ID, channel=Channel.TELEGRAM)


def _scan(chat: Chat) -> list[str]:
    """What a phone camera reads off the poster, left to right."""
    [attachment] = chat.replies[0].attachments
    assert attachment.mime == "image/png" and attachment.filename.endswith(".png")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(attachment.data)))
    return [code.text for code in sorted(found, key=lambda code: code.position.top_left.x)]


async def test_an_event_poster_opens_the_event_on_telegram_and_on_whatsapp(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    engine = _engine(sessions, clock, bot_username=BOT, whatsapp_number=WHATSAPP)
    coordinator = _coordinator(engine)
    await coordinator.send("/admin")
    await coordinator.press("QR")
    await coordinator.press("אירוע")
    await coordinator.press("פורום צפון")
    telegram, whatsapp = _scan(coordinator)
    assert telegram == f"https://t.me/{BOT}?start=ev_forum-north-january"
    assert whatsapp == "https://wa.me/14155238886?text=%2Fstart%20ev_forum-north-january"
    assert telegram in coordinator.text and whatsapp in coordinator.text
    assert matrix(telegram) == matrix(links(engine.config, "ev_forum-north-january")[0].url)

    on_telegram = Chat(engine, address="5001", channel=Channel.TELEGRAM)
    await on_telegram.send(f"/start {parse_qs(urlsplit(telegram).query)['start'][0]}")
    assert "פורום צפון" in on_telegram.text and "להרשמה" in " ".join(on_telegram.labels)
    on_whatsapp = Chat(engine, address="whatsapp:+972501234567", channel=Channel.WHATSAPP)
    await on_whatsapp.send(parse_qs(urlsplit(whatsapp).query)["text"][0])
    assert "פורום צפון" in on_whatsapp.text

    async with sessions() as session:
        [entry] = await session.scalars(select(AuditEntry).where(AuditEntry.action == "qr"))
    assert entry.target == "event:forum-north-january"
    assert entry.details["channels"] == ["Telegram", "WhatsApp"]


async def test_a_topic_poster_leads_straight_to_its_consent_question(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    engine = _engine(sessions, clock, bot_username=BOT, whatsapp_number=WHATSAPP)
    coordinator = _coordinator(engine)
    await coordinator.send("/qr")
    await coordinator.press("נושא עדכונים")
    await coordinator.press("עלון המעגל השיתופי")
    telegram, whatsapp = _scan(coordinator)
    assert telegram == f"https://t.me/{BOT}?start=tp_coop-bulletin"
    assert whatsapp.endswith("?text=%2Fstart%20tp_coop-bulletin")

    reader = Chat(engine, address="5001", channel=Channel.TELEGRAM)
    await reader.send("/start tp_coop-bulletin")
    assert "הצטרפות ל״עלון המעגל השיתופי״" in reader.text
    await reader.press("מאשרים")
    assert "נרשמתם ל״עלון המעגל השיתופי״" in reader.text
    await reader.send("/start tp_no-such-topic")
    assert "הנושא שבקישור לא פתוח" in reader.text and "עדכוני צעירים" in reader.text


async def test_with_one_channel_the_poster_has_one_code_and_says_which_is_missing(
    catalog: None, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    only_telegram = _coordinator(_engine(sessions, clock, bot_username=BOT))
    await only_telegram.send("/qr")
    await only_telegram.press("אירוע")
    await only_telegram.press("פורום צפון")
    assert _scan(only_telegram) == [f"https://t.me/{BOT}?start=ev_forum-north-january"]
    assert "וואטסאפ לא מוגדר" in only_telegram.text

    only_whatsapp = _coordinator(_engine(sessions, clock, whatsapp_number="+14155238886"))
    await only_whatsapp.send("/language en")
    await only_whatsapp.send("/qr")
    await only_whatsapp.press("event")
    await only_whatsapp.press("Northern forum")
    assert _scan(only_whatsapp) == [
        "https://wa.me/14155238886?text=%2Fstart%20ev_forum-north-january"
    ]
    assert "Telegram is not configured" in only_whatsapp.text

    neither = _coordinator(_engine(sessions, clock))
    await neither.send("/language he")
    await neither.send("/qr")
    await neither.press("אירוע")
    await neither.press("פורום צפון")
    assert "לא הוגדרו טלגרם ולא וואטסאפ" in neither.text
    assert not neither.replies[0].attachments


async def test_a_regional_coordinator_makes_posters_only_within_reach(
    catalog: None, regional: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await regional.send("/qr")
    await regional.press("נושא עדכונים")
    assert any("צפון" in label for label in regional.labels)
    assert not any("דרום" in label for label in regional.labels)
    await regional.send("/qr")
    await regional.press("אירוע")
    assert not any("פורום דרום" in label for label in regional.labels)

    async with sessions() as session:
        south_event = await session.scalar(
            select(Event.id).where(Event.slug == "forum-south-january")
        )
        south_topic = await session.scalar(select(Topic.id).where(Topic.slug == "region-south"))
    assert south_event is not None and south_topic is not None
    await regional.press_payload(QrEvent(south_event).pack())
    assert "לרכזים בלבד" in regional.text and not regional.replies[0].attachments
    await regional.press_payload(QrTopic(south_topic).pack())
    assert "לרכזים בלבד" in regional.text
    async with sessions() as session:
        refused = await session.scalars(
            select(AuditEntry.target).where(
                AuditEntry.action == "qr", AuditEntry.allowed.is_(False)
            )
        )
        assert sorted(refused) == ["event:forum-south-january", "topic:region-south"]


def test_only_slugs_telegram_accepts_become_deep_links() -> None:
    assert payload(EVENT_LINK, "forum-north_1") == "ev_forum-north_1"
    for slug in ("א" * 5, "a b", "x" * 62):
        with pytest.raises(BadPayload):
            payload(EVENT_LINK, slug)
