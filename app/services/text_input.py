"""Free text typed at the desk, checked once for the papers it will be printed on: NFC, within its
limit (app.core.limits), and only characters the shipped fonts can print."""

from __future__ import annotations

from app.core.limits import checked
from forms.fonts import first_unprintable


def clean_text(value: str | None, key: str, *, label: str = "") -> str:
    return checked(value, key, unprintable=first_unprintable, label=label)
