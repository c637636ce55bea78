"""GET /calendar/<token>.ics: a registration's calendar entry, for channels that cannot carry
the file (WhatsApp). Made from the event on each fetch, so a moved event shows its new time;
an unknown token, like a cancelled registration, finds nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from handlers.people.calendar import CALENDAR_PATH, ics
from locales import reply_locale
from models.base import utcnow
from models.calendar_links import linked_registration
from models.catalog import Event
from models.people import Person
from models.registrations import ACTIVE
from models.sessions import sessions_of


def calendar_route(
    sessions: async_sessionmaker[AsyncSession],
    default_locale: str,
    clock: Callable[[], datetime] = utcnow,
) -> Route:
    """The route, naming the event in the person's language, else the deployment's."""

    async def fetch(request: Request) -> Response:
        async with sessions() as session:
            registration = await linked_registration(session, request.path_params["token"])
            if registration is None or registration.status not in ACTIVE:
                return PlainTextResponse("not found", status_code=404)
            event = await session.get(Event, registration.event_id)
            person = await session.get(Person, registration.person_id or 0)
            if event is None:
                return PlainTextResponse("not found", status_code=404)
            locale = reply_locale(person.locale if person else None, default_locale)
            meetings = await sessions_of(session, event.id, scheduled_only=True)
            entry = ics(event, registration, locale, clock(), meetings)
        headers = {"Content-Disposition": f'inline; filename="{entry.filename}"'}
        return Response(entry.data, media_type="text/calendar; charset=utf-8", headers=headers)

    return Route(CALENDAR_PATH + "/{token}.ics", fetch, methods=["GET"])
