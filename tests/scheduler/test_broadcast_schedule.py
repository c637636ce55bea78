"""A broadcast in two languages reaches each reader in theirs; one sent at a typed time goes
then and not before, and can be listed and cancelled while it waits."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from models.broadcasts import Broadcast, BroadcastStatus
from models.catalog import Topic
from models.people import Channel
from models.subscriptions import subscribe
from scheduler.broadcasts import run_broadcasts
from tests.bot.telegram.standin import StandIn
from tests.scheduler.delivery import dispatcher, standin
from tests.scheduler.support import CONFIG, QUIET, Sessions, outbox, someone
from tests.support import NOW, Chat, Clock

__all__ = ["standin"]


async def _readers(sessions: Sessions) -> None:
    """A Hebrew reader (5001) and an English one (5002), both subscribed."""
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        for address, locale in (("5001", "he"), ("5002", "en")):
            identity = await someone(session, address, locale)
            await subscribe(session, identity.person_id, topic.id, Channel.TELEGRAM, NOW)


async def _job(sessions: Sessions, clock: Clock) -> int:
    async with sessions() as session, session.begin():
        return await run_broadcasts(session, clock(), CONFIG, QUIET)


async def _latest(sessions: Sessions) -> Broadcast:
    async with sessions() as session:
        found = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))
        assert found is not None
        return found


async def test_an_english_reader_gets_the_english_text_and_a_hebrew_reader_the_hebrew(
    catalog: None, national: Chat, sessions: Sessions, standin: StandIn, clock: Clock
) -> None:
    await _readers(sessions)
    await national.send("/broadcast")
    await national.send("יום עיון במעגל השיתופי")
    await national.send("A study day of the cooperative circle")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    # Edited after the preview, without starting over: the audience stays.
    await national.press("לערוך את הנוסח באנגלית")
    await national.says("A study day of the cooperative circle, Thursday", "נמענים: 2")
    await national.press("לשלוח ל־2")
    await _job(sessions, clock)
    await dispatcher(sessions, standin.base_url, clock=clock).run(until_idle=True)
    [hebrew] = standin.sent(5001)
    [english] = standin.sent(5002)
    assert "יום עיון במעגל השיתופי" in hebrew.params["text"]
    assert "study day" not in hebrew.params["text"]
    assert "A study day of the cooperative circle, Thursday" in english.params["text"]
    assert "יום עיון" not in english.params["text"] and "Reply STOP" in english.params["text"]


async def test_a_scheduled_broadcast_goes_at_its_time_and_not_before(
    catalog: None, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await _readers(sessions)
    await national.send("/broadcast")
    await national.send("תזכורת: ההרשמה לקורס נסגרת")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    await national.press("לשלוח במועד אחר")
    await national.says("מחר", "חסרה השעה")
    await national.says("23.11.2026 08:00", "כבר עבר")  # 10:00 in Israel now
    await national.says("24.11 9:30", "תישלח ב־", "שני נמענים")
    scheduled = await _latest(sessions)
    assert scheduled.status == BroadcastStatus.APPROVED
    assert scheduled.send_at == datetime(2026, 11, 24, 7, 30, tzinfo=UTC)

    await national.says("/broadcast list", "תזכורת: ההרשמה לקורס", "מאושרת", "(2)")
    assert await _job(sessions, clock) == 0
    clock.now = datetime(2026, 11, 24, 7, 29, tzinfo=UTC)
    assert await _job(sessions, clock) == 0
    assert await outbox(sessions, "broadcast") == []
    clock.now = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
    assert await _job(sessions, clock) == 1
    copies = await outbox(sessions, "broadcast")
    assert len(copies) == 2 and all(copy.not_before >= clock.now for copy in copies)
    await national.says("/broadcast list", "אין הודעות שממתינות")


async def test_a_scheduled_broadcast_cancelled_from_the_list_never_goes(
    catalog: None, national: Chat, sessions: Sessions, clock: Clock
) -> None:
    await _readers(sessions)
    await national.send("/broadcast")
    await national.send("Study day moved")
    await national.press("בלי נוסח באנגלית")
    await national.press("בלי קישור")
    await national.press("לכל המנויים")
    await national.press("לשלוח במועד אחר")
    await national.send("1.12 18:00")
    await national.send("/broadcast list")
    await national.press("לבטל את 1")
    assert "בוטלה" in national.text
    clock.now = datetime(2026, 12, 2, tzinfo=UTC)
    await _job(sessions, clock)
    assert await outbox(sessions, "broadcast") == []
    assert await outbox(sessions, "broadcast_progress") == []
    assert (await _latest(sessions)).status == BroadcastStatus.CANCELLED
