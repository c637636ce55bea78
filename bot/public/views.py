"""Each public page as data: what its template shows and what its preview image says. One
builder per page serves both the HTML and the image, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from bot.public.preview import Preview
from handlers.coordinators.bulletin_copies import deep_links
from handlers.coordinators.posters import EVENT_LINK, TOPIC_LINK, Link
from handlers.core.context import EngineConfig
from handlers.people.track_link import TRACK_LINK
from locales import Translator
from locales.dates import format_date_time, format_span
from models import public_pages as data
from models.bulletins import Bulletin
from models.catalog import Event, Topic
from models.discovery import region_label, region_questions
from models.localized import localized
from models.registration_service import Availability, availability
from models.seats import seats_left

MAPS = "https://www.google.com/maps/search/?api=1&query="
LARGEST_ID = 2**31 - 1
"""Beyond an INTEGER column's range a number names nothing (and PostgreSQL would refuse it)."""
SUMMARY = 200
"""Characters of a description kept for the preview's text (og:description)."""


@dataclass
class View:
    """A page: its template and values, its title and summary, and its preview image."""

    template: str
    title: str
    summary: str
    preview: Preview
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Site:
    """What every builder needs: the bot's settings, the language, the time."""

    config: EngineConfig
    t: Translator
    now: datetime

    @property
    def locale(self) -> str:
        return self.t.locale

    def text(self, content: dict[str, Any] | None, name: str) -> str:
        return localized(content, name, self.locale)

    def when(self, event: Event) -> str:
        return format_span(event.starts_at, event.ends_at, self.locale, self.config.timezone)

    def links(self, prefix: str, slug: str) -> list[Link]:
        return deep_links(self.config, prefix, slug)

    def preview(self, title: str, *lines: str) -> Preview:
        return Preview(
            title, tuple(line for line in lines if line), self.t("public.site"), self.t.rtl
        )


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY else text[: SUMMARY - 1].rstrip() + "…"


def event_state(site: Site, event: Event) -> tuple[Availability, str]:
    """Whether the event takes registrations, and the sentence saying so, counts only."""
    state = availability(event, site.now)
    if state is Availability.OPEN:
        left = seats_left(event)
        if left is None:
            return state, site.t("events.card.open")
        return state, site.t.n("events.card.seats", left) if left else site.t("events.card.full")
    opens = event.registration_opens_at
    if state is Availability.NOT_YET_OPEN and opens is not None:
        when = format_span(opens, None, site.locale, site.config.timezone)
        return state, site.t("events.closed.not_yet_open", when=when)
    return state, site.t(f"events.closed.{state.value}")


def event_item(site: Site, event: Event) -> dict[str, Any]:
    """An event as a list shows it."""
    _, state = event_state(site, event)
    return {
        "slug": event.slug,
        "title": site.text(event.content, "title"),
        "when": site.when(event),
        "place": site.text(event.content, "place"),
        "state": state,
    }


async def index(session: AsyncSession, site: Site, chosen: data.EventFilters) -> View:
    found = await data.upcoming(session, site.now, chosen)
    choices = await data.filter_choices(session, site.now)
    questions = await region_questions(session)
    values = {
        "events": [event_item(site, e) for e in found],
        "chosen": chosen,
        "regions": [(r, region_label(questions, r, site.t)) for r in choices.regions],
        "kinds": [(k, site.t(f"events.kind.{k}")) for k in choices.kinds],
        "tracks": [(t.slug, site.text(t.content, "title")) for t in choices.tracks],
        "filtered": any((chosen.region, chosen.kind, chosen.track)),
    }
    title = site.t("public.index.title")
    summary = site.t.n("public.index.count", len(found))
    return View("index.html", title, summary, site.preview(title, summary), values)


