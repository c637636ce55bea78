"""Approved WhatsApp templates by purpose, for messages outside the person's 24-hour window.

Each kind is one template submitted for approval in every language (README lists the exact
text): the reminder (event, time, code), the waiting-list offer (event, deadline) and a generic
notice that a message waits (its first line). WhatsApp refuses a variable holding a newline, a
tab or more than three spaces in a row (Twilio 63013) and a body over 1,024 characters with its
variables filled (63021), and does not approve a body that starts or ends with a variable; so
every variable is cleaned and cut to a fixed length, and the bodies below keep text on both
sides of their variables (tested)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from handlers.core.types import Reply, TemplateKind, TemplateUse

BODY_LIMIT = 1024
VARIABLE_LIMITS: Mapping[TemplateKind, tuple[int, ...]] = {
    TemplateKind.REMINDER: (120, 80, 12),
    TemplateKind.OFFER: (120, 80),
    TemplateKind.NOTICE: (120,),
}
"""Most characters each variable keeps: with the bodies' own text, far below 1,024."""
STANDS_ALONE = frozenset({TemplateKind.REMINDER})
"""Templates that say all the message does; for the others the message itself is held and
sent in full when the person writes back (the offer's buttons, a broadcast's text)."""

BODIES: Mapping[tuple[TemplateKind, str], str] = {
    (TemplateKind.REMINDER, "he"): (
        "תזכורת מהתנועה הקיבוצית: {{1}}, {{2}}. קוד הכניסה שלכם: {{3}}. "
        "לפרטים או לביטול השיבו להודעה זו."
    ),
    (TemplateKind.REMINDER, "en"): (
        "A reminder from the Kibbutz Movement: {{1}}, {{2}}. Your check-in code: {{3}}. "
        "Reply to this message for details or to cancel."
    ),
    (TemplateKind.OFFER, "he"): (
        "התפנה מקום ב{{1}} והוא שמור לכם עד {{2}}. "
        "השיבו להודעה זו כדי לקבל את ההצעה ולאשר או לוותר."
    ),
    (TemplateKind.OFFER, "en"): (
        "A seat has opened up at {{1}} and is kept for you until {{2}}. "
        "Reply to this message to see the offer and accept or decline it."
    ),
    (TemplateKind.NOTICE, "he"): (
        "יש לכם הודעה חדשה מהתנועה הקיבוצית: \u201c{{1}}\u201d. "
        "השיבו להודעה זו כדי לקרוא אותה במלואה."
    ),
    (TemplateKind.NOTICE, "en"): (
        "You have a new message from the Kibbutz Movement: \u201c{{1}}\u201d. "
        "Reply to this message to read it in full."
    ),
}
"""The text to submit for approval, per kind and language; the README shows the same."""

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Templates:
    """The approved templates' ContentSids: by kind, then by language ("*" for any)."""

    sids: Mapping[TemplateKind, Mapping[str, str]] = field(default_factory=dict)

    def sid(self, kind: TemplateKind, locale: str) -> str | None:
        """The template for this kind in the person's language, else in any language."""
        found = self.sids.get(kind) or {}
        return found.get(locale) or found.get("*") or next(iter(found.values()), None)


def clean(value: str, limit: int) -> str:
    """A variable WhatsApp accepts: one line, single spaces, at most `limit` characters."""
    text = _SPACES.sub(" ", value).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or "-"


def variables(use: TemplateUse) -> dict[str, str]:
    """The Content variables of a template use, each cleaned and cut by its kind's rule."""
    limits = VARIABLE_LIMITS[use.kind]
    if len(use.variables) != len(limits):
        raise ValueError(f"{use.kind} takes {len(limits)} variables, not {len(use.variables)}")
    return {
        str(n): clean(value, limit)
        for n, (value, limit) in enumerate(zip(use.variables, limits, strict=True), 1)
    }


def notice(reply: Reply) -> TemplateUse:
    """The notice for a held message: its first non-empty line says what it is about."""
    first = next((line for line in reply.text.splitlines() if line.strip()), "")
    return TemplateUse(TemplateKind.NOTICE, (first,))
