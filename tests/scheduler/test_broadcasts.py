"""A coordinator's broadcast end to end: composed in the chat, planned into the outbox, sent
through the real Telegram sender to the stand-in Bot API, progress edited in place, reported."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers.coordinators.broadcast_flow import Act, BroadcastAct
from handlers.core.context import EngineConfig
from handlers.core.engine import Engine
from handlers.features import FEATURES
from models.audit import AuditEntry
from models.broadcasts import Broadcast, BroadcastStatus
from models.catalog import Topic
from models.outbox import OutboxMessage, OutboxStatus
from models.people import Channel, mark_blocked
from models.subscriptions import subscribe
from scheduler.broadcasts import run_broadcasts
from tests.bot.telegram.standin import StandIn
from tests.conftest import NATIONAL_ID
from tests.scheduler.delivery import dispatcher, standin
from tests.scheduler.support import CONFIG, QUIET, Sessions, someone
from tests.support import NOW, Chat, Clock

__all__ = ["standin"]

COORDINATOR = int(NATIONAL_ID)


async def _subscribers(sessions: Sessions, *people: tuple[str, str, Channel]) -> None:
    """People who agreed to the cooperative circle's bulletin."""
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        for address, locale, channel in people:
            identity = await someone(session, address, locale, channel)
            await subscribe(session, identity.person_id, topic.id, channel, NOW)


async def _job(sessions: Sessions, clock: Clock) -> int:
    async with sessions() as session, session.begin():
        return await run_broadcasts(session, clock(), CONFIG, QUIET)


async def _compose_to_everyone(national: Chat, text: str) -> None:
    await national.send("/broadcast")
    await national.send(text)
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")


async def _broadcast(sessions: Sessions) -> Broadcast:
    async with sessions() as session:
        found = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))
        assert found is not None
        return found


async def test_compose_preview_send_and_watch_the_progress_message_become_the_report(
    catalog: None, national: Chat, sessions: Sessions, standin: StandIn, clock: Clock
) -> None:
    await _subscribers(
        sessions,
        ("5001", "he", Channel.TELEGRAM),
        ("5002", "en", Channel.TELEGRAM),
        ("5004", "he", Channel.TELEGRAM),
    )
    async with sessions() as session, session.begin():
        await someone(session, "5003", "he")  # talked to the bot, never subscribed
    await _compose_to_everyone(national, "‏כנס גזברים ביום חמישי 🎉")
    assert "נמענים: 3" in national.text
    assert "בעברית" in national.text and "באנגלית" in national.text
    assert "להסרה השיבו ״הסר״" in national.text and "Reply STOP" in national.text
    await national.press("לשלוח ל־3")
    assert "בדרך אל 3" in national.text

    assert await _job(sessions, clock) == 1
    async with sessions() as session, session.begin():
        await mark_blocked(session, Channel.TELEGRAM, "5004")  # blocked us before it went out
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    [hebrew] = standin.sent(5001)
    assert "כנס גזברים ביום חמישי 🎉" in hebrew.params["text"]
    assert "הסר" in hebrew.params["text"] and "🔕 הסרה מהרשימה" in hebrew.buttons
    [english] = standin.sent(5002)
    assert "Reply STOP" in english.params["text"] and "🔕 Unsubscribe" in english.buttons
    assert standin.sent(5003) == [] and standin.sent(5004) == []
    [bar] = standin.sent(COORDINATOR)
    assert "0/3" in bar.params["text"] and "⏹️ לעצור את השליחה" in bar.buttons
    bar_id = max(message_id for chat, message_id in standin.messages if chat == COORDINATOR)

    assert await _job(sessions, clock) == 1
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    [edit] = standin.of("editMessageText")
    assert edit.params["message_id"] == bar_id
    shown = standin.messages[COORDINATOR, bar_id]
    assert "השליחה הסתיימה" in shown["text"] and "3/3" in shown["text"]
    assert shown["reply_markup"] is None
    report = standin.sent(COORDINATOR)[-1].params["text"]
    assert "נשלחו: 2" in report and "חסמו את הבוט: 1" in report and "נכשלו: 0" in report
    broadcast = await _broadcast(sessions)
    assert broadcast.status == BroadcastStatus.DONE and broadcast.recipients == 3
    assert await _job(sessions, clock) == 0  # reported once
    async with sessions() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "broadcast.send" in actions


