"""`hagshama run`, as deployed: the same process and port answer Telegram's webhook and serve
the public pages under PUBLIC_BASE_URL."""

from __future__ import annotations

from pathlib import Path

from tests.bot.running import Run
from tests.bot.telegram.standin import StandIn


async def test_the_running_bot_serves_the_pages_beside_its_webhook(
    database_url: str, catalog: None, standin: StandIn, tmp_path: Path
) -> None:
    run = Run(database_url, standin, None, tmp_path / "run.log", PUBLIC_PAGE_CACHE_SECONDS="0")
    await run.start()
    try:
        page = await run.client.get("/e/forum-north-january")
        assert page.status_code == 200 and 'dir="rtl"' in page.text
        assert f'content="{run.url}/e/forum-north-january/preview.png"' in page.text
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert (await run.client.get("/en/e/forum-north-january/preview.png")).status_code == 200
        assert (await run.telegram(standin.message(4242, "/start"))).status_code == 200
        await standin.wait_for(lambda: bool(standin.sent(4242)))  # answered as before
    finally:
        assert await run.stop() == 0
