"""Scoring the track catalogue against questionnaire answers, and the profile it fills."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models.catalog import Question, Track
from models.discovery import (
    Match,
    option_label,
    profile_answer,
    rank,
    reason_labels,
    regions,
    remember,
)
from models.people import Person


def track(slug: str, active: bool = True, **tags: list[str]) -> Track:
    return Track(slug=slug, content={"he": {"title": slug}}, tags=tags, active=active)


REGION = Question(
    slug="region",
    position=0,
    field="region",
    multiple=False,
    options=[
        {"value": "north", "label": {"he": "צפון", "en": "North"}},
        {"value": "south", "label": {"he": "דרום", "en": "South"}},
    ],
)
INTERESTS = Question(
    slug="interests",
    position=1,
    field="interests",
    multiple=True,
    options=[
        {"value": "community", "label": {"he": "חיי קהילה", "en": "Community life"}},
        {"value": "education", "label": {"he": "חינוך", "en": "Education"}},
    ],
)


def test_the_best_three_come_first_with_the_answers_they_match() -> None:
    tracks = [
        track("a", region=["north"]),
        track("b", region=["north"], life_stage=["discharged"]),
        track("c", life_stage=["discharged"]),
        track("d", region=["south"]),
        track("e", region=["north"], interests=["community"]),
    ]
    answers = {"region": "north", "life_stage": "discharged", "interests": ["community"]}
    top = rank(tracks, answers)
    assert [m.track.slug for m in top] == ["e", "b", "a"]
    assert top[0].reasons == (("region", "north"), ("interests", "community"))
    assert top[1].reasons == (("region", "north"), ("life_stage", "discharged"))


def test_each_shared_interest_counts_double() -> None:
    two_interests = track("x", interests=["community", "education"])
    three_facts = track("y", region=["north"], life_stage=["student"], age_band=["22-25"])
    answers = {
        "region": "north",
        "life_stage": "student",
        "age_band": "22-25",
        "interests": ["community", "education"],
    }
    top = rank([three_facts, two_interests], answers)
    assert [(m.track.slug, m.score) for m in top] == [("x", 4), ("y", 3)]


def test_ties_are_broken_by_slug_whatever_the_catalogue_order() -> None:
    tracks = [track(slug, region=["north"]) for slug in ("zeta", "alpha", "mid")]
    assert [m.track.slug for m in rank(tracks, {"region": "north"})] == ["alpha", "mid", "zeta"]
    assert [m.track.slug for m in rank(reversed(tracks), {"region": "north"})] == [
        "alpha",
        "mid",
        "zeta",
    ]


def test_inactive_and_unmatched_tracks_are_left_out() -> None:
    tracks = [track("old", active=False, region=["north"]), track("far", region=["south"])]
    assert rank(tracks, {"region": "north"}) == []
    assert rank(tracks, {}) == []


def test_reasons_read_as_the_option_labels_in_the_persons_language() -> None:
    match = Match(track("e"), 3, (("region", "north"), ("interests", "community")))
    assert reason_labels([REGION, INTERESTS], match.reasons, "en") == ["North", "Community life"]
    assert reason_labels([REGION, INTERESTS], match.reasons, "he") == ["צפון", "חיי קהילה"]
    assert option_label([REGION], "region", "mars", "en") == "mars"


def test_answers_fill_the_profile_and_are_offered_back_while_they_still_fit() -> None:
    person = Person(interests=[])
    remember(person, REGION, "north")
    remember(person, INTERESTS, ["community", "education"])
    assert person.region == "north"
    assert person.interests == ["community", "education"]
    assert profile_answer(person, REGION) == "north"
    narrower = Question(
        slug="interests", field="interests", multiple=True, options=INTERESTS.options[:1]
    )
    assert profile_answer(person, narrower) == ["community"]
    person.region = "center"  # an answer from an older questionnaire
    assert profile_answer(person, REGION) is None


def test_a_question_about_an_unknown_field_scores_but_never_touches_the_profile() -> None:
    person = Person(interests=[])
    hobby = Question(slug="hobby", field="name", options=[{"value": "x", "label": {"he": "x"}}])
    remember(person, hobby, "x")
    assert person.name is None
    assert profile_answer(person, hobby) is None


async def test_the_regions_are_the_options_of_the_catalogues_region_question(
    catalog: None, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        assert await regions(session) == ["north", "center", "south", "abroad"]
        question = await session.scalar(select(Question).where(Question.field == "region"))
        assert question is not None
        question.options = [*question.options, {"value": "golan", "label": {"he": "גולן"}}]
        assert await regions(session) == ["north", "center", "south", "abroad", "golan"]
