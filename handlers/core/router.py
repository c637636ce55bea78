"""Where each command, button type, deep link and free-text step is handled."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.types import Reply

Handler = Callable[[Ctx], Awaitable[list[Reply]]]
CallbackHandler = Callable[[Ctx, Any], Awaitable[list[Reply]]]
DeepLinkHandler = Callable[[Ctx, str], Awaitable[list[Reply]]]
H = TypeVar("H")


class Stale(Exception):
    """The button or link refers to something no longer there or no longer open."""


class Refused(Exception):
    """Someone tried a coordinator action they may not take; the refusal is already audited."""


class Router:
    def __init__(self) -> None:
        self.commands: dict[str, Handler] = {}
        self.callbacks: dict[type[CallbackData], CallbackHandler] = {}
        self.steps: dict[str, Handler] = {}
        self.deep_links: dict[str, DeepLinkHandler] = {}
        self.contact: Handler | None = None
        """Answers a shared phone number when no step is waiting for one."""
        self.whole_labels: set[str] = set()
        """Steps where only a whole label (or its number) stands for a button, never the start
        of one: a typed "כן" must not confirm "כן, למחוק הכול"."""
        self.reasks: dict[str, Handler] = {}
        """Shows a step's question again, as after a change of language mid-flow."""
        self.closings: dict[str, Callable[[Ctx], Reply]] = {}
        """What /cancel says on leaving a step whose work was saved as it went."""
        self.unplaced: Handler | None = None
        """Answers free text outside any flow that is neither a first message nor a greeting
        (the response team offers to pass it on)."""

    def command(self, *names: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for name in names:
                self.commands[name] = handler
            return handler

        return register

    def callback(self, kind: type[CallbackData]) -> Callable[[H], H]:
        def register(handler: H) -> H:
            self.callbacks[kind] = handler  # type: ignore[assignment]
            return handler

        return register

    def step(self, step: StrEnum, whole_labels: bool = False) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            self.steps[step.value] = handler
            if whole_labels:
                self.whole_labels.add(step.value)
            return handler

        return register

    def reask(self, *steps: StrEnum) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            for step in steps:
                self.reasks[step.value] = handler
            return handler

        return register

    def closing(self, step: StrEnum) -> Callable[[Callable[[Ctx], Reply]], Callable[[Ctx], Reply]]:
        def register(summary: Callable[[Ctx], Reply]) -> Callable[[Ctx], Reply]:
            self.closings[step.value] = summary
            return summary

        return register

    def shared_contact(self, handler: Handler) -> Handler:
        self.contact = handler
        return handler

    def unplaced_text(self, handler: Handler) -> Handler:
        self.unplaced = handler
        return handler

    def deep_link(self, prefix: str) -> Callable[[DeepLinkHandler], DeepLinkHandler]:
        def register(handler: DeepLinkHandler) -> DeepLinkHandler:
            self.deep_links[prefix] = handler
            return handler

        return register


router = Router()
