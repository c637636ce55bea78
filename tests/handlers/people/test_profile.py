"""/profile: a person's kibbutz found by typing its name, the roles they hold; asked after
registering for a role holders' event; shown and deleted by /privacy."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.people.profile import ProfileKibbutz, ProfileRole
from models.people import Person
from tests.handlers.people.test_my import register
from tests.support import Chat

Sessions = async_sessionmaker[AsyncSession]


async def _person(sessions: Sessions) -> Person:
    async with sessions() as session:
        found = await session.scalar(select(Person).order_by(Person.id.desc()))
        assert found is not None
        return found


async def test_kibbutz_by_a_typed_name_and_roles_by_buttons_in_both_languages(
    catalog: None, chat: Chat, sessions: Sessions
) -> None:
    await chat.says("/profile", "קיבוץ: עוד לא סיפרתם", "תפקידים: עוד לא סיפרתם")
    await chat.press("לבחור קיבוץ")
    await chat.says("\u200fקיבוץ שאינו ברשימה 🙂", "לא מצאנו")
    await chat.says("א" * 5000, "לא מצאנו")
    await chat.send_media("voice")
    assert "הקלטה" in chat.text
    await chat.send("מסריק")
    assert chat.labels[0] == "כפר מסריק / Kfar Masaryk"
    await chat.send("kfar masarik")  # a typo, in English
    await chat.press("כפר מסריק")
    assert "נשמר" in chat.text and "קיבוץ: כפר מסריק" in chat.text
    await chat.press("לבחור תפקידים")
    await chat.press("גזבר/ית")
    await chat.press("מזכיר/ה")
    assert "✅ גזבר/ית" in chat.labels and "✅ מזכיר/ה" in chat.labels
    await chat.press("מזכיר/ה")
    await chat.press("דירקטור/ית")
    await chat.press("סיום")
    assert "תפקידים: דירקטור/ית, גזבר/ית" in chat.text
    person = await _person(sessions)
    assert (person.kibbutz, person.roles) == ("kfar-masaryk", ["director", "treasurer"])

    await chat.send("/language en")
    await chat.says("/profile", "Kibbutz: Kfar Masaryk", "Roles: Director, Treasurer")
    await chat.press_payload(ProfileRole("astronaut").pack())
    assert "no longer valid" in chat.text
    await chat.press_payload(ProfileKibbutz("atlantis").pack())
    assert "no longer valid" in chat.text
    await chat.send("/profile")
    await chat.press("Choose your kibbutz")
    await chat.press("I'm not from a kibbutz")
    assert "Kibbutz: not told yet" in chat.text
    assert (await _person(sessions)).kibbutz is None


async def test_a_role_holders_event_asks_for_the_kibbutz_and_privacy_shows_and_deletes_it(
    catalog: None, chat: Chat, sessions: Sessions
) -> None:
    await register(chat, "forum-north-january", "מיכל", "0521234567")
    assert "מיועד לבעלי תפקידים" not in chat.text
    await register(chat, "treasurers-peers-meeting", "מיכל", "0521234567")
    assert "מיועד לבעלי תפקידים" in chat.text
    await chat.press("לבחור קיבוץ")
    await chat.send("יטבתה")
    await chat.press("יטבתה")
    await chat.press("לבחור תפקידים")
    await chat.press("רכז/ת משק")
    await chat.press("סיום")
    await chat.send("/privacy")
    await chat.press("להציג")
    assert "קיבוץ: יטבתה" in chat.text and "רכז/ת משק" in chat.text
    data = json.loads(chat.replies[0].attachments[1].data)
    assert (data["profile"]["kibbutz"], data["profile"]["roles"]) == ("yotvata", ["economy"])
    await chat.send("/privacy")
    await chat.press("למחוק")
    await chat.press("כן")
    async with sessions() as session:
        assert await session.scalar(select(Person).where(Person.kibbutz == "yotvata")) is None
