"""Proactive WhatsApp messages: free-form inside the 24-hour window, the template outside it,
Telegram when there is no template, and nothing at all without consent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.coordinators.event_notices import cancel_event
from handlers.core.context import EngineConfig
from handlers.core.types import Button, Reply, reply_to_payload
from handlers.people.subscriptions import TopicStop
from models.catalog import Event, Topic
from models.outbox import OutboxKind, OutboxMessage, OutboxStatus, Priority, enqueue, to_one
from models.people import Channel, ChannelIdentity, IdentityStatus, Person
from models.registration_service import register
from models.subscriptions import Subscription, SubscriptionStatus, subscribe
from scheduler.dispatcher import Dispatcher
from tests.bot.whatsapp.conftest import NOA, WhatsApp
from tests.support import Clock

BULLETIN = Reply("עלון חדש: מפגש קהילה ביום שישי", [[Button("להרשמה", "x")]])


async def noa_writes(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], address: str = NOA
) -> int:
    """Noa (or whoever writes from `address`) says hello over WhatsApp and subscribes to a bulletin;
    returns the identity id."""
    await whatsapp.say("/start", address)
    async with sessions() as session, session.begin():
        identity = await session.scalar(
            select(ChannelIdentity).where(ChannelIdentity.address == address)
        )
        topic = await session.scalar(select(Topic).order_by(Topic.id))
        assert identity is not None and topic is not None
        await subscribe(session, identity.person_id, topic.id, "whatsapp", identity.created_at)
        return identity.id


async def queue_and_dispatch(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock, identity: int
) -> OutboxMessage:
    async with sessions() as session, session.begin():
        await enqueue(
            session,
            to_one(identity, "b1"),
            OutboxKind.BULLETIN,
            reply_to_payload(BULLETIN),
            priority=Priority.BULK,
            not_before=clock(),
        )
    channel = whatsapp.channel
    stored = {Channel.WHATSAPP: channel.status.catch_up}
    await Dispatcher(sessions, [channel.sender], clock=clock, stored=stored).run(until_idle=True)
    async with sessions() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == "b1"))
        assert row is not None
        return row


async def test_inside_the_window_the_bulletin_goes_as_text_with_its_options(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)
    clock.advance(hours=23)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    sent = whatsapp.standin.to(NOA)[-1]
    assert sent.body == "עלון חדש: מפגש קהילה ביום שישי\n\n1. להרשמה"
    assert sent.get("StatusCallback") == whatsapp.url + "/whatsapp/status"
    assert (row.status, row.provider_id) == (OutboxStatus.SENT, sent.sid)


async def test_outside_the_window_without_a_template_the_failure_is_recorded(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)
    before = len(whatsapp.standin.requests)
    clock.advance(hours=25)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert len(whatsapp.standin.requests) == before
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "outside 24h window, no template"


async def test_outside_the_window_a_person_also_on_telegram_gets_it_there(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)
    async with sessions() as session, session.begin():
        person_id = await session.scalar(
            select(ChannelIdentity.person_id).where(ChannelIdentity.id == identity)
        )
        session.add(ChannelIdentity(person_id=person_id, channel=Channel.TELEGRAM, address="42"))
    clock.advance(hours=25)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "outside 24h window, no template: queued for Telegram"
    async with sessions() as session:
        moved = (
            await session.execute(
                select(OutboxMessage, ChannelIdentity.channel)
                .join(ChannelIdentity)
                .where(OutboxMessage.id != row.id)
            )
        ).one()
    assert moved.channel == Channel.TELEGRAM
    assert moved.OutboxMessage.status == OutboxStatus.PENDING
    assert moved.OutboxMessage.payload == reply_to_payload(BULLETIN)


async def test_no_proactive_message_without_recorded_consent(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    await whatsapp.say("/start")
    before = len(whatsapp.standin.requests)
    async with sessions() as session:
        identity = await session.scalar(select(ChannelIdentity.id))
    assert identity is not None
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert len(whatsapp.standin.requests) == before
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "no recorded consent for proactive messages"


async def test_twilio_errors_become_retries_skips_and_failures(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)
    whatsapp.standin.fail_next(429, 20429)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.not_before > clock()

    whatsapp.standin.fail_next(500, 20500)
    clock.advance(minutes=1)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 2)

    whatsapp.standin.fail_next(400, 63016)
    clock.advance(minutes=1)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error is not None and row.last_error.startswith("63016")


async def test_an_unsubscribed_number_is_skipped_and_marked_blocked(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)
    whatsapp.standin.fail_next(400, 21610)
    row = await queue_and_dispatch(whatsapp, sessions, clock, identity)
    assert row.status == OutboxStatus.SKIPPED
    async with sessions() as session:
        status = await session.scalar(
            select(ChannelIdentity.status).where(ChannelIdentity.id == identity)
        )
        assert await session.scalar(select(Person.id)) is not None
    assert status == IdentityStatus.BLOCKED


async def test_typing_a_number_answers_the_bulletin_just_received_not_an_older_menu(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    identity = await noa_writes(whatsapp, sessions)  # she was last shown the main menu
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).order_by(Topic.id))
        assert topic is not None
        stop = Button("🔕 הסרה", TopicStop(topic.id).pack())
        bulletin = Reply("עלון חדש: מפגש קהילה ביום שישי", [[stop]])
        payload = reply_to_payload(bulletin)
        await enqueue(
            session,
            to_one(identity, "b2"),
            OutboxKind.BULLETIN,
            payload,
            priority=Priority.BULK,
            not_before=clock(),
        )
    await Dispatcher(sessions, [whatsapp.channel.sender], clock=clock).run(until_idle=True)
    assert "1. 🔕 הסרה" in whatsapp.standin.to(NOA)[-1].body

    [answer] = await whatsapp.say("1")
    assert "שאלה 1" not in answer.body  # the main menu's first option: tracks
    async with sessions() as session:
        status = await session.scalar(select(Subscription.status))
        assert status == SubscriptionStatus.UNSUBSCRIBED


async def test_an_event_cancellation_reaches_its_registrant_once_the_registration_has_ended(
    whatsapp: WhatsApp, sessions: async_sessionmaker[AsyncSession], clock: Clock
) -> None:
    await whatsapp.say("/start")  # no topic, no consent: only her registration concerns us
    async with sessions() as session, session.begin():
        identity = await session.scalar(select(ChannelIdentity))
        event = await session.scalar(select(Event).where(Event.slug == "forum-north-january"))
        assert identity is not None and event is not None
        await register(session, event, identity.person_id, clock())
        assert await cancel_event(session, event, EngineConfig(), clock()) == 1
    await Dispatcher(sessions, [whatsapp.channel.sender], clock=clock).run(until_idle=True)
    assert "בוטל" in whatsapp.standin.to(NOA)[-1].body
    async with sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.kind == OutboxKind.EVENT_CANCELLED)
        )
    assert row is not None and row.status == OutboxStatus.SENT
