"""The portal's languages: English, Simplified Chinese and Vietnamese.

Every label, message and help text of the portal is an English ``msgid`` translated by a gettext
catalog under ``locale/<catalog>/LC_MESSAGES/messages.po`` (compiled to ``messages.mo``, both
kept in the repository; ``docs/portal.md`` shows how to update them with Babel). What the
engines write (reasons, notes, the working) stays in English, and the pages say so.

The language of a request is, in order: the ``lang`` query parameter (the language switch's
links, which also store the choice), the ``lang`` cookie, then the browser's ``Accept-Language``
header (any ``zh`` tag gives Simplified Chinese, any ``vi`` tag Vietnamese), else English.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from functools import cache
from importlib import resources

from babel.support import Translations

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "Language",
    "by_code",
    "choose",
    "negotiate",
    "translations",
]


@dataclass(frozen=True, slots=True)
class Language:
    """A language of the portal: its short code (``?lang=zh``), the BCP 47 tag of the page
    (``<html lang="zh-Hans">``), the name of its catalog and Babel locale, and its own name."""

    code: str
    tag: str
    locale: str
    name: str

    @property
    def catalog(self) -> str | None:
        """The catalog's directory under ``locale/``; ``None`` for English, the source text."""
        return None if self.code == "en" else self.locale


LANGUAGES: tuple[Language, ...] = (
    Language("en", "en", "en", "English"),
    Language("zh", "zh-Hans", "zh_Hans", "简体中文"),
    Language("vi", "vi", "vi", "Tiếng Việt"),
)
DEFAULT = LANGUAGES[0]
_BY_CODE = {language.code: language for language in LANGUAGES}
_ALIASES = {"zh-hans": "zh", "zh-cn": "zh", "zh_hans": "zh", "zh_cn": "zh"}


def N_(message: str) -> str:
    """Marks ``message`` for the catalogs without translating it (it is translated where it is
    shown, in the template)."""
    return message


def by_code(code: str | None) -> Language | None:
    """The language a ``lang`` parameter or cookie names (``zh``, ``zh-Hans``, ``vi``, ``en``)."""
    if not code:
        return None
    key = code.strip().lower()
    return _BY_CODE.get(_ALIASES.get(key, key))


def negotiate(header: str | None) -> Language:
    """The language an ``Accept-Language`` header prefers among ours, by its ``q`` weights."""
    if not header:
        return DEFAULT
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if tag and weight > 0:
            ranked.append((-weight, position, tag.strip().lower()))
    for _, _, tag in sorted(ranked):
        language = _BY_CODE.get(tag.split("-")[0])
        if language is not None:
            return language
    return DEFAULT


def choose(query: str | None, cookie: str | None, header: str | None) -> Language:
    """The request's language: the switch's ``lang`` parameter, the cookie, the header."""
    return by_code(query) or by_code(cookie) or negotiate(header)


@cache
def translations(language: Language) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (English: no translation)."""
    if language.catalog is None:
        return gettext.NullTranslations()
    path = resources.files("cafta.web") / "locale" / language.catalog / "LC_MESSAGES"
    with (path / "messages.mo").open("rb") as handle:
        return Translations(fp=handle, domain="messages")
