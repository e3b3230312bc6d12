"""Languages: the Qt Linguist translation for the widgets, and the core's bilingual messages.

Source strings are English; zh_CN is complete (a test fails on any unfinished entry). The language
follows the system locale unless Settings chose one; the core's messages follow the same choice.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from app.paths import resource_path

LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}
_installed: list[QTranslator] = []


def chosen_language() -> str:
    saved = QSettings().value("ui/language", "", type=str)
    if saved in LANGUAGES:
        return saved
    return "en" if QLocale.system().name().startswith("en") else "zh_CN"


def install(language: str) -> None:
    """Load the translations for ``language``; the core's messages follow via REHABDESK_LANG."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    os.environ["REHABDESK_LANG"] = language
    if language == "en":
        return
    ours = QTranslator()
    if ours.load(str(resource_path("translations", f"rehabdesk_{language}.qm"))):
        app.installTranslator(ours)
        _installed.append(ours)
    qt = QTranslator()  # Qt's own dialogs (buttons of message boxes, the print dialog)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
