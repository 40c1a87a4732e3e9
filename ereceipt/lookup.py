"""What the QR on the citizen's copy of an e-receipt holds, and reading it back.

Whether a printed copy needs a QR or a lookup code is not settled (shared/domain.md §13.2: [U];
vendors use a key of their own). Ours: with the hub's public address known, the QR is the lookup
page's address with the code, which any phone opens; without it, one line the desk and the hub
can parse, led by a version tag like the dossier papers' QR (forms/qr.py):

    MCBL1|MST=2800123456|MS=EBL01|KH=27TAA|SO=00000001|NL=20270101|TT=21000|MTC=K7M2P9QX4RTB
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import parse_qs, urlsplit

from app.core.errors import ValidationError
from ereceipt.content import LOOKUP_CODE, EReceipt

TAG = "MCBL1"
LOOKUP_PATH = "/tra-cuu-bien-lai"


@dataclass(frozen=True)
class LookupKey:
    lookup_code: str
    tax_code: str = ""
    template_symbol: str = ""
    series_symbol: str = ""
    number: int = 0
    issued_on: date | None = None
    amount: int = 0


def lookup_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}{LOOKUP_PATH}?ma={code}"


def qr_payload(receipt: EReceipt, base_url: str = "") -> str:
    if base_url:
        return lookup_url(base_url, receipt.lookup_code)
    fields = [("MST", receipt.collector.tax_code), ("MS", receipt.template_symbol), ("KH", receipt.series_symbol),
              ("SO", receipt.number_text), ("NL", f"{receipt.issued_at:%Y%m%d}"), ("TT", str(receipt.amount)),
              ("MTC", receipt.lookup_code)]
    return "|".join([TAG, *(f"{key}={value}" for key, value in fields)])


def parse_qr(text: str) -> LookupKey:
    """The key of a scanned e-receipt QR (either form), or a Vietnamese error."""
    text = text.strip()
    if text.startswith(TAG + "|"):
        values = dict(part.split("=", 1) for part in text.split("|")[1:] if "=" in part)
        try:
            key = LookupKey(values["MTC"], values["MST"], values["MS"], values["KH"], int(values["SO"]),
                            datetime.strptime(values["NL"], "%Y%m%d").date(), int(values["TT"]))
        except (KeyError, ValueError) as error:
            raise ValidationError("Mã QR biên lai điện tử bị thiếu hoặc sai thông tin.", field="qr") from error
    else:
        codes = parse_qs(urlsplit(text).query).get("ma", [])
        if not codes:
            raise ValidationError("Đây không phải mã QR của biên lai điện tử.", field="qr")
        key = LookupKey(codes[0])
    if not LOOKUP_CODE.match(key.lookup_code):
        raise ValidationError("Mã tra cứu biên lai không hợp lệ.", field="qr")
    return key
