"""The window shows only what the signed-in officer's roles allow (issue 9).

The services refuse anything else anyway (app/core/permissions.py); this only spares the officer
screens and buttons that would refuse them. Applied at login and at every shift change. A desk with
no officer (tests, scripts) is trusted and sees everything.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QMainWindow, QWidget

from app.core.permissions import Perm
from app.services.desk import Desk

# Screen attribute of the main window -> any of these permissions shows it; None: every officer.
SCREENS: dict[str, tuple[Perm, ...] | None] = {
    "reception": (Perm.RECEIVE,),
    "dossiers": None,  # reading the list and a dossier's history is every officer's
    "receipts": (Perm.ISSUE_RECEIPT, Perm.VOID_RECEIPT, Perm.RANGES),
    "settings_view": (Perm.SETTINGS, Perm.CATALOGUE, Perm.HOLIDAYS, Perm.ACCOUNTS),
    "sync_view": None,
    "reports": (Perm.REPORTS,),
}
# Buttons inside screens: (screen attribute, button attribute) -> the permission it needs.
BUTTONS: dict[tuple[str, str], Perm] = {
    ("sync_view", "enroll_button"): Perm.ENROLL,
}


def may_see(desk: Desk, perms: tuple[Perm, ...] | None) -> bool:
    return perms is None or any(desk.may(perm) for perm in perms)


def visible_screens(window: QMainWindow, desk: Desk) -> list[str]:
    """Names of the tabs this officer sees, in order (for tests and the status line)."""
    tabs = window.tabs  # type: ignore[attr-defined]
    return [tabs.tabText(i).replace("&", "") for i in range(tabs.count()) if tabs.isTabVisible(i)]


def apply_roles(window: QMainWindow, desk: Desk) -> None:
    """Hide the screens and disable the buttons and keys the officer may not use."""
    tabs = window.tabs  # type: ignore[attr-defined]
    hidden_titles = set()
    for name, perms in SCREENS.items():
        screen: QWidget | None = window.screen_page(name)  # type: ignore[attr-defined]  # built or not
        index = tabs.indexOf(screen) if screen is not None else -1
        if index < 0:
            continue
        shown = may_see(desk, perms)
        tabs.setTabVisible(index, shown)
        if not shown:
            hidden_titles.add(tabs.tabText(index).replace("&", ""))
    for (screen_name, button_name), perm in BUTTONS.items():  # a screen not built yet: gated when it is
        button: Any = getattr(window.built_screen(screen_name), button_name, None)  # type: ignore[attr-defined]
        if button is not None:
            button.setVisible(desk.may(perm))
    for action in window.actions():  # Ctrl+digit keys of hidden screens (and their menu entries)
        if action.text().replace("&", "") in hidden_titles:
            action.setEnabled(False)
        elif action.text().replace("&", "") in {tabs.tabText(i).replace("&", "") for i in range(tabs.count())}:
            action.setEnabled(True)
    if not tabs.isTabVisible(tabs.currentIndex()):
        first = next((i for i in range(tabs.count()) if tabs.isTabVisible(i)), 0)
        tabs.setCurrentIndex(first)
