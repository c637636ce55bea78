"""The public pages as someone opening a shared link sees them: Hebrew right to left at the
root, English under /en, the event's state in words, registration links only while it takes
registrations, previews for WhatsApp and Telegram, nothing about any person."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import httpx
from icalendar import Calendar
from PIL import Image
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.http import create_app
from bot.metrics import Metrics
from bot.public.site import PublicSite
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Event, EventStatus, Topic
from models.people import Person
from models.registration_service import register
from tests.bot.public.conftest import BASE, BOT, CONFIG
from tests.regions import EVENT as JERUSALEM_EVENT
from tests.regions import add_jerusalem
from tests.support import NOW, Clock, hagshama

FORUM = "forum-north-january"
SMALL = "workshop-mini-demo"
"""The demo's two-seat event."""
TELEGRAM_LINK = f"https://t.me/{BOT}?start=ev_{FORUM}"
WHATSAPP_LINK = f"https://wa.me/14155238886?text=%2Fstart%20ev_{FORUM}"


def meta(html: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


async def test_an_event_in_hebrew_reads_right_to_left_with_its_date_place_and_both_links(
    web: httpx.AsyncClient,
) -> None:
    page = await web.get(f"/e/{FORUM}")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="he" dir="rtl">' in html
    assert "פורום צפון לחשיבה שיתופית" in html
    assert "יום שלישי, 19 בינואר 2027, 18:00–21:00" in html
    assert "קיבוץ יזרעאל" in html and "google.com/maps/search/?api=1&amp;query=" in html
    assert "נשארו 40 מקומות" in html
    assert f'href="{TELEGRAM_LINK}"' in html and "הרשמה בטלגרם" in html
    assert f'href="{WHATSAPP_LINK}"' in html and "הרשמה בוואטסאפ" in html
    assert f'href="/e/{FORUM}/calendar.ics"' in html
    assert 'href="/en/e/forum-north-january"' in html


async def test_the_english_page_and_its_preview_tags(web: httpx.AsyncClient) -> None:
    html = (await web.get(f"/en/e/{FORUM}")).text
    assert '<html lang="en" dir="ltr">' in html
    assert "Tuesday, 19 January 2027, 18:00–21:00" in html
    assert "Register on Telegram" in html and "Register on WhatsApp" in html
    assert meta(html, "og:title").startswith("Northern forum")
    assert meta(html, "og:url") == f"{BASE}/en/e/{FORUM}"
    assert meta(html, "og:image") == f"{BASE}/en/e/{FORUM}/preview.png"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == meta(html, "og:image")
    assert "19 January 2027" in meta(html, "og:description")


async def test_the_preview_image_is_1200_by_630_and_cached(web: httpx.AsyncClient) -> None:
    first = await web.get(f"/e/{FORUM}/preview.png")
    assert first.status_code == 200 and first.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(first.content)).size == (1200, 630)
    assert "max-age" in first.headers["cache-control"]
    again = await web.get(
        f"/e/{FORUM}/preview.png", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    english = await web.get(f"/en/e/{FORUM}/preview.png")
    assert english.headers["etag"] != first.headers["etag"]


async def test_the_calendar_entry_has_the_event_and_no_one_s_code(web: httpx.AsyncClient) -> None:
    response = await web.get(f"/en/e/{FORUM}/calendar.ics")
    assert response.headers["content-type"].startswith("text/calendar")
    entry = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(entry["summary"]).startswith("Northern forum")
    assert entry.decoded("dtstart") == NOW.replace(year=2027, month=1, day=19, hour=16)


async def test_a_full_event_offers_the_waiting_list(
    web: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        event = await session.scalar(select(Event).where(Event.slug == SMALL))
        assert event is not None
        for name in ("Dana", "Eli"):
            person = Person(name=name, interests=[], roles=[])
            session.add(person)
            await session.flush()
            await register(session, event, person.id, NOW)
    html = (await web.get(f"/e/{SMALL}")).text
    assert "המקומות אזלו" in html and "לרשימת ההמתנה בטלגרם" in html
    assert "הרשמה בטלגרם" not in html


async def test_a_cancelled_event_says_so_and_offers_no_registration(
    web: httpx.AsyncClient, database_url: str
) -> None:
    assert hagshama("event", "cancel", FORUM, database_url=database_url).returncode == 0
    for path, cancelled in ((f"/e/{FORUM}", "האירוע בוטל"), (f"/en/e/{FORUM}", "was cancelled")):
        html = (await web.get(path)).text
        assert cancelled in html
        assert "t.me/" not in html and "wa.me/" not in html and "calendar.ics" not in html
    home = (await web.get("/")).text
    assert f"/e/{FORUM}" not in home


async def test_a_past_event_keeps_its_page_without_registration(
    web: httpx.AsyncClient, clock: Clock
) -> None:
    clock.advance(days=90)
    html = (await web.get(f"/en/e/{FORUM}")).text
    assert "already taken place" in html and "t.me/" not in html


async def test_drafts_and_unknown_slugs_are_not_found(
    web: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        session.add(
            Event(
                slug="secret-draft",
                content={"he": {"title": "טיוטה סודית"}},
                starts_at=NOW + timedelta(days=3),
                status=EventStatus.DRAFT,
            )
        )
    for path in ("/e/secret-draft", "/e/no-such-event", "/t/nope", "/b/nope/", "/en/e/x/y/z"):
        response = await web.get(path)
        assert response.status_code == 404, path
        assert "טיוטה סודית" not in response.text
    assert (await web.get("/e/secret-draft/preview.png")).status_code == 404
    assert "טיוטה סודית" not in (await web.get("/")).text
    english = await web.get("/en/e/no-such-event")
    assert '<html lang="en" dir="ltr">' in english.text and "Page not found" in english.text


async def test_the_index_filters_by_region_kind_and_track(web: httpx.AsyncClient) -> None:
    everything = (await web.get("/")).text
    assert "23 אירועים קרובים" in everything  # all of the demo catalogue's
    north = (await web.get("/en/?region=north")).text
    assert "forum-north-january" in north and "forum-south-january" not in north
    assert '<option value="north" selected>' in north
    forums = (await web.get("/?kind=forum")).text
    assert "6 אירועים קרובים" in forums  # three January forums, three yearly series
    nahal = (await web.get("/?track=nahal-kibbutz")).text
    assert "nahal-open-evening" in nahal and FORUM not in nahal
    nothing = (await web.get("/?region=atlantis&kind=<script>")).text
    assert "אין אירועים קרובים" in nothing and "<script>" not in nothing


async def test_a_region_the_catalogue_adds_is_named_by_its_questionnaire_label(
    web: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_jerusalem(sessions)
    index = (await web.get("/en/")).text
    assert '<option value="jerusalem">Jerusalem</option>' in index
    page = (await web.get(f"/e/{JERUSALEM_EVENT}")).text
    assert "<dd>ירושלים</dd>" in page
    center = (await web.get("/en/e/nahal-open-evening")).text
    assert "<dd>Center</dd>" in center
    national = (await web.get("/en/e/study-day-participatory-management")).text
    assert "<dd>National</dd>" in national


async def test_a_track_page_has_its_events_and_interest_links(web: httpx.AsyncClient) -> None:
    html = (await web.get("/en/t/nahal-kibbutz")).text
    assert "/en/e/nahal-open-evening" in html
    assert f"https://t.me/{BOT}?start=tr_nahal-kibbutz" in html
    assert "I&#39;m interested — on WhatsApp" in html


async def test_the_archive_shows_published_bulletins_only(
    web: httpx.AsyncClient, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        ids = {}
        for status, title in (
            (BulletinStatus.PUBLISHED, "כנס גזברים"),
            (BulletinStatus.DRAFT, "טיוטה"),
            (BulletinStatus.SCHEDULED, "בקרוב"),
            (BulletinStatus.CANCELLED, "בוטל"),
        ):
            bulletin = Bulletin(
                topic_id=topic.id,
                content={"he": {"title": title, "body": "שורה\nועוד שורה"}},
                status=status,
                published_at=NOW if status == BulletinStatus.PUBLISHED else None,
            )
            session.add(bulletin)
            await session.flush()
            ids[status] = bulletin.id
    archive = (await web.get("/b/coop-bulletin/")).text
    assert "כנס גזברים" in archive
    assert f"https://t.me/{BOT}?start=tp_coop-bulletin" in archive
    assert not {"טיוטה", "בקרוב", "בוטל"} & set(re.findall(r"[\u05d0-\u05ea]+", archive))
    page = await web.get(f"/b/coop-bulletin/{ids[BulletinStatus.PUBLISHED]}")
    assert page.status_code == 200 and "ועוד שורה" in page.text
    for status in (BulletinStatus.DRAFT, BulletinStatus.SCHEDULED, BulletinStatus.CANCELLED):
        assert (await web.get(f"/b/coop-bulletin/{ids[status]}")).status_code == 404
    elsewhere = await web.get(f"/b/youth-updates/{ids[BulletinStatus.PUBLISHED]}")
    assert elsewhere.status_code == 404
    assert "coop-bulletin" in (await web.get("/en/b/")).text


async def test_every_response_forbids_scripts_and_framing(web: httpx.AsyncClient) -> None:
    for path in ("/", f"/e/{FORUM}", "/e/unknown", "/static/public.css", "/b/"):
        headers = (await web.get(path)).headers
        policy = headers["content-security-policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy, path
        assert "frame-ancestors 'none'" in policy and headers["x-content-type-options"] == "nosniff"
    html = (await web.get(f"/e/{FORUM}")).text
    assert "<script" not in html and " style=" not in html and "<style" not in html


async def test_the_webhook_routes_still_answer_beside_the_pages(web: httpx.AsyncClient) -> None:
    assert (await web.get("/healthz")).json()["status"] == "ok"
    assert (await web.post("/e/forum-north-january")).status_code == 405


async def test_a_rendered_page_is_served_again_for_two_seconds_then_made_fresh(
    sessions: async_sessionmaker[AsyncSession], catalog: None, clock: Clock
) -> None:
    ticks = [100.0]
    site = PublicSite(sessions, CONFIG, clock, monotonic=lambda: ticks[0])
    transport = httpx.ASGITransport(app=create_app(sessions, Metrics(), [], site.app()))
    async with httpx.AsyncClient(transport=transport, base_url="http://hagshama") as web:
        assert "נשארו שני מקומות" in (await web.get(f"/e/{SMALL}")).text
        async with sessions() as session, session.begin():
            event = await session.scalar(select(Event).where(Event.slug == SMALL))
            assert event is not None
            person = Person(name="Dana", interests=[], roles=[])
            session.add(person)
            await session.flush()
            await register(session, event, person.id, NOW)
        ticks[0] += 1.5
        assert "נשארו שני מקומות" in (await web.get(f"/e/{SMALL}")).text
        # Another address (the English page) was not rendered yet: it is fresh already.
        assert "One seat left" in (await web.get(f"/en/e/{SMALL}")).text
        ticks[0] += 1.0
        assert "נשאר מקום אחד" in (await web.get(f"/e/{SMALL}")).text


async def test_odd_addresses_are_not_found_never_an_error(web: httpx.AsyncClient) -> None:
    for path in (
        "/e/" + "x" * 5000,
        "/e/%E2%80%8Fforum-north-january",  # a right-to-left mark before the slug
        "/e/🎉",
        "/b/coop-bulletin/99999999999999999999",
        "/b/coop-bulletin/0",
        "/t/%00",
        "/en/b/../../etc/passwd",
    ):
        response = await web.get(path)
        assert response.status_code == 404, path
        assert "text/html" in response.headers["content-type"], path
    assert (await web.get("/e/%00/calendar.ics")).status_code == 404
    assert (await web.get("/e/%00/preview.png")).status_code == 404
