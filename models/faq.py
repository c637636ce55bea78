"""Questions people often ask, answered in the catalogue, and finding the ones a typed question
is about before a person of the team is asked.

Matching is rapidfuzz over normalised text. Normalising makes Hebrew forgiving: direction marks
and niqqud go, final letters become regular ones, the one-letter prefixes (ו ה ב ל מ ש כ) are
taken off, and the vav and yod that full spelling adds are dropped, so "במחזור", "המחזור" and
"מחזר" meet. The same rule is applied to the catalogue's phrasings and to what people type.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import Boolean, ForeignKey, String, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, JSONType, LocalizedText
from models.localized import localized

THRESHOLD = 66.0
"""The lowest score shown to a person; the labelled set (tests/models/faq_questions.yaml) and
bench/faq_match.py measure what it buys."""
MARGIN = 12.0
"""Matches this far below the best one are not shown beside it."""
SHOWN = 3
PREFIXES = "והבלמשכ"
FINALS = str.maketrans("ךםןףץ", "כמנפצ")
STOP_WORDS = frozenset(
    """
    מה מי מתי איך איפה האם אם יש אין אני זו אנחנו אתם את אתה זה זאת של על עם גם כל או לא כן
    אפשר רוצה רוצים צריך צריכים הוא היא הם הן אצל עד רק כבר עוד לי לנו לכם שלי שלכם אותי
    בבקשה תודה היי שלום
    what who when how where why is are am do does can could would should will i we you it
    the a an of to in on for with at my me our your be there any about this that and or
    please hi hello whats im
    """.translate(FINALS).split()
)
_MARKS = re.compile(r"[\u0591-\u05c7\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_NOT_WORD = re.compile(r"[^\w]+")
_QUOTES = re.compile(r"[\"'\u05f3\u05f4\u2019]")
"""Geresh and gershayim belong to the word (נח״ל, צה"ל), as does the apostrophe of "what's"."""


class FaqEntry(Base):
    __tablename__ = "faq_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(48), unique=True)
    content: Mapped[LocalizedText] = mapped_column(JSONType, default=dict, doc="question, answer")
    phrasings: Mapped[dict[str, list[str]]] = mapped_column(
        JSONType, default=dict, doc="other ways people ask it, per language"
    )
    topic: Mapped[str | None] = mapped_column(String(32), doc="general, or a subject")
    track_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


def normalise(text: str) -> str:
    """The words of `text` that carry meaning, in one spelling (see the module's docstring)."""
    text = unicodedata.normalize("NFKC", _MARKS.sub("", text)).casefold().translate(FINALS)
    words = []
    text = _QUOTES.sub("", text).replace("_", " ")
    for word in _NOT_WORD.sub(" ", text).split():
        word = _stem(word)
        if word:
            words.append(word)
    return " ".join(words)


def _stem(word: str) -> str:
    """The word without its prefixes and spelling variants, or "" for a word without meaning."""
    if word in STOP_WORDS:
        return ""
    if not ("\u05d0" <= word[0] <= "\u05ea"):
        return word.rstrip("s") if len(word) > 3 else word
    for _ in range(3):
        if len(word) > 3 and word[0] in PREFIXES and word not in STOP_WORDS:
            word = word[1:]
    if word in STOP_WORDS:
        return ""
    # Full spelling adds vav and yod inside a word; defective spelling leaves them out.
    return word[0] + word[1:].replace("ו", "").replace("י", "") if len(word) > 2 else word


@dataclass(frozen=True)
class Candidate:
    """One FAQ entry with its phrasings normalised, ready to be scored."""

    entry_id: int
    slug: str
    texts: tuple[str, ...]
    track_id: int | None
    event_id: int | None


@dataclass(frozen=True)
class Match:
    entry_id: int
    slug: str
    score: float


def candidates_of(rows: list[FaqEntry]) -> list[Candidate]:
    """Every entry's question and phrasings in every language, normalised once."""
    found = []
    for row in rows:
        texts = [text.get("question", "") for text in (row.content or {}).values()]
        for phrasings in (row.phrasings or {}).values():
            texts.extend(phrasings)
        normalised = tuple(n for n in {normalise(t) for t in texts} if n)
        found.append(Candidate(row.id, row.slug, normalised, row.track_id, row.event_id))
    return found


def score(query: str, text: str, **_: object) -> float:
    """How well a normalised question matches a normalised phrasing, 0–100: word order and
    extra words forgiven, but a single shared word is not enough."""
    return max(
        fuzz.token_sort_ratio(query, text),
        0.9 * fuzz.token_set_ratio(query, text) if min(len(query), len(text)) > 6 else 0,
        fuzz.ratio(query, text),
    )


def best_matches(
    question: str,
    candidates: list[Candidate],
    context: tuple[int | None, int | None] = (None, None),
) -> list[Match]:
    """The entries worth showing for a typed question, best first (at most SHOWN). An entry of
    the track or event the question came from counts a little more."""
    query = normalise(question)
    if not query:
        return []
    track_id, event_id = context
    scored = []
    for candidate in candidates:
        if not candidate.texts:
            continue
        best = process.extractOne(query, candidate.texts, scorer=score)
        value = float(best[1]) if best else 0.0
        if (track_id and candidate.track_id == track_id) or (
            event_id and candidate.event_id == event_id
        ):
            value += 5
        scored.append(Match(candidate.entry_id, candidate.slug, value))
    scored.sort(key=lambda match: -match.score)
    if not scored or scored[0].score < THRESHOLD:
        return []
    top = scored[0].score
    return [m for m in scored[:SHOWN] if m.score >= THRESHOLD and m.score >= top - MARGIN]


async def active_candidates(session: AsyncSession) -> list[Candidate]:
    rows = await session.scalars(
        select(FaqEntry).where(FaqEntry.active.is_(true())).order_by(FaqEntry.id)
    )
    return candidates_of(list(rows))


async def find_answers(
    session: AsyncSession, question: str, track_id: int | None = None, event_id: int | None = None
) -> list[FaqEntry]:
    """The catalogue's answers to show for a typed question, best first."""
    matches = best_matches(question, await active_candidates(session), (track_id, event_id))
    entries = [await session.get(FaqEntry, match.entry_id) for match in matches]
    return [entry for entry in entries if entry is not None]


def question_of(entry: FaqEntry, locale: str) -> str:
    return localized(entry.content, "question", locale)


def answer_of(entry: FaqEntry, locale: str) -> str:
    return localized(entry.content, "answer", locale)


def phrasings_of(slug: str, value: Any) -> dict[str, list[str]]:
    """The catalogue's `asks: {he: [...], en: [...]}`, checked."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise ValueError(f"faq/{slug}: asks must be {{he: [...], en: [...]}}")
    return {str(lang): [str(text) for text in texts] for lang, texts in value.items()}
