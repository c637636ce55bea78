"""Subscribing to topics with explicit consent, and stopping them every way there is."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from handlers.people.subscriptions import ConsentAgree, TopicPick
from models.catalog import Topic
from models.conversation import ConversationState
from models.people import Channel
from models.subscriptions import (
    CONSENT_WORDING_VERSION,
    ConsentRecord,
    Subscription,
    SubscriptionStatus,
)
from tests.support import NOW, Chat, Clock

pytestmark = pytest.mark.usefixtures("catalog")

STALE = "כבר לא בתוקף"


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> dict[str, str]:
    async with sessions() as session:
        rows = await session.execute(select(Topic.slug, Subscription.status).join(Topic))
        return {slug: status for slug, status in rows}


async def trail(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, str, str]]:
    async with sessions() as session:
        records = await session.scalars(select(ConsentRecord).order_by(ConsentRecord.id))
        return [(r.action, r.channel, r.wording_version, r.at.isoformat()) for r in records]


async def topic_id(sessions: async_sessionmaker[AsyncSession], slug: str) -> int:
    async with sessions() as session:
        found = await session.scalar(select(Topic.id).where(Topic.slug == slug))
        assert found is not None
        return found


async def test_topics_are_listed_and_joining_needs_explicit_consent(
    engine: Engine, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    chat = Chat(engine, channel=Channel.WHATSAPP, address="whatsapp:+972501234567")
    await chat.send("/subscribe")
    assert "עלון המעגל השיתופי" in chat.text and "חדשות אזור הדרום" in chat.text
    assert "עדכוני שנת השירות" not in chat.text  # track updates live on the track cards
    assert len(chat.labels) == 6
    await chat.press("עלון המעגל השיתופי")
    assert "בלחיצה על ״מאשרים״ ניתנת הסכמה" in chat.text
    assert "הסר" in chat.text
    assert chat.labels == ["✅ מאשרים", "לא תודה"]
    assert await statuses(sessions) == {}
    clock.advance(minutes=5)
    await chat.press("מאשרים")
    assert "נרשמתם ל״עדכוני" not in chat.text
    assert "נרשמתם ל״עלון המעגל השיתופי״" in chat.text
    assert "נשלח פעם בחודש" in chat.text  # what they will receive
    assert "/unsubscribe" in chat.text and "הסר" in chat.text  # and how to stop
    assert await statuses(sessions) == {"coop-bulletin": "active"}
    at = NOW.replace(minute=5).isoformat()
    assert await trail(sessions) == [("granted", "whatsapp", CONSENT_WORDING_VERSION, at)]


async def test_declining_or_typing_subscribes_to_nothing(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/subscribe")
    await chat.press("חדשות אזור הצפון")
    for text in ("כן", "I agree!!", "👍", "y" * 5000):
        await chat.send(text)
        assert "יש ללחוץ על ״מאשרים״" in chat.text
        assert chat.labels == ["✅ מאשרים", "לא תודה"]
    await chat.press("לא תודה")
    assert "לא נרשמתם לשום דבר" in chat.text
    assert await statuses(sessions) == {}
    await chat.send("/subscribe")
    await chat.press("חדשות אזור הצפון")
    await chat.send("1")  # typing the option number presses that button
    assert await statuses(sessions) == {"region-north": "active"}


async def test_a_consent_question_saved_under_its_old_step_name_carries_on(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/subscribe")
    await chat.press("חדשות אזור הצפון")
    async with sessions() as session, session.begin():
        # As versions before December 2026 saved the consent question's step.
        await session.execute(update(ConversationState).values(step="newsletter.consent"))
    await chat.send("כן")
    assert "יש ללחוץ על ״מאשרים״" in chat.text
    await chat.send("1")
    assert await statuses(sessions) == {"region-north": "active"}


async def test_a_double_tap_on_agree_records_consent_once(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/subscribe")
    await chat.press("עדכוני צעירים")
    agree = chat.button("מאשרים").payload
    await chat.press_payload(agree)
    await chat.press_payload(agree)
    assert "כבר נשלח אליכם" in chat.text
    assert len(await trail(sessions)) == 1


async def test_stopping_one_topic_by_button_and_all_by_command(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/language en")
    for title in ("Cooperative Circle Bulletin", "South region news"):
        await chat.send("/subscribe")
        await chat.press(title)
        await chat.press("I agree")
    await chat.send("/subscribe")
    assert "✅ The Cooperative Circle Bulletin" in chat.text
    assert "✖️ Stop: South region news" in chat.labels
    await chat.press("Stop: South region news")
    assert "won't receive “South region news” any more" in chat.text
    await chat.send("/subscribe")
    await chat.press("Join: South region news")
    assert "By pressing “I agree” you consent" in chat.text
    await chat.send("/unsubscribe")
    assert chat.labels == ["✖️ Stop: The Cooperative Circle Bulletin", "🚫 Stop all updates"]
    stop_one = chat.button("Stop: The Cooperative").payload
    await chat.press("Stop all")
    assert "All updates stopped (1)" in chat.text
    await chat.press_payload(stop_one)
    assert "You don't receive" in chat.text
    await chat.send("/unsubscribe")
    assert "aren't receiving any updates" in chat.text
    assert await statuses(sessions) == {
        "coop-bulletin": "unsubscribed",
        "region-south": "unsubscribed",
    }
    assert [action for action, *_ in await trail(sessions)] == [
        "granted",
        "granted",
        "withdrawn",
        "withdrawn",
    ]


@pytest.mark.parametrize("keyword", ["הסר", "STOP", "unsubscribe"])
async def test_the_opt_out_keyword_wins_and_only_new_consent_undoes_it(
    chat: Chat, sessions: async_sessionmaker[AsyncSession], keyword: str
) -> None:
    await chat.send("/subscribe")
    await chat.press("עלון המעגל השיתופי")
    await chat.press("מאשרים")
    await chat.send("/subscribe")
    await chat.press("חדשות אזור המרכז")  # consent question open when the keyword comes
    await chat.send(keyword)
    assert "ההסרה בוצעה" in chat.text
    assert await statuses(sessions) == {"coop-bulletin": "unsubscribed"}
    await chat.send("מאשרים")  # the old consent question is gone with the flow
    assert await statuses(sessions) == {"coop-bulletin": "unsubscribed"}
    await chat.send("/subscribe")
    await chat.press("עלון המעגל השיתופי")
    assert "ניתנת הסכמה" in chat.text
    await chat.press("מאשרים")
    assert await statuses(sessions) == {"coop-bulletin": "active"}
    assert [action for action, *_ in await trail(sessions)] == ["granted", "withdrawn", "granted"]


async def test_buttons_for_deleted_or_closed_topics_and_old_wording_are_stale(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    hq = await topic_id(sessions, "coop-hq-updates")
    await chat.send("/subscribe")
    await chat.press("המטה השיתופי")
    async with sessions() as session, session.begin():
        await session.execute(delete(Topic).where(Topic.id == hq))
    await chat.press("מאשרים")
    assert STALE in chat.text
    await chat.press_payload(TopicPick(hq).pack())
    assert STALE in chat.text
    north = await topic_id(sessions, "region-north")
    await chat.press_payload(ConsentAgree(north, "2020-01-v0").pack())
    assert STALE in chat.text
    async with sessions() as session, session.begin():
        topic = await session.get(Topic, north)
        assert topic is not None
        topic.active = False
    await chat.press_payload(ConsentAgree(north, CONSENT_WORDING_VERSION).pack())
    assert STALE in chat.text
    assert await statuses(sessions) == {}
    assert await trail(sessions) == []


async def test_typing_at_the_consent_question_of_a_closed_topic_ends_it(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/subscribe")
    await chat.press("חדשות אזור הדרום")
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "region-south"))
        assert topic is not None
        topic.active = False
    await chat.send("כן")
    assert STALE in chat.text
    await chat.send("/subscribe")
    assert "חדשות אזור הדרום" not in chat.text


async def test_an_unsubscribed_topic_stays_listed_as_open_to_join(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/subscribe")
    await chat.press("עלון המעגל")
    await chat.press("מאשרים")
    await chat.send("STOP")
    await chat.send("/subscribe")
    assert "➕ להצטרף: עלון המעגל השיתופי" in chat.labels
    assert not any("להפסיק" in label for label in chat.labels)
    async with sessions() as session:
        sub = await session.scalar(select(Subscription))
        assert sub is not None and sub.status == SubscriptionStatus.UNSUBSCRIBED
