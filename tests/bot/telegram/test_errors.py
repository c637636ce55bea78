"""When Telegram says no: slow down on 429, stop on 403, apologise for anything else."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models.people import Channel, ChannelIdentity, IdentityStatus, Person
from tests.bot.telegram.conftest import RunningBot, eventually

DAN = 6001


@pytest.fixture
def mode() -> str:
    return "polling"


async def test_a_429_is_waited_out_and_the_answer_still_arrives(running: RunningBot) -> None:
    standin = running.standin
    standin.fail("sendMessage", 429, retry_after=1)
    refused, welcome = await running.say(DAN, standin.message(DAN, "/start"), count=2)
    assert refused.params == welcome.params  # the same message, tried again
    assert "ברוכים הבאים" in welcome.params["text"]


async def test_a_403_marks_the_person_as_having_blocked_the_bot(running: RunningBot) -> None:
    standin = running.standin
    standin.fail("sendMessage", 403)
    await running.send(standin.message(DAN, "/start"))
    address = select(ChannelIdentity.status).where(ChannelIdentity.address == str(DAN))

    async def status() -> IdentityStatus | None:
        async with running.app.sessions() as session:
            return await session.scalar(address)

    await eventually(status, IdentityStatus.BLOCKED)
    [welcome] = await running.say(DAN, standin.message(DAN, "/start"))
    assert "ברוכים הבאים" in welcome.params["text"]
    assert await status() == IdentityStatus.ACTIVE


async def test_an_unexpected_failure_is_logged_and_the_person_told_in_their_language(
    running: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    standin = running.standin
    await running.say(DAN, standin.message(DAN, "/language en"))
    standin.fail("sendMessage", 400)
    [refused, sorry] = await running.say(DAN, standin.message(DAN, "/menu"), count=2)
    assert refused.params["text"].startswith("Main menu")
    assert sorry.params["text"].startswith("Something went wrong on our side")
    assert any(f"from chat {DAN} failed" in r.getMessage() for r in caplog.records)
    metrics = (await running.client.get("/metrics")).text
    assert 'hagshama_errors_total{channel="telegram"} 1' in metrics
    assert 'hagshama_updates_total{channel="telegram"} 1' in metrics


async def test_sharing_my_phone_joins_the_person_known_from_whatsapp(running: RunningBot) -> None:
    async with running.app.sessions() as session, session.begin():
        known = Person(
            name="Dan Cohen", phone="+972541112233", phone_verified=True, interests=[], roles=[]
        )
        session.add(
            ChannelIdentity(
                person=known, channel=Channel.WHATSAPP, address="whatsapp:+972541112233"
            )
        )
    standin = running.standin
    await running.say(DAN, standin.message(DAN, "/start"))
    [saved] = await running.say(DAN, standin.contact(DAN, "972541112233"))
    assert "מספר הטלפון נשמר" in saved.params["text"]
    async with running.app.sessions() as session:
        identities = (await session.scalars(select(ChannelIdentity))).all()
        assert len({i.person_id for i in identities}) == 1
        assert len((await session.scalars(select(Person))).all()) == 1


async def test_someone_elses_contact_card_links_nobody(running: RunningBot) -> None:
    standin = running.standin
    [answer] = await running.say(DAN, standin.contact(DAN, "972541112233", owner=999))
    assert "רק בטקסט ובכפתורים" in answer.params["text"]
    async with running.app.sessions() as session:
        assert await session.scalar(select(Person.phone)) is None
