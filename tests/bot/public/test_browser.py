"""The public pages in a real browser: Debian's chromium driven by playwright, against the app
served by uvicorn on a free port. Every kind of page in Hebrew and English: direction,
registration links, preview tags and image, rendering without JavaScript, and axe-core finding
no serious or critical accessibility violation."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn
from PIL import Image
from playwright.async_api import Browser, async_playwright
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.http import create_app
from bot.metrics import Metrics
from bot.public.site import PublicSite
from bot.serve import tcp_listener
from models.bulletins import Bulletin, BulletinStatus
from models.catalog import Topic
from tests.bot.public.conftest import BOT
from tests.support import NOW

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("axe") / "axe.min.js"
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: .ci/run installs Debian's chromium"
)


@pytest_asyncio.fixture
async def server(
    sessions: async_sessionmaker[AsyncSession], site: PublicSite, database_url: str, catalog: None
) -> AsyncIterator[str]:
    """The app as `hagshama run` serves it, on 127.0.0.1, with a published bulletin."""
    if database_url.startswith("postgresql"):
        pytest.skip("the browser sees the same HTML on PostgreSQL; test_pages covers its queries")
    async with sessions() as session, session.begin():
        topic = await session.scalar(select(Topic).where(Topic.slug == "coop-bulletin"))
        assert topic is not None
        session.add(
            Bulletin(
                topic_id=topic.id,
                content={
                    "he": {"title": "כנס גזברים", "body": "נפגשים בחודש הבא."},
                    "en": {"title": "Treasurers' conference", "body": "We meet next month."},
                },
                status=BulletinStatus.PUBLISHED,
                published_at=NOW,
            )
        )
    listener = tcp_listener("127.0.0.1", 0)
    port = listener.getsockname()[1]
    app = create_app(sessions, Metrics(), [], site.app())
    http = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    listener.listen(128)  # connections wait in the queue until uvicorn accepts them
    task = asyncio.create_task(http.serve([listener]))
    yield f"http://127.0.0.1:{port}"
    http.should_exit = True
    await task


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        launched = await driver.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox"]
        )
        yield launched
        await launched.close()


def _pages(bulletin: int) -> list[str]:
    return [
        "/",
        "/e/forum-north-january",
        "/t/nahal-kibbutz",
        "/b/",
        "/b/coop-bulletin/",
        f"/b/coop-bulletin/{bulletin}",
        "/e/no-such-event",
    ]


async def _bulletin(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        number = await session.scalar(select(Bulletin.id))
        assert number is not None
        return number


async def test_every_page_in_both_languages_reads_right_and_passes_axe(
    server: str, browser: Browser, sessions: async_sessionmaker[AsyncSession]
) -> None:
    axe = AXE.read_text(encoding="utf-8")
    page = await browser.new_page(viewport=PHONE)
    checked = 0
    for path in _pages(await _bulletin(sessions)):
        for prefix, lang, direction in (("", "he", "rtl"), ("/en", "en", "ltr")):
            url = server + prefix + path
            response = await page.goto(url)
            assert response is not None
            assert response.status == (404 if "no-such" in path else 200), url
            html = page.locator("html")
            assert await html.get_attribute("dir") == direction, url
            assert await html.get_attribute("lang") == lang, url
            assert await page.locator("h1").first.is_visible(), url
            wide = "document.documentElement.scrollWidth <= window.innerWidth"
            assert await page.evaluate(f"() => {wide}"), f"{url} is wider than a phone"
            image = await page.locator('meta[property="og:image"]').get_attribute("content")
            assert image and image.endswith("/preview.png"), url
            card = await page.locator('meta[name="twitter:card"]').get_attribute("content")
            assert card == "summary_large_image", url
            # axe runs through the DevTools protocol, which the page's policy does not govern.
            await page.evaluate(axe)
            found = await page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
            )
            checked += 1
            blocking = [v for v in found if v["impact"] in BLOCKING]
            assert not blocking, f"{url}: {blocking}"
    assert checked == 14
    await page.close()


async def test_the_event_page_links_to_registration_and_its_preview_image(
    server: str, browser: Browser
) -> None:
    page = await browser.new_page()
    await page.goto(server + "/en/e/forum-north-january")
    telegram = page.get_by_role("link", name="Register on Telegram")
    assert await telegram.get_attribute("href") == (
        f"https://t.me/{BOT}?start=ev_forum-north-january"
    )
    whatsapp = page.get_by_role("link", name="Register on WhatsApp")
    assert "wa.me/14155238886?text=%2Fstart%20ev_forum-north-january" in (
        await whatsapp.get_attribute("href") or ""
    )
    calendar = await page.request.get(server + "/en/e/forum-north-january/calendar.ics")
    assert b"BEGIN:VEVENT" in await calendar.body()
    # og:image names PUBLIC_BASE_URL; the same path on this server is the same image.
    image = await page.request.get(server + "/en/e/forum-north-january/preview.png")
    assert Image.open(io.BytesIO(await image.body())).size == (1200, 630)
    await page.close()


async def test_without_javascript_the_pages_render_and_the_filter_works(
    server: str, browser: Browser
) -> None:
    context = await browser.new_context(java_script_enabled=False)
    page = await context.new_page()
    await page.goto(server + "/")
    assert await page.get_by_role("heading", name="אירועים קרובים").is_visible()
    await page.select_option("#f-region", "south")
    await page.get_by_role("button", name="הצגה").click()
    await page.wait_for_url("**/?region=south**")
    titles = await page.locator(".cards strong").all_inner_texts()
    assert titles and any("דרום" in title for title in titles)
    assert not any("צפון" in title for title in titles)
    await page.get_by_role("link", name=titles[0]).click()
    assert await page.get_by_role("link", name="הרשמה בטלגרם").is_visible()
    await context.close()


async def test_the_policy_keeps_injected_scripts_from_running(
    server: str, browser: Browser
) -> None:
    page = await browser.new_page()
    blocked: list[str] = []
    page.on("console", lambda message: blocked.append(message.text))
    await page.goto(server + "/e/forum-north-january")
    await page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    assert await page.evaluate("() => window.ran === undefined")
    assert any("Content Security Policy" in text for text in blocked)
    await page.close()
