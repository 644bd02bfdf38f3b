"""The interface language. Every string is written in Vietnamese in the source, through
``self.tr(...)`` or ``QCoreApplication.translate(context, ...)``; other languages are Qt
translation files in ``resources/translations``. After changing strings::

    pyside6-lupdate $(find ui -name '*.py' | sort) -ts resources/translations/onestop_en.ts \
        -source-language vi -target-language en -no-obsolete -locations none
    pyside6-linguist resources/translations/onestop_en.ts        # translate the new strings
    pyside6-lrelease resources/translations/onestop_en.ts -qm resources/translations/onestop_en.qm

The language comes from ``ONESTOP_LANG`` if set, else from the ``ui.language`` setting of this
PC; Vietnamese (the default) needs no translator.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from oneStop.resources import resources_path

DEFAULT_LANGUAGE = "vi"
#: Languages offered in the settings dialog: code → name in that language.
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}

_installed: list[QTranslator] = []


def chosen_language(setting: str | None) -> str:
    """``ONESTOP_LANG``, else the setting, else Vietnamese."""
    value = (os.environ.get("ONESTOP_LANG") or setting or DEFAULT_LANGUAGE).strip().lower()
    return value.split("_")[0].split("-")[0] or DEFAULT_LANGUAGE


def install_translator(app: QCoreApplication, language: str | None) -> bool:
    """Install the translators for ``language`` (removing earlier ones); True if a translation
    of the program was loaded. Vietnamese installs Qt's own Vietnamese strings only."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    lang = chosen_language(language)
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese if lang == "vi" else QLocale(lang).language()))
    qt = QTranslator(app)
    if qt.load(QLocale(lang), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    if lang == DEFAULT_LANGUAGE:
        return False
    ours = QTranslator(app)
    if not ours.load(str(resources_path("translations", f"onestop_{lang}.qm"))):
        return False
    app.installTranslator(ours)
    _installed.append(ours)
    return True
