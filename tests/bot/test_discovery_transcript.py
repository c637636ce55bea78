"""`hagshama chat --script`: the track-discovery conversation end to end, in a real process."""

from __future__ import annotations

from tests.support import SCRIPTS, hagshama


def test_discovery_script_asks_scores_explains_and_offers_the_track_actions(
    database_url: str,
) -> None:
    script = str(SCRIPTS / "discovery.txt")
    result = hagshama("chat", "--script", script, database_url=database_url)
    assert result.returncode == 0, result.stderr
    turns = result.stdout.split("» ")[1:]
    assert len(turns) == 30
    first, nahal, typo = turns[:3]
    assert "שאלה 1 מתוך 6" in first and '3. נח"ל' in first
    assert "שאלה 2 מתוך 6" in nahal and "7. ↩️ חזרה" in nahal
    assert "יש לבחור אחת מהאפשרויות" in typo and "שאלה 2 מתוך 6" in typo
    toggled = turns[8]
    assert "✅ חיי קהילה" in toggled and "✅ חקלאות" in toggled
    results = turns[9]
    assert '1. מסלול הנח"ל הקיבוצי' in results
    assert '✓ מתאים כי: נח"ל, לפני הגיוס, 18–21, בקיבוץ או ביישוב כפרי, חיי קהילה, חקלאות' in (
        results
    )
    card, name, phone, note, agree, interest = turns[10:16]
    assert "ליצירת קשר: hagshama@example.org.il" in card
    assert "השם המלא" in name and "מספר הנייד" in phone and "לספר משהו לצוות" in note
    assert "👤 נועה כהן\n📞 +972501234567" in agree and "מאשרים שייצרו איתכם קשר" in agree
    assert "רשמנו שהמסלול" in interest
    again = turns[17]
    assert "כבר רשמנו את ההתעניינות" in again
    assert "/start ev_" in turns[18] or "אין אירועים קרובים" in turns[18]
    consent, subscribed = turns[20:22]
    assert "ניתנת הסכמה" in consent
    assert 'נרשמתם ל״עדכוני מסלול הנח"ל הקיבוצי״' in subscribed
    english = turns[23:]
    assert "What you told us before: Nahal" in english[0]
    assert "What you told us before: Community life, Agriculture" in english[-2]
    assert "1. Kibbutz Nahal track" in english[-1]
    assert "✓ Matches: Nahal, Before military service, 18–21, On a kibbutz" in english[-1]
