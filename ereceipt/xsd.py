"""The schema of what we produce (ereceipt/schema/ereceipt.xsd), loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

from app.core.errors import ValidationError

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "ereceipt.xsd"


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def check(xml: bytes | etree._Element) -> None:
    """Raises ValidationError naming the first element that breaks the schema."""
    root = etree.fromstring(xml) if isinstance(xml, bytes) else xml
    checker = schema()
    if not checker.validate(root):
        error = checker.error_log.last_error
        raise ValidationError(f"Tài liệu XML không đúng lược đồ (dòng {error.line}): {error.message}", field="xml")