async def event_page(session: AsyncSession, site: Site, slug: str) -> View | None:
    found = await data.event_with_track(session, slug)
    if found is None:
        return None
    event, track = found
    # A national event needs no region's name: its page stays one read.
    questions = await region_questions(session) if event.region else []
    state, state_text = event_state(site, event)
    place = site.text(event.content, "place")
    description = site.text(event.content, "description")
    title = site.text(event.content, "title")
    when = site.when(event)
    values = {
        "event": event_item(site, event),
        "description": description,
        "map": MAPS + quote(place) if place else None,
        "kind": site.t(f"events.kind.{event.kind}"),
        "region": region_label(questions, event.region, site.t),
        "track": (track.slug, site.text(track.content, "title")) if track else None,
        "state": state.value,
        "state_text": state_text,
        "open": state is Availability.OPEN,
        "waitlist": state is Availability.OPEN and seats_left(event) == 0,
        "links": site.links(EVENT_LINK, event.slug) if state is Availability.OPEN else [],
        "calendar": state in (Availability.OPEN, Availability.NOT_YET_OPEN, Availability.CLOSED),
    }
    summary = _short(" · ".join(part for part in (when, place, description) if part))
    shown = state_text if state in (Availability.CANCELLED, Availability.PAST) else ""
    return View("event.html", title, summary, site.preview(title, when, place, shown), values)


async def track_page(session: AsyncSession, site: Site, slug: str) -> View | None:
    track = await data.shown_track(session, slug)
    if track is None:
        return None
    events = await data.track_events(session, track, site.now)
    title = site.text(track.content, "title")
    about = site.text(track.content, "description") or site.text(track.content, "summary")
    values = {
        "about": about,
        "events": [event_item(site, e) for e in events],
        "links": site.links(TRACK_LINK, track.slug),
    }
    summary = _short(about) or title
    upcoming = site.t.n("public.track.upcoming", len(events))
    return View("track.html", title, summary, site.preview(title, upcoming), values)


def topic_item(site: Site, topic: Topic) -> dict[str, Any]:
    return {
        "slug": topic.slug,
        "title": site.text(topic.content, "title"),
        "about": site.text(topic.content, "description"),
        "links": site.links(TOPIC_LINK, topic.slug),
    }


async def archive_index(session: AsyncSession, site: Site) -> View:
    topics = [topic_item(site, topic) for topic in await data.public_topics(session)]
    title = site.t("public.archive.title")
    summary = site.t("public.archive.summary")
    return View("archive.html", title, summary, site.preview(title, summary), {"topics": topics})


def bulletin_item(site: Site, topic: Topic, bulletin: Bulletin) -> dict[str, Any]:
    published = bulletin.published_at or bulletin.created_at
    return {
        "id": bulletin.id,
        "topic": topic.slug,
        "title": site.text(bulletin.content, "title"),
        "body": site.text(bulletin.content, "body"),
        "date": format_date_time(published, site.locale, site.config.timezone),
    }


async def topic_page(session: AsyncSession, site: Site, slug: str) -> View | None:
    topic = await data.shown_topic(session, slug)
    if topic is None:
        return None
    bulletins = [bulletin_item(site, topic, b) for b in await data.archive(session, topic)]
    item = topic_item(site, topic)
    summary = _short(item["about"]) or item["title"]
    count = site.t.n("public.topic.count", len(bulletins))
    preview = site.preview(item["title"], count)
    return View(
        "topic.html", item["title"], summary, preview, {"topic": item, "bulletins": bulletins}
    )


async def bulletin_page(session: AsyncSession, site: Site, slug: str, number: int) -> View | None:
    topic = await data.shown_topic(session, slug)
    fits = 0 < number <= LARGEST_ID
    bulletin = await data.published_bulletin(session, topic, number) if topic and fits else None
    if topic is None or bulletin is None:
        return None
    item = bulletin_item(site, topic, bulletin)
    values = {"topic": topic_item(site, topic), "bulletin": item}
    preview = site.preview(item["title"], values["topic"]["title"], item["date"])
    return View(
        "bulletin.html", item["title"], _short(item["body"]) or item["title"], preview, values
    )
