"""Typed button payloads packed into ≤ 64 bytes (Telegram's callback_data limit), after aiogram."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from enum import Enum
from typing import Any, ClassVar, Self, get_type_hints

MAX_BYTES = 64
SEPARATOR = ":"
INT_RANGE = range(-(2**31), 2**31)
"""What an integer column holds (ids, counts, pages): a number outside it names nothing of
ours, so its payload is stale, not a database error waiting to happen."""


class InvalidPayload(ValueError):
    """A payload we cannot read: forged, truncated, or from an older version of the bot."""


class CallbackData:
    """Subclass as a frozen dataclass with a short prefix: `class L(CallbackData, prefix="l")`."""

    prefix: ClassVar[str]
    _registry: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if SEPARATOR in prefix or prefix in CallbackData._registry:
            raise ValueError(f"bad or duplicate callback prefix {prefix!r}")
        cls.prefix = prefix
        CallbackData._registry[prefix] = cls

    def pack(self) -> str:
        parts = [self.prefix]
        for name, _ in _layout(type(self)):
            value = getattr(self, name)
            if isinstance(value, bool):
                text = "1" if value else "0"
            else:
                text = (
                    "" if value is None else str(value.value if isinstance(value, Enum) else value)
                )
            if SEPARATOR in text:
                raise ValueError(f"{name} may not contain {SEPARATOR!r}")
            parts.append(text)
        packed = SEPARATOR.join(parts)
        if len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {packed!r}")
        return packed

    @classmethod
    def parse(cls, payload: str) -> Self:
        """Unpack a payload of exactly this class."""
        data = unpack(payload)
        if not isinstance(data, cls):
            raise InvalidPayload(payload)
        return data


def unpack(payload: str, kinds: Mapping[str, type[CallbackData]] | None = None) -> CallbackData:
    """Turn a payload back into its typed CallbackData, or raise InvalidPayload; with `kinds`,
    only a payload of one of those classes (by prefix) is readable."""
    prefix, *values = payload.split(SEPARATOR)
    cls = (CallbackData._registry if kinds is None else kinds).get(prefix)
    if cls is None:
        raise InvalidPayload(payload)
    layout = _layout(cls)
    if len(values) != len(layout):
        raise InvalidPayload(payload)
    kwargs: dict[str, Any] = {}
    try:
        for (name, kind), raw in zip(layout, values, strict=True):
            kwargs[name] = _convert(kind, raw)
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise InvalidPayload(payload) from exc


Layout = tuple[tuple[str, Any], ...]
_layouts: dict[type[CallbackData], Layout] = {}


def _layout(cls: type[CallbackData]) -> Layout:
    """The payload's fields in order, with their types: read once per class (menus pack a
    handful of payloads for every message answered)."""
    layout = _layouts.get(cls)
    if layout is None:
        hints = get_type_hints(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        layout = _layouts[cls] = tuple((f.name, hints[f.name]) for f in fields)
    return layout


def _convert(kind: Any, raw: str) -> Any:
    optional = type(None) in getattr(kind, "__args__", ())
    if optional:
        if raw == "":
            return None
        kind = next(arg for arg in kind.__args__ if arg is not type(None))
    if kind is bool:
        return raw == "1"
    value = kind(raw)
    if kind is int and value not in INT_RANGE:
        raise ValueError(f"{raw} is beyond any column")
    return value
