"""Keep the message catalogs in step with the code: ``python -m app.i18n_catalog``.

Extracts every translatable string (``_``/``gettext`` calls, ``N_`` markers, messages of
the AppError family, navigation labels, templates) and merges them into each locale's
messages.po, keeping existing translations. The test suite checks nothing is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po
from jinja2.ext import babel_extract

from app.paths import ROOT, TEMPLATES, TRANSLATIONS

# Constructors whose first argument is a user-facing message, and NavItem's label.
ERROR_CLASSES = [
    "AppError",
    "Invalid",
    "Conflict",
    "NotAllowed",
    "NotFound",
    "NotAuthenticated",
    "TooManyRequests",
    "USCCError",
    "CsrfFailed",
    "BodyTooLarge",
    "TooManyChannels",
    "QueueError",
    "LeaseLost",
]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NavItem": (2,), **dict.fromkeys(ERROR_CLASSES)}
TARGET_LOCALES = ("zh_CN",)


def extract() -> Catalog:
    catalog = Catalog(project="jobfair", charset="utf-8")
    for path in sorted((ROOT / "app").rglob("*.py")):
        for lineno, message, _comments, context in extract_from_file(
            "python", str(path), keywords=KEYWORDS, strip_comment_tags=True
        ):
            catalog.add(message, locations=[(str(path.relative_to(ROOT)), lineno)], context=context)
    for path in sorted(TEMPLATES.rglob("*.html")):
        for lineno, message, _comments, context in extract_from_file(
            babel_extract,  # type: ignore[arg-type]
            str(path),
            keywords=DEFAULT_KEYWORDS,
            options={"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"},
        ):
            catalog.add(message, locations=[(str(path.relative_to(ROOT)), lineno)], context=context)
    return catalog


def po_path(locale: str) -> Path:
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def update() -> None:
    template = extract()
    for locale in TARGET_LOCALES:
        path = po_path(locale)
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            catalog = Catalog(locale=locale, project="jobfair", charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=False, ignore_obsolete=True)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated")


if __name__ == "__main__":
    update()
    sys.exit(0)
