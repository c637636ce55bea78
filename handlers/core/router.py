"""Where each command, button type, deep link and free-text step is handled.

Each feature module has its own `Router`; `handlers/features.py` lists the features the bot is
built from, in order, and the engine includes their routers into one (after aiogram's
`include_router`). Menus list their items in that order.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

from handlers.core.callback import CallbackData
from handlers.core.context import Ctx
from handlers.core.types import Reply

Handler = Callable[[Ctx], Awaitable[list[Reply]]]
Resumer = Callable[[Ctx], StrEnum]
CallbackHandler = Callable[[Ctx, Any], Awaitable[list[Reply]]]
DeepLinkHandler = Callable[[Ctx, str], Awaitable[list[Reply]]]
Gate = Callable[[Ctx, str, str | None], Awaitable[object]]
"""Raises Refused (audited) for someone without the role a button needs: (ctx, its prefix, the
payload)."""
H = TypeVar("H")
Steps = StrEnum | tuple[StrEnum, ...] | None
"""Where a button is live: one step, any of several, or (None) anywhere."""


class Stale(Exception):
    """The button or link refers to something no longer there or no longer open."""


class Refused(Exception):
    """Someone tried a coordinator action they may not take; the refusal is already audited."""


def expect_step(ctx: Ctx, step: Steps) -> None:
    """Stale unless the conversation waits at `step` (or one of them): a button of a flow
    already left or never begun changes nothing."""
    if step is None:
        return
    steps = (step,) if isinstance(step, StrEnum) else step
    if ctx.state.step not in {one.value for one in steps}:
        raise Stale(ctx.state.step)


class Router:
    """One feature's handlers, or (after `include_router`) those of several features."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.commands: dict[str, Handler] = {}
        self.callbacks: dict[type[CallbackData], CallbackHandler] = {}
        self.steps: dict[str, Handler] = {}
        self.deep_links: dict[str, DeepLinkHandler] = {}
        self.contact: Handler | None = None
        """Answers a shared phone number when no step is waiting for one."""
        self.whole_labels: set[str] = set()
        """Steps where only a whole label (or its number) stands for a button, never the start
        of one: a typed "כן" must not confirm "כן, למחוק הכול"."""
        self.file_steps: set[str] = set()
        """Steps that take what is sent (a file or photo; a voice note or sticker too, to say
        what they want instead) as their answer, not only text; anywhere else media get the
        general answer."""
        self.reasks: dict[str, Handler] = {}
        """Shows a step's question again, as after a change of language mid-flow."""
        self.closings: dict[str, Callable[[Ctx], Reply]] = {}
        """What /cancel says on leaving a step whose work was saved as it went."""
        self.renamed: dict[str, Resumer] = {}
        """Steps an older version saved under a name no longer used, each with the step such a
        state waits at now: someone mid-flow across a deploy carries on."""
        self.unplaced: Handler | None = None
        """Answers free text outside any flow that is neither a first message nor a greeting
        (the response team offers to pass it on)."""
        self.menu: list[str] = []
        """Commands the main menu offers, in order."""
        self.admin_menu: list[str] = []
        """Coordinator commands /admin lists, in order."""
        self.panels: list[Callable[[Ctx, Any], Awaitable[list[Reply]]]] = []
        """What /admin shows under its menu (e.g. broadcasts awaiting approval), in order; each
        is called with the coordinator's authority."""
        self.gated: dict[str, Gate] = {}
        """Payload prefixes of buttons that need a role, each with its check: a forged one is
        refused even when unreadable."""

    @property
    def kinds(self) -> dict[str, type[CallbackData]]:
        """The payload classes this router answers, by prefix."""
        return {kind.prefix: kind for kind in self.callbacks}

    def include_router(self, other: Router) -> Router:
        """Take in another router's handlers after ours; two features may not claim one name."""
        for mine, theirs in (
            (self.commands, other.commands),
            (self.callbacks, other.callbacks),
            (self.steps, other.steps),
            (self.deep_links, other.deep_links),
            (self.reasks, other.reasks),
            (self.closings, other.closings),
            (self.renamed, other.renamed),
        ):
            clash = mine.keys() & theirs.keys()
            if clash:
                raise ValueError(
                    f"{other.name} and {self.name} both handle {sorted(map(str, clash))}"
                )
            mine.update(theirs)  # type: ignore[arg-type]
        if other.contact is not None:
            if self.contact is not None:
                raise ValueError(f"{other.name} and {self.name} both answer shared contacts")
            self.contact = other.contact
        if other.unplaced is not None:
            if self.unplaced is not None:
                raise ValueError(f"{other.name} and {self.name} both answer unplaced text")
            self.unplaced = other.unplaced
        self.whole_labels |= other.whole_labels
        self.file_steps |= other.file_steps
        self.menu += other.menu
        self.admin_menu += other.admin_menu
        self.panels += other.panels
        self.gated |= other.gated
        return self

    def command(self, *names: str, menu: bool = False) -> Callable[[Handler], Handler]:
        """Handle /name; `menu` offers the first name in the main menu."""

        def register(handler: Handler) -> Handler:
            for name in names:
                self.commands[name] = handler
            if menu:
                self.menu.append(names[0])
            return handler

        return register

    def callback(self, kind: type[CallbackData], step: Steps = None) -> Callable[[H], H]:
        """Handle a button of type `kind`; with `step` (one, or a tuple), only while the flow
        waits there (else the button is stale)."""

        def register(handler: H) -> H:
            answer: Any = handler
            if step is not None:

                async def in_step(ctx: Ctx, data: CallbackData) -> list[Reply]:
                    expect_step(ctx, step)
                    return await answer(ctx, data)  # type: ignore[no-any-return]

                self.callbacks[kind] = in_step
            else:
                self.callbacks[kind] = answer
            return handler

        return register

    def step(
        self, step: StrEnum, whole_labels: bool = False, files: bool = False
    ) -> Callable[[Handler], Handler]:
        """Handle free text at `step`; with `files`, whatever is sent there too (a file's
        bytes by Ctx.file_data)."""

        def register(handler: Handler) -> Handler:
            self.steps[step.value] = handler
            if whole_labels:
                self.whole_labels.add(step.value)
            if files:
                self.file_steps.add(step.value)
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

    def renamed_step(self, old: str) -> Callable[[Resumer], Resumer]:
        """Read a state saved at `old` as waiting at the step `resumer` names."""

        def register(resumer: Resumer) -> Resumer:
            self.renamed[old] = resumer
            return resumer

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
