"""The registration flow played through the real `hagshama chat --script` command line."""

from __future__ import annotations

from tests.support import SCRIPTS, hagshama


def test_registering_from_a_link_with_mistakes_then_cancelling(database_url: str) -> None:
    result = hagshama(
        "chat", "--script", str(SCRIPTS / "registration.txt"), database_url=database_url
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "🕒 יום שלישי, 19 בינואר 2027, 18:00–21:00" in out and "נשארו 40 מקומות" in out
    assert "נא לכתוב שם באותיות" in out
    assert "זה לא נראה כמו מספר טלפון" in out
    assert "📞 +972501234567" in out
    assert "נא לבחור באחד הכפתורים" in out
    assert "📎 forum-north-january.ics (text/calendar" in out
    assert out.count("קוד הצ'ק־אין") >= 3  # the ticket, the card again, /my
    assert "בוטלה" in out
