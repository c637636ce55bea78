"""Gettext catalogues (Hebrew first, English) read straight from the .po files.

Each feature keeps its own domain file (`<locale>/LC_MESSAGES/<feature>.po`); message ids are
stable keys such as ``menu.title`` and every locale must translate every key. A message where a
number meets a noun is a gettext plural (``msgid_plural`` with one ``msgstr[i]`` per form of the
language, chosen by Babel's plural rule for it) and is read with `ngettext`.
"""

from __future__ import annotations

import gettext as stdlib_gettext
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

HERE = Path(__file__).parent
DEFAULT_LOCALE = "he"
SUPPORTED_LOCALES = ("he", "en")


class MissingMessage(KeyError):
    """A key that no catalogue knows: a bug, never something to show a user."""


@cache
def catalogue(locale: str) -> dict[str, str]:
    """Every message of `locale`, merged across its domain files."""
    messages: dict[str, str] = {}
    for po in sorted((HERE / locale / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if message.id and isinstance(message.id, str) and message.string:
                    messages[message.id] = str(message.string)
    return messages


@cache
def plural_catalogue(locale: str) -> dict[str, tuple[str, ...]]:
    """Every plural message of `locale`: its forms in the order of the language's plural rule."""
    messages: dict[str, tuple[str, ...]] = {}
    for po in sorted((HERE / locale / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fh:
            for message in read_po(fh, locale=locale):
                if isinstance(message.id, tuple) and isinstance(message.string, tuple):
                    messages[str(message.id[0])] = tuple(str(form) for form in message.string)
    return messages


@cache
def plural_rule(locale: str) -> Callable[[int], int]:
    """Which form of a plural message `n` takes in `locale` (Babel's CLDR-derived rule)."""
    return stdlib_gettext.c2py(get_plural(locale).plural_expr)


def ngettext(locale: str, key: str, count: int, /, **values: object) -> str:
    """The plural message `key` in `locale` in the form for `count`, formatted with `count`
    and `values` (falling back to Hebrew)."""
    if key not in plural_catalogue(locale):
        locale = DEFAULT_LOCALE
    forms = plural_catalogue(locale).get(key)
    if not forms:
        raise MissingMessage(key)
    form = forms[min(plural_rule(locale)(count), len(forms) - 1)]
    return form.format(count=count, **values)


def supported(locale: str | None) -> str | None:
    """The supported locale matching a tag such as ``en-US``, if any."""
    if not locale:
        return None
    base = locale.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LOCALES else None


def reply_locale(chosen: str | None, default: str, hint: str | None = None) -> str:
    """The language to answer in: the one the person chose, else their app's (`hint`, known
    only when they write in), else the deployment's."""
    return chosen or supported(hint) or default


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def gettext(locale: str, key: str, /, **values: object) -> str:
    """The message `key` in `locale` (falling back to Hebrew), formatted with `values`."""
    text = catalogue(locale).get(key) or catalogue(DEFAULT_LOCALE).get(key)
    if text is None:
        raise MissingMessage(key)
    return text.format(**values) if values else text


class Translator:
    """`gettext` bound to one locale, handed to handlers as ``ctx.t``."""

    def __init__(self, locale: str) -> None:
        self.locale = supported(locale) or DEFAULT_LOCALE

    def __call__(self, key: str, /, **values: object) -> str:
        return gettext(self.locale, key, **values)

    def n(self, key: str, count: int, /, **values: object) -> str:
        """The plural message `key` in the form for `count`."""
        return ngettext(self.locale, key, count, **values)

    @property
    def rtl(self) -> bool:
        return self.locale == "he"
