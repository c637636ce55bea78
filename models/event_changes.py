"""What registrants plan around — an event's time and place — so every way of editing an event
(the coordinator's chat form, `hagshama catalog import`) can tell when they must be told."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.catalog import Event


@dataclass(frozen=True)
class Schedule:
    """When and where an event takes place, in every language it names the place in."""

    starts_at: datetime
    ends_at: datetime | None
    places: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, event: Event) -> Schedule:
        places = {
            lang: str(fields["place"])
            for lang, fields in event.content.items()
            if fields.get("place")
        }
        return cls(event.starts_at, event.ends_at, tuple(sorted(places.items())))

    def moved(self, event: Event) -> bool:
        """Whether `event` now takes place at another time or place than this."""
        return Schedule.of(event) != self