async def test_cancelling_mid_way_skips_what_is_queued_and_the_bar_says_so(
    catalog: None, national: Chat, sessions: Sessions, standin: StandIn, clock: Clock
) -> None:
    await _subscribers(
        sessions,
        ("5001", "he", Channel.TELEGRAM),
        ("5002", "he", Channel.TELEGRAM),
        ("whatsapp:+972501111111", "he", Channel.WHATSAPP),
        ("whatsapp:+972502222222", "en", Channel.WHATSAPP),
    )
    await _compose_to_everyone(national, "Study day moved")
    await national.press("לשלוח ל־4")
    await _job(sessions, clock)
    # Only Telegram is being sent: the WhatsApp copies are still queued.
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    assert await _job(sessions, clock) == 1
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    [edit] = standin.of("editMessageText")
    assert "2/4" in edit.params["text"] and "נשלחו 2" in edit.params["text"]
    assert "⏹️ לעצור את השליחה" in edit.buttons

    broadcast = await _broadcast(sessions)
    await national.press_payload(BroadcastAct(broadcast.id, Act.STOP).pack())
    assert "לא ייצאו: 2 · כבר נשלחו: 2" in national.text
    await national.press_payload(BroadcastAct(broadcast.id, Act.STOP).pack())
    assert "כבר לא נשלחת" in national.text

    assert await _job(sessions, clock) == 1
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    report = standin.sent(COORDINATOR)[-1].params["text"]
    assert "השליחה בוטלה" in report and "נשלחו: 2" in report and "(ביטול או הסרה): 2" in report
    async with sessions() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast"))
        ).all()
    assert sorted(r.status for r in rows) == sorted(
        [OutboxStatus.SENT] * 2 + [OutboxStatus.SKIPPED] * 2
    )
    assert (await _broadcast(sessions)).status == BroadcastStatus.CANCELLED


async def test_someone_who_says_stop_after_planning_is_not_sent_it(
    catalog: None, national: Chat, sessions: Sessions, standin: StandIn, clock: Clock
) -> None:
    await _subscribers(sessions, ("5001", "he", Channel.TELEGRAM), ("5002", "en", Channel.TELEGRAM))
    await _compose_to_everyone(national, "Bulletin")
    await national.press("לשלוח ל־2")
    await _job(sessions, clock)
    leaver = Chat(national.engine, address="5002", channel=Channel.TELEGRAM)
    await leaver.send("STOP")
    await _job(sessions, clock)
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    assert standin.sent(5002) == [] and len(standin.sent(5001)) == 1


async def test_on_whatsapp_the_author_hears_at_each_quarter_and_at_the_end(
    catalog: None, sessions: Sessions, standin: StandIn, clock: Clock
) -> None:
    phone = "+972509999999"
    engine = Engine(
        sessions, EngineConfig(admin_addresses=frozenset({phone})), clock=clock, features=FEATURES
    )
    author = Chat(engine, address=f"whatsapp:{phone}", channel=Channel.WHATSAPP)
    await _subscribers(
        sessions,
        ("5001", "he", Channel.TELEGRAM),
        ("5002", "he", Channel.TELEGRAM),
        ("console-1", "he", Channel.CONSOLE),
        ("console-2", "en", Channel.CONSOLE),
    )
    await _compose_to_everyone(author, "Study day moved")
    await author.send("1")  # the first numbered option: send to 4
    assert "בדרך אל 4" in author.text
    await _job(sessions, clock)
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    assert await _job(sessions, clock) == 1
    assert await _job(sessions, clock) == 0  # nothing new to say
    await author.send("/broadcast cancel")
    await _job(sessions, clock)
    async with sessions() as session:
        told = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.kind == "broadcast_progress")
                .order_by(OutboxMessage.id)
            )
        ).all()
    texts = [row.payload["text"] for row in told]
    assert len(texts) == 3 and all("edit_of" not in row.payload for row in told)
    assert "0/4" in texts[0] and "2/4" in texts[1]
    assert "השליחה בוטלה" in texts[2] and "נשלחו: 2" in texts[2]


async def test_marketing_waits_for_the_morning_and_the_author_hears_at_once(
    catalog: None, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 23, 21, 30, tzinfo=UTC)  # 23:30 in Israel
    await _subscribers(sessions, ("5001", "he", Channel.TELEGRAM))
    await _compose_to_everyone(national, "Good morning")
    await national.press("לשלוח ל־1")
    await _job(sessions, clock)
    async with sessions() as session:
        rows = {row.kind: row.not_before for row in await session.scalars(select(OutboxMessage))}
    assert rows["broadcast"] == datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # 08:00 in Israel
    assert rows["broadcast_progress"] == clock.now
