"""Keep the message catalogs in step with the code: `python -m web.pages.messages`.

Extracts every message from the templates and the page modules (Babel's extractors), merges
them into each language's .po (new messages get an empty translation, gone ones are dropped)
and prints what still needs translating. Tests fail while any message is untranslated.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from web.pages.i18n import DOMAIN, po_path

ROOT = Path(__file__).resolve().parent.parent  # web/
METHODS = [("templates/**.html", "jinja2"), ("pages/**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}}
TRANSLATED = ("vi",)


def extract() -> Catalog:
    catalog = Catalog(domain=DOMAIN, project="vcourt")
    for filename, lineno, message, comments, _context in extract_from_dir(
        ROOT, METHODS, options_map=OPTIONS, keywords={"_": None, "gettext": None}
    ):
        catalog.add(message, locations=[(f"web/{filename}", lineno)], auto_comments=comments)
    return catalog


def untranslated(language: str) -> list[str]:
    with po_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    wanted = {m.id for m in extract() if m.id}
    have = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    return sorted(str(i) for i in wanted - have)


def update(language: str) -> list[str]:
    path = po_path(language)
    template = extract()
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="vcourt")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True)
    return untranslated(language)


def main() -> int:
    missing_any = False
    for language in TRANSLATED:
        missing = update(language)
        for message in missing:
            print(f"{language}: untranslated: {message}")
        missing_any = missing_any or bool(missing)
    return 1 if missing_any else 0


if __name__ == "__main__":
    sys.exit(main())
