"""Default locations of the desk's files: the per-user data folder, where users do not browse.

The database must not sit where people open files (Desktop, Documents, a shared folder): on POSIX
a program that merely opens and closes the file, as a file dialog does to learn its type, drops
SQLite's locks in the desk's process (shared/domain.md §13.5).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

# "MotCua" under %LOCALAPPDATA% on Windows; the lower-case name that Linux desks already use.
APP_NAME = "MotCua" if sys.platform in ("win32", "darwin") else "motcua"


def data_dir() -> Path:
    """%LOCALAPPDATA%\\MotCua on Windows, $XDG_DATA_HOME/motcua on Linux (not roaming: a database
    must never travel with a roaming profile)."""
    return user_data_path(APP_NAME, appauthor=False, roaming=False)


def default_db() -> Path:
    return Path(os.environ.get("MOTCUA_DB") or data_dir() / "motcua.sqlite")


def demo_db() -> Path:
    return data_dir() / "demo.sqlite"
