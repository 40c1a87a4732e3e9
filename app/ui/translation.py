"""Qt's own strings in Vietnamese. PySide6 ships no Vietnamese translation of Qt (shared/env.md), so
the desk carries resources/i18n/qt_vi.ts (file dialogs, standard buttons, message boxes, context
menus), built into qt_vi.qm by scripts/setup.sh and loaded here before any window is made."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from app.assets import resource_path

log = logging.getLogger(__name__)
_INSTALLED: list[QTranslator] = []  # a translator must outlive the application's use of it


def qm_path() -> str:
    return str(resource_path("i18n", "qt_vi.qm"))


def install_vietnamese(app: QCoreApplication) -> bool:
    """Vietnamese for Qt's strings and the locale (calendar popups, day and month names). Returns
    False, and logs why, when the built file is missing: the desk still opens, in Qt's English."""
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    if _INSTALLED:
        return True
    translator = QTranslator(app)
    if not translator.load(qm_path()):
        log.warning("Qt translation not found at %s: run scripts/setup.sh to build it", qm_path())
        return False
    app.installTranslator(translator)
    _INSTALLED.append(translator)
    return True
