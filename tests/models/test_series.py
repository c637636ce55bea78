"""Series from the catalogue: explicit sessions or a rule that skips the days without meetings,
details and questions; a re-import by slug changes in place and never duplicates."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Event
from models.catalog_entries import CatalogError
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.event_questions import EventQuestion, QuestionKind
from models.sessions import EventSession, Rule, RuleError, sessions_of
from tests.support import OFFERS

Sessions = async_sessionmaker[AsyncSession]
ZONE = "Asia/Jerusalem"

SERIES = """
events:
  - slug: hr-series
    title: {he: סדנת משאבי אנוש, en: HR workshop}
    description: {he: ארבעה מפגשים, en: Four meetings}
    place: {he: קיבוץ נען, en: Kibbutz Na'an}
    kind: workshop_series
    repeat: {weekday: tuesday, every_weeks: 1, count: 4, from: 2027-04-01, time: "18:00"}
    length_minutes: 120
    capacity: 25
    min_participants: 10
    decide_by: 2027-04-01T12:00:00+03:00
    registration_closes_at: 2027-04-04T23:59:00+03:00
    questions:
      - slug: role
        kind: single
        text: {he: תפקיד, en: Role}
        options:
          - {value: treasurer, label: {he: גזברות, en: Treasurer}}
          - {value: secretary, label: {he: מזכירות, en: Secretary}}
      - slug: notes
        kind: text
        required: false
        text: {he: הערות, en: Notes}
"""


def test_a_weekly_rule_skips_pesach_and_memorial_days_and_still_counts_its_meetings() -> None:
    rule = Rule(date(2027, 4, 1), weekday=1, at=time(18), length=None, count=4)
    days = [start.astimezone(UTC).date() for start, _ in rule.times(ZONE)]
    # 27.4.2027 is Chol HaMoed Pesach, 4.5 Yom HaShoah, 11.5 Yom HaZikaron: four meetings still.
    assert days == [date(2027, 4, 6), date(2027, 4, 13), date(2027, 4, 20), date(2027, 5, 18)]


def test_the_second_tuesday_of_each_month() -> None:
    rule = Rule(date(2027, 1, 1), weekday=1, at=time(18), length=timedelta(hours=2), count=3, nth=2)
    starts = [start for start, _ in rule.times(ZONE)]
    assert [s.date() for s in starts] == [date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    assert starts[0] == datetime(2027, 1, 12, 16, 0, tzinfo=UTC)  # 18:00 in Israel, winter


@pytest.mark.parametrize(
    "rule",
    [
        Rule(date(2027, 1, 1), weekday=1, at=time(18), length=None, count=0),
        Rule(date(2027, 1, 1), weekday=1, at=time(18), length=None, count=500),
        Rule(date(2027, 1, 1), weekday=1, at=time(18), length=None, count=3, nth=5),
        Rule(date(2027, 1, 1), weekday=5, at=time(12), length=None, count=2),  # Shabbat
    ],
)
def test_impossible_rules_are_refused(rule: Rule) -> None:
    with pytest.raises(RuleError):
        rule.times(ZONE)


async def _import(sessions: Sessions, path: Path) -> None:
    async with sessions() as session, session.begin():
        await import_catalog(session, path, OFFERS)


async def test_a_series_with_details_and_questions_imports_and_reimports_in_place(
    sessions: Sessions, tmp_path: Path
) -> None:
    path = tmp_path / "series.yaml"
    path.write_text(SERIES, encoding="utf-8")
    await _import(sessions, path)
    await _import(sessions, path)
    async with sessions() as session:
        event = await session.scalar(select(Event).where(Event.slug == "hr-series"))
        assert event is not None
        meetings = await sessions_of(session, event.id)
        assert len(meetings) == 4 and event.starts_at == meetings[0].starts_at
        assert meetings[0].ends_at == meetings[0].starts_at + timedelta(hours=2)
        assert (event.min_participants, event.content["en"]["place"]) == (10, "Kibbutz Na'an")
        assert event.decide_by == datetime(2027, 4, 1, 9, 0, tzinfo=UTC)
        assert event.registration_closes_at is not None
        questions = (
            await session.scalars(select(EventQuestion).order_by(EventQuestion.position))
        ).all()
        assert [(q.slug, q.kind, q.required) for q in questions] == [
            ("role", QuestionKind.SINGLE, True),
            ("notes", QuestionKind.TEXT, False),
        ]
        ids = [m.id for m in meetings]

    path.write_text(SERIES.replace("count: 4", "count: 3"), encoding="utf-8")
    await _import(sessions, path)
    async with sessions() as session:
        assert [m.id for m in await sessions_of(session, event.id)] == ids[:3]  # rows kept
        assert await session.scalar(select(func.count()).select_from(EventSession)) == 3
        assert await session.scalar(select(func.count()).select_from(EventQuestion)) == 2


async def test_the_demo_catalogue_holds_the_year_of_programmes_as_series(
    sessions: Sessions,
) -> None:
    await _import(sessions, DEMO_CATALOG)
    async with sessions() as session:
        counts = dict(
            (
                await session.execute(
                    select(Event.slug, func.count(EventSession.id))
                    .join(EventSession, EventSession.event_id == Event.id)
                    .group_by(Event.slug)
                )
            ).all()
        )
    assert counts["forum-north-2027"] == 8 and counts["forum-south-2027"] == 10
    assert counts["workshop-series-treasurers"] == 4
    assert 6 <= counts["forum-center-2027"] <= 10


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (
            'repeat: {weekday: tuesday, every_weeks: 1, count: 4, from: 2027-04-01, time: "18:00"}',
            "repeat needs",
        ),
    ],
)
async def test_bad_series_entries_are_named_and_nothing_is_written(
    sessions: Sessions, tmp_path: Path, change: str, complaint: str
) -> None:
    del change, complaint
    cases = {
        'time: "18:00"}': ('time: "25:00"}', "repeat needs"),
        "weekday: tuesday": ("weekday: funday", "repeat needs"),
        "count: 4": ("count: 400", "count must be"),
        "min_participants: 10": ("min_participants: many", "min_participants"),
        "kind: text": ("kind: essay", "kind must be"),
        "length_minutes: 120": ("length_minutes: -5", "length_minutes"),
        "    repeat:": ("    sessions: [2027-04-06]\n    repeat:", "not both"),
    }
    for old, (new, expected) in cases.items():
        path = tmp_path / "bad.yaml"
        path.write_text(SERIES.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(CatalogError, match=expected):
            await _import(sessions, path)
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Event)) == 0
