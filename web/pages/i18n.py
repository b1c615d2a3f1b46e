"""Languages for the pages: Vietnamese first, English one click away.

Message ids are English; `web/pages/locale/vi/LC_MESSAGES/messages.po` holds the Vietnamese.
The .po catalogs are compiled in memory at start (Babel reads the .po and writes the binary form
into a buffer), so no binary .mo file is committed or built. Dates and times are shown in court
time through Babel's CLDR formats.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from aiohttp import web
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"
Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")
LANGUAGE_NAMES: dict[Language, str] = {"vi": "Tiếng Việt", "en": "English"}
LANG_COOKIE = "vcourt_lang"


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(language: Language) -> NullTranslations:
    """The compiled catalog for a language; English is the message ids themselves."""
    path = po_path(language)
    if language == "en" or not path.exists():
        return NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def choose_language(request: web.Request, default: Language) -> tuple[Language, bool]:
    """The language for this request, and whether it was asked for just now (set the cookie).

    `?lang=en` wins, then the cookie, then the configured default."""
    asked = request.query.get("lang")
    if asked in LANGUAGES:
        return asked, True  # type: ignore[return-value]
    saved = request.cookies.get(LANG_COOKIE)
    if saved in LANGUAGES:
        return saved, False  # type: ignore[return-value]
    return default, False


class CourtTimeFormat:
    """Dates and times in court time, in the reader's language."""

    def __init__(self, language: Language, tz: ZoneInfo) -> None:
        self.language, self.tz = language, tz

    def datetime(self, moment: dt.datetime | None, fmt: str = "medium") -> str:
        if moment is None:
            return ""
        return format_datetime(moment, fmt, tzinfo=self.tz, locale=self.language)

    def date(self, moment: dt.datetime | None, fmt: str = "full") -> str:
        if moment is None:
            return ""
        return format_date(moment.astimezone(self.tz), fmt, locale=self.language)

    def time(self, moment: dt.datetime | None, fmt: str = "HH:mm") -> str:
        if moment is None:
            return ""
        return format_time(moment, fmt, tzinfo=self.tz, locale=self.language)
