"""`hagshama chat --script`: subscribing, stopping and /privacy end to end, in a real process."""

from __future__ import annotations

from tests.support import SCRIPTS, hagshama, says, verify_dialog

JOINED = "נרשמתם ל״עלון המעגל השיתופי״"


def test_subscriptions_script_consents_stops_rejoins_exports_and_deletes(database_url: str) -> None:
    script = str(SCRIPTS / "subscriptions.txt")
    result = hagshama("chat", "--script", script, database_url=database_url)
    assert result.returncode == 0, result.stderr
    verify_dialog(
        result.stdout,
        [
            says("/subscribe", "1. ➕ להצטרף: עלון המעגל השיתופי"),
            says("1", "בלחיצה על ״מאשרים״ ניתנת הסכמה", "1. ✅ מאשרים"),
            says("כן כן", "יש ללחוץ על ״מאשרים״"),
            says("1", JOINED, "/unsubscribe"),
            says("/subscribe", "✅ עלון המעגל השיתופי", "🚫 להפסיק את כל העדכונים"),
            says("4", "חדשות אזור הצפון"),
            says("הסר", "ההסרה בוצעה"),
            says("/subscribe", absent=("✅",)),  # stays unsubscribed until they join again
            says("1", "ניתנת הסכמה"),
            says("1", "נרשמתם"),
            says("/language en"),
            says("/unsubscribe"),
            says("1", "Stopped: you won't receive “The Cooperative Circle Bulletin”"),
            says("/subscribe"),
            says("2"),
            says("1"),
            says("/unsubscribe"),
            says("2", "All updates stopped (1)"),
            says("/privacy"),
            says(
                "1",
                "consent withdrawn — The Cooperative Circle Bulletin (console, 2026-11-v1)",
                "📎 hagshama-my-data.json (application/json",
            ),
            says("1"),
            says("שלום?", "To delete, please press"),
            says("1", "Your data has been deleted"),
            says("/privacy"),
            # The newcomer has a profile (they joined the bot just now), and no subscriptions.
            says("1", "📰 עדכונים ודיוורים\n• אין", absent=("👤 פרופיל\n• אין",)),
        ],
    )
