"""Each kind of broadcast audience is one object, which holds every fact the flow and the
planner read about it: offered in the menu and in what order, picked at once or filter by
filter, about people's own event, and what its copies are."""

from __future__ import annotations

from models.audience_kinds import KINDS
from models.broadcasts import AudienceKind
from models.outbox import OutboxKind

K = AudienceKind


def test_every_kind_has_its_one_object() -> None:
    assert set(KINDS) == set(AudienceKind)
    assert all(KINDS[kind].kind == kind for kind in AudienceKind)


def test_the_menu_offers_the_kinds_in_order_kibbutz_and_stream_only_as_filters() -> None:
    offered = [kind.kind for kind in KINDS.values() if kind.offered]
    assert offered == [
        K.EVERYONE,
        K.TOPIC,
        K.TRACK,
        K.REGION,
        K.ROLE,
        K.PEOPLE,
        K.INVITE,
        K.REGISTRANTS,
        K.WAITLIST,
    ]


def test_what_sets_each_kind_apart() -> None:
    def having(fact: str) -> set[AudienceKind]:
        return {kind.kind for kind in KINDS.values() if getattr(kind, fact)}

    assert having("immediate") == {K.EVERYONE}
    assert having("combined") == {K.PEOPLE, K.INVITE}
    assert having("transactional") == {K.REGISTRANTS, K.WAITLIST}
    invitations = {kind.kind for kind in KINDS.values() if kind.copies == OutboxKind.INVITATION}
    assert invitations == {K.INVITE}
    notes = {kind.kind: kind.note for kind in KINDS.values() if kind.note}
    assert notes == {
        K.INVITE: "invitation",
        K.REGISTRANTS: "transactional",
        K.WAITLIST: "transactional",
    }
