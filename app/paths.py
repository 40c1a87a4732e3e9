"""Default locations of the desk's files on each platform."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir() -> Path:
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "MotCua"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "motcua"


def default_db() -> Path:
    return Path(os.environ.get("MOTCUA_DB") or data_dir() / "motcua.sqlite")


def demo_db() -> Path:
    return data_dir() / "demo.sqlite"
