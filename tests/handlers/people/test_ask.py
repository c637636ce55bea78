"""Asking the team: the catalogue's answers first, then a thread for the coordinators that
remembers where the question came from; the offer after text the bot cannot place; /my."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.core.engine import Engine
from handlers.people.ask import AskSend, AskStart
from handlers.people.events import EventCard
from models.catalog import Event, Track
from models.people import Channel, person_at
from models.questions import Author, Thread, ThreadKind, ThreadMessage, ThreadStatus
from tests.support import Chat

pytestmark = pytest.mark.usefixtures("catalog")


async def threads(sessions: async_sessionmaker[AsyncSession]) -> list[Thread]:
    async with sessions() as session:
        return list(await session.scalars(select(Thread).order_by(Thread.id)))


async def test_an_faq_answer_ends_it_without_bothering_anyone(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/menu")
    await chat.press("שאלה לצוות")
    assert "מה תרצו לשאול" in chat.text
    await chat.says("‏מתי מתחיל המחזור הַבָּא?", "מחזור חדש פעם בשנה", "זה ענה לי", "לשלוח לצוות")
    await chat.says("1", "שמחים שעזרנו")
    assert await threads(sessions) == []


async def test_the_catalogues_answer_comes_in_the_language_the_question_was_asked_in(
    chat: Chat,
) -> None:
    await chat.send("/ask")
    await chat.says(
        "can I join Garin Tzabar at 24?",
        "Garin Tzabar is for young people from abroad",  # the answer, in English
        "זה ענה לי",  # the buttons, in the person's Hebrew
        absent=("גרעין צבר מיועד",),
    )
    await chat.send("/language en")
    await chat.send("/ask")
    await chat.says("עד איזה גיל אפשר להצטרף לגרעין צבר?", "גרעין צבר", "This answered me")


async def test_still_sending_stores_the_question_with_its_card_region_and_language(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/language en")
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert event is not None
    await chat.press_payload(EventCard(event.id).pack())
    await chat.press("Ask the team")
    assert "about “" in chat.text
    await chat.says("How many study days are there this year?", "six national study days")
    await chat.says("2", "went to the North region's coordinators", "/my")
    (thread,) = await threads(sessions)
    assert (thread.kind, thread.context, thread.region, thread.locale, thread.event_id) == (
        ThreadKind.QUESTION,
        "event",
        "north",
        "en",
        event.id,
    )
    await chat.send("/my")
    assert "waiting for an answer — How many study days" in chat.text


async def test_a_track_question_goes_to_the_tracks_team_without_asking_the_region(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        track = await session.scalar(select(Track).where(Track.slug == "garin-tzabar"))
        assert track is not None
    await chat.press_payload(AskStart("t", track.id).pack())
    await chat.says("האם יש סבסוד לטיסה לארץ?", "השאלה נשלחה לצוות ״גרעין צבר״")
    (thread,) = await threads(sessions)
    assert (thread.track_id, thread.region, thread.context) == (track.id, None, "track")


async def test_without_a_region_the_question_asks_for_one_or_goes_national(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/ask יש חניה ליד הפורום?")
    await chat.says("דרום", "רכזי אזור דרום")
    await chat.send("/ask ועוד שאלה: אפשר להביא ילדים?")
    await chat.says("לא משנה", "צוות המענה של התנועה")
    assert [(t.region, t.status) for t in await threads(sessions)] == [
        ("south", ThreadStatus.OPEN),
        (None, ThreadStatus.OPEN),
    ]


async def test_text_at_the_region_question_asks_again_and_keeps_the_question(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/language en")
    await chat.says("/ask Is there parking near the forum?", "Which region")
    await chat.says("whatever", "Choose one from the list", "Doesn't matter")
    await chat.says("North", "went to the North region's coordinators")
    (thread,) = await threads(sessions)
    async with sessions() as session:
        texts = list(await session.scalars(select(ThreadMessage.text)))
    assert (thread.region, texts) == ("north", ["Is there parking near the forum?"])


async def test_unplaced_text_is_offered_to_the_team(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/menu")
    await chat.says("can I bring my dog to the forum?", "לא הבנו", "לשלוח את ההודעה לצוות")
    assert chat.labels[0] == "📨 כן, לשלוח לצוות" and len(chat.labels) == 8
    await chat.says("1", "לאיזה אזור")
    await chat.says("צפון", "השאלה נשלחה לרכזי אזור צפון")
    (thread,) = await threads(sessions)
    assert thread.context == "text"


async def test_text_typed_after_the_offer_is_offered_too_never_sent_unasked(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/menu")
    await chat.says("can I bring my dog to the forum?", "לשלוח את ההודעה לצוות")
    await chat.send("/events")  # looking elsewhere; the offer is still on the conversation
    await chat.says("by region please", "לשלוח את ההודעה לצוות", absent=("לאיזה אזור",))
    await chat.says("1", "לאיזה אזור")
    await chat.says("צפון", "השאלה נשלחה")
    async with sessions() as session:
        texts = list(await session.scalars(select(ThreadMessage.text)))
    assert texts == ["by region please"]  # the text the person chose to send, once


async def test_unplaced_text_matching_the_catalogue_gets_the_answer(chat: Chat) -> None:
    await chat.send("/menu")
    await chat.says("can I join Garin Tzabar at 24?", "aged 18 to 25", absent=("לא הבנו",))


async def test_bad_input_is_answered_and_stores_nothing(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/ask")
    await chat.says("🙂🙂🙂", "במילים")
    await chat.says("א" * 5000, "עד 2000 תווים")
    await chat.send_media("photo")
    await chat.press_payload(AskSend().pack())
    assert "כבר לא בתוקף" in chat.text
    await chat.press_payload(AskStart("t", 999999).pack())
    assert "כבר לא בתוקף" in chat.text
    await chat.press_payload("qa:zz:")
    assert "כבר לא בתוקף" in chat.text
    assert await threads(sessions) == []


async def test_a_reply_to_the_teams_answer_joins_the_same_thread(
    chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("/ask מתי בדיוק הפורום בדרום?")
    await chat.press("דרום")
    async with sessions() as session, session.begin():
        thread = await session.scalar(select(Thread))
        assert thread is not None
        thread.status = ThreadStatus.ANSWERED
        session.add(ThreadMessage(thread_id=thread.id, author=Author.TEAM, text="ב-12 בינואר"))
    await chat.send("/menu")
    await chat.says("ואפשר להגיע עם חבר?", "כתשובה לצוות", "כשאלה חדשה")
    await chat.press("כתשובה לצוות")
    assert "צורפה לשיחה" in chat.text
    async with sessions() as session:
        (only,) = await session.scalars(select(Thread))
        said = await session.scalars(
            select(ThreadMessage.text).where(ThreadMessage.author == Author.PERSON)
        )
        assert only.status == ThreadStatus.OPEN and only.pushed_at is None
        assert list(said) == ["מתי בדיוק הפורום בדרום?", "ואפשר להגיע עם חבר?"]
        count = await session.scalar(select(func.count()).select_from(Thread))
        assert count == 1


async def test_questions_follow_a_person_joined_by_their_verified_phone(
    engine: Engine, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        known = (await person_at(session, phone="+972501234567")).id
    telegram = Chat(engine, address="777", channel=Channel.TELEGRAM)
    await telegram.send("/ask אפשר להגיע באוטובוס לקיבוץ?")
    await telegram.press("צפון")
    await telegram.share_contact("+972501234567")
    (thread,) = await threads(sessions)
    assert thread.person_id == known
