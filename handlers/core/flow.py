"""A flow's scratch values: a small frozen dataclass, kept in the state's JSON between steps."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Self


@dataclass(frozen=True)
class FlowData:
    """Subclass as a frozen dataclass whose fields all have defaults (the flow's start)."""

    @classmethod
    def load(cls, stored: Mapping[str, Any]) -> Self:
        """The values a state row holds. Keys this version does not know are dropped and missing
        ones take their defaults, so someone mid-flow across a deploy carries on."""
        known = {f.name for f in fields(cls)}
        return cls(**{name: _frozen(value) for name, value in stored.items() if name in known})

    def dump(self) -> dict[str, Any]:
        """The values as JSON keeps them."""
        return {f.name: _thawed(getattr(self, f.name)) for f in fields(self)}


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _thawed(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
