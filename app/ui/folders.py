"""Where every file dialog of the desk starts: the user's documents folder.

Never the database's folder, nor the working directory (often the same): a dialog browsing a folder
opens and closes its files to learn their type, and on POSIX closing any descriptor of the database
drops SQLite's locks in the desk's process (shared/domain.md §13.5).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths


def start_folder() -> str:
    """The documents folder (`Documents` on Windows), or the home folder where there is none."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return documents or str(Path.home())


def start_file(name: str) -> str:
    """A file name proposed by a save dialog, in the start folder."""
    return str(Path(start_folder()) / name)
