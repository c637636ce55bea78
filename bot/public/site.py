"""The public web pages (events, tracks, the bulletin archive), served by the same app as the
webhooks: Hebrew at the root, English under /en, HTML rendered here with Jinja2, no scripts.
Every response carries a strict Content-Security-Policy; pages cache briefly, previews long."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from bot.public import views
from bot.public.headers import SecurityHeaders
from bot.public.preview import PreviewCache
from handlers.core.context import EngineConfig
from handlers.core.public_links import ENGLISH, page_path
from handlers.people.calendar import ics
from locales import Translator
from models import public_pages as data
from models.base import utcnow
from models.sessions import sessions_of

HERE = Path(__file__).parent
STATIC = "/static"
PREVIEW = "preview.png"
SLUG = re.compile(r"[A-Za-z0-9_-]{1,48}")
"""What a slug can be (catalogue slugs, the chat's generated ones): anything else names
nothing, and is answered without asking the database (PostgreSQL refuses a NUL, say)."""
PAGE_CACHE = "public, max-age=60"
FRESH_FOR = 2.0
"""Seconds a rendered page is served again as it is: a link shared in a busy group is opened
by hundreds at once, and seats left may lag by this much."""
KEPT_PAGES = 512
IMAGE_CACHE = "public, max-age=86400"

Builder = Callable[[AsyncSession, views.Site, Request], Awaitable[views.View | None]]


class RenderedPages:
    """Pages rendered in the last `fresh_for` seconds, by full URL, the oldest forgotten first."""

    def __init__(self, fresh_for: float, monotonic: Callable[[], float]) -> None:
        self.fresh_for = fresh_for
        self.monotonic = monotonic
        self._pages: OrderedDict[str, tuple[float, Response]] = OrderedDict()

    def get(self, key: str) -> Response | None:
        kept = self._pages.get(key)
        if kept is None or kept[0] <= self.monotonic():
            return None
        return kept[1]

    def keep(self, key: str, response: Response) -> Response:
        if self.fresh_for > 0:
            self._pages[key] = (self.monotonic() + self.fresh_for, response)
            self._pages.move_to_end(key)
            while len(self._pages) > KEPT_PAGES:
                self._pages.popitem(last=False)
        return response


class PublicSite:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: EngineConfig,
        clock: Callable[[], datetime] = utcnow,
        fresh_for: float = FRESH_FOR,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.sessions = sessions
        self.config = config
        self.clock = clock
        self.previews = PreviewCache()
        self.rendered = RenderedPages(fresh_for, monotonic)
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )

    def app(self) -> ASGIApp:
        """The pages as one app, to be mounted last: whatever no webhook route takes."""
        routes: list[BaseRoute] = [Mount(STATIC, StaticFiles(directory=HERE / "static"))]
        for prefix, locale in (("", "he"), (ENGLISH, "en")):
            routes += self._routes(prefix, locale)
        site = Starlette(routes=routes)
        site.add_exception_handler(404, self._not_found)
        return SecurityHeaders(site)

    def _routes(self, prefix: str, locale: str) -> list[BaseRoute]:
        pages: list[tuple[str, Builder]] = [
            ("/", self._index),
            ("/e/{slug}", lambda s, site, r: views.event_page(s, site, r.path_params["slug"])),
            ("/t/{slug}", lambda s, site, r: views.track_page(s, site, r.path_params["slug"])),
            ("/b/", lambda s, site, r: views.archive_index(s, site)),
            ("/b/{topic}/", lambda s, site, r: views.topic_page(s, site, r.path_params["topic"])),
            (
                "/b/{topic}/{number:int}",
                lambda s, site, r: views.bulletin_page(
                    s, site, r.path_params["topic"], r.path_params["number"]
                ),
            ),
        ]
        routes: list[BaseRoute] = [
            Route(prefix + "/e/{slug}/calendar.ics", self._calendar(locale), methods=["GET"])
        ]
        for path, build in pages:
            image = path.rstrip("/") + "/" + PREVIEW
            routes.append(Route(prefix + image, self._image(locale, build), methods=["GET"]))
            routes.append(Route(prefix + path, self._page(locale, build), methods=["GET"]))
        return routes

    async def _index(self, session: AsyncSession, site: views.Site, request: Request) -> views.View:
        query = request.query_params
        chosen = data.EventFilters(
            region=query.get("region") or None,
            kind=query.get("kind") or None,
            track=query.get("track") or None,
        )
        return await views.index(session, site, chosen)

    def _site(self, locale: str) -> views.Site:
        return views.Site(self.config, Translator(locale), self.clock())

    def _page(self, locale: str, build: Builder) -> Callable[[Request], Awaitable[Response]]:
        async def page(request: Request) -> Response:
            key = str(request.url)
            if (kept := self.rendered.get(key)) is not None:
                return kept
            site = self._site(locale)
            view = await self._build(build, site, request)
            if view is None:
                response = self._render(request, site, self._missing(site), 404)
            else:
                response = self._render(request, site, view, 200)
            return self.rendered.keep(key, response)

        return page

    def _image(self, locale: str, build: Builder) -> Callable[[Request], Awaitable[Response]]:
        async def image(request: Request) -> Response:
            view = await self._build(build, self._site(locale), request)
            if view is None:
                return Response("not found", status_code=404, media_type="text/plain")
            etag = f'"{view.preview.etag}"'
            headers = {"cache-control": IMAGE_CACHE, "etag": etag}
            if request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers=headers)
            return Response(
                self.previews.png(view.preview), media_type="image/png", headers=headers
            )

        return image

    async def _build(self, build: Builder, site: views.Site, request: Request) -> views.View | None:
        names = (v for v in request.path_params.values() if isinstance(v, str))
        if not all(SLUG.fullmatch(name) for name in names):
            return None
        async with self.sessions() as session:
            return await build(session, site, request)

    def _calendar(self, locale: str) -> Callable[[Request], Awaitable[Response]]:
        async def calendar(request: Request) -> Response:
            slug = request.path_params["slug"]
            event, meetings = None, []
            if SLUG.fullmatch(slug):
                async with self.sessions() as session:
                    event = await data.shown_event(session, slug)
                    if event is not None:
                        meetings = await sessions_of(session, event.id, scheduled_only=True)
            if event is None:
                return Response("not found", status_code=404, media_type="text/plain")
            entry = ics(event, None, locale, self.clock(), meetings)
            headers = {"content-disposition": f'attachment; filename="{entry.filename}"'}
            return Response(entry.data, media_type="text/calendar; charset=utf-8", headers=headers)

        return calendar

    def _missing(self, site: views.Site) -> views.View:
        title = site.t("public.not_found.title")
        summary = site.t("public.not_found.text")
        return views.View("not_found.html", title, summary, site.preview(title))

    async def _not_found(self, request: Request, exc: Exception) -> Response:
        locale = "en" if request.url.path.startswith(ENGLISH + "/") else "he"
        site = self._site(locale)
        return self._render(request, site, self._missing(site), 404)

    def _render(
        self, request: Request, site: views.Site, view: views.View, status: int
    ) -> Response:
        """The page in its language, with absolute addresses (Open Graph wants them)."""
        base = (self.config.public_base_url or str(request.base_url)).rstrip("/")
        locale = site.locale
        path = request.url.path
        plain = path.removeprefix(ENGLISH) or "/" if locale == "en" else path
        other = "he" if locale == "en" else "en"
        query = f"?{request.url.query}" if request.url.query else ""
        image_path = plain.rstrip("/") + "/" + PREVIEW if status == 200 else "/" + PREVIEW
        html = self.templates.get_template(view.template).render(
            view=view,
            t=site.t,
            locale=locale,
            rtl=site.t.rtl,
            prefix=ENGLISH if locale == "en" else "",
            home=page_path(locale, "/"),
            archive=page_path(locale, "/b/"),
            url=base + path + query,
            image=base + page_path(locale, image_path),
            other={
                "locale": other,
                "path": page_path(other, plain) + query,
                "url": base + page_path(other, plain) + query,
            },
            **view.values,
        )
        return HTMLResponse(html, status_code=status, headers={"cache-control": PAGE_CACHE})
