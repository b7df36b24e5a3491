"""Both languages are complete: every string the UI can show has a Chinese translation."""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from app import i18n
from app.i18n_catalog import extract, po_path

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]")


def test_every_message_is_translated_to_chinese() -> None:
    with po_path("zh_CN").open("rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    problems = []
    for message in extract():
        if not message.id:
            continue
        translated = catalog.get(message.id)
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = translated.string if translated else None
        text = strings[0] if isinstance(strings, tuple) else strings
        if not text:
            problems.append(f"untranslated: {msgid!r} ({message.locations[0][0]})")
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(text)):
            problems.append(f"placeholders differ: {msgid!r}")
    assert problems == [], "run python -m app.i18n_catalog and translate:\n" + "\n".join(problems)


def test_negotiation() -> None:
    assert i18n.negotiate(None) == "zh_CN"
    assert i18n.negotiate("en-GB,en;q=0.9") == "en"
    assert i18n.negotiate("fr-FR,en;q=0.5,zh;q=0.8") == "zh_CN"
    assert i18n.negotiate("de, fr") == "zh_CN"
    assert i18n.negotiate("zh-TW") == "zh_CN"
    assert i18n.negotiate("garbage;q=x") == "zh_CN"


def test_translation_follows_the_locale() -> None:
    i18n.set_locale("en")
    assert i18n.gettext("Log in") == "Log in"
    i18n.set_locale("zh_CN")
    assert i18n.gettext("Log in") != "Log in"
    assert "3" in i18n.ngettext("%(num)d user", "%(num)d users", 3)
    i18n.set_locale("en")


def test_every_error_class_is_extracted() -> None:
    """A new AppError subclass whose messages the catalog does not pick up would show
    English to Chinese users without any test noticing."""
    import importlib
    import pkgutil

    import app
    from app.errors import AppError
    from app.i18n_catalog import ERROR_CLASSES

    for module in pkgutil.walk_packages(app.__path__, "app."):
        if module.name not in ("app.cli", "app.__main__"):
            importlib.import_module(module.name)
    found: set[str] = set()
    todo = [AppError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    assert found <= set(ERROR_CLASSES), found - set(ERROR_CLASSES)
