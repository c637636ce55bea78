"""`hagshama chat --script`: the track-discovery conversation end to end, in a real process."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.base import utcnow
from models.catalog import Event, EventStatus, Track
from tests.support import SCRIPTS, hagshama, says, verify_dialog


async def test_discovery_script_asks_scores_explains_and_offers_the_track_actions(
    database_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    script = str(SCRIPTS / "discovery.txt")
    started = utcnow()
    result = hagshama("chat", "--script", script, database_url=database_url)
    assert result.returncode == 0, result.stderr
    async with sessions() as session:
        # The console runs on the real clock: the track's open evening lists until it is over.
        ahead = await session.scalars(
            select(Event.slug)
            .join(Track, Event.track_id == Track.id)
            .where(
                Track.slug == "nahal-kibbutz",
                Event.status == EventStatus.PUBLISHED,
                Event.starts_at > started,
            )
            .order_by(Event.starts_at)
            .limit(5)  # as many as the track's list shows
        )
        links = [f"/start ev_{slug}" for slug in ahead]
    verify_dialog(
        result.stdout,
        [
            says("/tracks", "שאלה 1 מתוך 6", '3. נח"ל'),
            says("3", "שאלה 2 מתוך 6", "7. ↩️ חזרה"),
            says("לא בטוח, אולי?", "יש לבחור אחת מהאפשרויות", "שאלה 2 מתוך 6"),
            says("1"),
            says("1"),
            says("5"),
            says("2"),
            says("6"),
            says("1", "✅ חיי קהילה", "✅ חקלאות"),
            says(
                "8",
                '1. מסלול הנח"ל הקיבוצי',
                '✓ מתאים כי: נח"ל, לפני הגיוס, 18–21, בקיבוץ או ביישוב כפרי, חיי קהילה, חקלאות',
            ),
            says("1", "ליצירת קשר: hagshama@example.org.il"),
            says("1", "השם המלא"),
            says("נועה כהן", "מספר הנייד"),
            says("050-1234567", "לספר משהו לצוות"),
            says("1", "👤 נועה כהן\n📞 +972501234567", "מאשרים שייצרו איתכם קשר"),
            says("1", "רשמנו שהמסלול"),
            says("1"),
            says("1", "כבר רשמנו את ההתעניינות"),
            says("3", *links) if links else says("3", "אין אירועים קרובים"),
            says("2"),
            says("3", "ניתנת הסכמה"),
            says("1", 'נרשמתם ל״עדכוני מסלול הנח"ל הקיבוצי״'),
            says("/language en"),
            says("/tracks", "What you told us before: Nahal"),
            says("7"),
            says("keep"),
            says("Keep"),
            says("1"),
            says("6", "What you told us before: Community life, Agriculture"),
            says(
                "keep my",
                "1. Kibbutz Nahal track",
                "✓ Matches: Nahal, Before military service, 18–21, On a kibbutz",
            ),
        ],
    )
