"""Text normalisation: NFC for storing and printing, folding for search."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """NFC with collapsed white space: decomposed input prints with misplaced tone marks."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold(text: str) -> str:
    """Lower-case ASCII-ish form for search: "Nguyễn Văn Đức" -> "nguyen van duc".

    đ/Đ is replaced by hand because it is a letter of its own, not d plus a mark,
    so neither NFD nor SQLite's remove_diacritics folds it.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()
