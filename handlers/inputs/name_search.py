"""Finding a choice by part of its name, as typed: "גזברים בקטורה", "kfar masar", "סאסה"."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

MATCH = 75
"""How close the typed text must come to a part of a name (rapidfuzz partial ratio, 0–100)."""
MAX_QUERY = 100
"""Longer text is not a name someone is looking for."""


def closest(query: str, choices: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (value, label) choices whose label contains something close to the query, best
    first; a label may hold several names ("סאסא / Sasa")."""
    labels = [label for _, label in choices]
    hits = process.extract(
        query[:MAX_QUERY],
        labels,
        scorer=fuzz.partial_ratio,
        processor=utils.default_process,
        score_cutoff=MATCH,
        limit=None,
    )
    return [choices[index] for _, _, index in hits]
