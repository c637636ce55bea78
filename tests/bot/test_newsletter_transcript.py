"""`hagshama chat --script`: subscribing, stopping and /privacy end to end, in a real process."""

from __future__ import annotations

from tests.support import SCRIPTS, hagshama


def test_newsletter_script_consents_stops_rejoins_exports_and_deletes(database_url: str) -> None:
    script = str(SCRIPTS / "newsletter.txt")
    result = hagshama("chat", "--script", script, database_url=database_url)
    assert result.returncode == 0, result.stderr
    turns = result.stdout.split("» ")[1:]
    assert len(turns) == 25
    topics, consent, typed, subscribed = turns[:4]
    assert "1. ➕ להצטרף: עלון המעגל השיתופי" in topics
    assert "בלחיצה על ״מאשרים״ ניתנת הסכמה" in consent and "1. ✅ מאשרים" in consent
    assert "יש ללחוץ על ״מאשרים״" in typed
    assert "נרשמתם ל״עלון המעגל השיתופי״" in subscribed and "/unsubscribe" in subscribed
    listed, mid_consent, keyword, after = turns[4:8]
    assert "✅ עלון המעגל השיתופי" in listed and "🚫 להפסיק את כל העדכונים" in listed
    assert "חדשות אזור הצפון" in mid_consent
    assert keyword.startswith("הסר") and "ההסרה בוצעה" in keyword
    assert "✅" not in after.split("\n  1.")[0]  # stays unsubscribed until they join again
    assert "ניתנת הסכמה" in turns[8] and "נרשמתם" in turns[9]
    assert "Stopped: you won't receive “The Cooperative Circle Bulletin”" in turns[12]
    assert "All updates stopped (1)" in turns[17]
    export = turns[19]
    assert "consent withdrawn — The Cooperative Circle Bulletin (console, 2026-11-v1)" in export
    assert "📎 hagshama-my-data.json (application/json" in export
    assert "To delete, please press" in turns[21]
    assert "Your data has been deleted" in turns[22]
    assert "👤 פרופיל\n• אין" not in turns[24]  # the newcomer still joined the bot just now
    assert "📰 עדכונים ודיוורים\n• אין" in turns[24]
