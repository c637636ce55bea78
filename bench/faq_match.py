"""FAQ matching: precision and recall of the catalogue's answers shown for typed questions,
on the labelled set kept with the tests (tests/models/faq_questions.yaml), and the time a
question takes to match.

    .venv/bin/python -m bench.faq_match [--rounds 3]

Precision: of the questions for which an answer is shown, how many get the right one first.
Recall: of the questions the catalogue answers, how many see that answer among those shown.
The demo catalogue is imported into a scratch SQLite database the way `hagshama catalog
import` does, so the figure is of what people get.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bench.figures import Series
from handlers.core.context import EngineConfig
from handlers.people.waitlist import OfferNotices
from models.catalog_import import DEMO_CATALOG, import_catalog
from models.db import create_engine, sessionmaker, upgrade
from models.faq import active_candidates, best_matches

LABELLED = Path(__file__).parent.parent / "tests" / "models" / "faq_questions.yaml"


@dataclass(frozen=True)
class Figures:
    questions: int
    shown: int
    right_first: int
    answerable: int
    found: int
    misses: list[str]

    @property
    def precision(self) -> float:
        return self.right_first / self.shown if self.shown else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.answerable if self.answerable else 1.0


def labelled(path: Path = LABELLED) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8")))


async def measure(database_url: str, path: Path = LABELLED) -> Figures:
    """Import the demo catalogue into `database_url` (empty) and match every labelled question."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        sessions = sessionmaker(engine)
        async with sessions() as session, session.begin():
            await import_catalog(session, DEMO_CATALOG, OfferNotices(EngineConfig()))
        async with sessions() as session:
            candidates = await active_candidates(session)
    finally:
        await engine.dispose()
    return score(labelled(path), candidates)


def score(items: list[dict[str, Any]], candidates: Any) -> Figures:
    shown = right = answerable = found = 0
    misses = []
    for item in items:
        matches = best_matches(str(item["q"]), candidates)
        wanted = item.get("faq")
        if matches:
            shown += 1
            right += matches[0].slug == wanted
        if wanted:
            answerable += 1
            found += wanted in [match.slug for match in matches]
        if (matches[0].slug if matches else None) != wanted:
            misses.append(f"{item['q']!r}: {[m.slug for m in matches]} (wanted {wanted})")
    return Figures(len(items), shown, right, answerable, found, misses)


async def main(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        figures = await measure(f"sqlite:///{Path(scratch) / 'faq.db'}")
        engine = create_engine(f"sqlite:///{Path(scratch) / 'faq.db'}")
        async with sessionmaker(engine)() as session:
            candidates = await active_candidates(session)
        await engine.dispose()
    timing = Series()
    items = labelled()
    for _ in range(rounds):
        started = time.perf_counter()
        for item in items:
            best_matches(str(item["q"]), candidates)
        timing.add((time.perf_counter() - started) / len(items) * 1000)
    print(
        f"FAQ matching on {figures.questions} labelled questions ({figures.answerable} answerable)"
    )
    print(
        f"  precision {figures.precision:.3f} "
        f"({figures.right_first} right of {figures.shown} shown)"
    )
    print(f"  recall    {figures.recall:.3f} ({figures.found} of {figures.answerable} found)")
    print(f"  time per question {timing.spread('ms', '.2f')} over {rounds} rounds")
    for miss in figures.misses:
        print(f"  miss: {miss}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
