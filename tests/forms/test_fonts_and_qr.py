import unicodedata
from datetime import datetime

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from app.assets import resource_path
from forms.fonts import FACES
from forms.qr import PaperQr, parse_paper_qr

BASE = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]  # huyền, sắc, ngã, hỏi, nặng
VOWELS = "aăâeêioôơuưy"


def vietnamese_letters() -> set[str]:
    letters = set(BASE) | {unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES}
    return letters | {c.upper() for c in letters}


@pytest.mark.parametrize("font", [f"{family}-{face}" for family, faces in FACES.items() for face in faces])
def test_every_vietnamese_letter_and_the_dong_sign_has_a_glyph(font):
    face = TTFont(font, str(resource_path("fonts", f"{font}.ttf"))).face
    letters = vietnamese_letters() | {"₫"}
    assert len(letters) > 130
    missing = sorted(c for c in letters if ord(c) not in face.charToGlyph)
    assert not missing, missing


def test_licence_is_shipped():
    assert "SIL Open Font License" in resource_path("fonts", "LICENSE-Liberation.txt").read_text()


def test_qr_payload_round_trip_and_pipe_safety():
    qr = PaperQr("000.17.22.H56-261120-1013", "2.000815", "038090001234", "Giấy | lạ", "Một cửa",
                 datetime(2026, 11, 20, 15, 44), datetime(2026, 11, 23, 17, 0))
    back = parse_paper_qr(qr.payload())
    assert back.paper_name == "Giấy / lạ" and back.due_at == qr.due_at and back.dossier_code == qr.dossier_code
    with pytest.raises(ValueError):
        parse_paper_qr("hello")


def test_every_vietnamese_letter_is_printable_and_other_scripts_are_not():
    from forms.fonts import first_unprintable

    assert first_unprintable("".join(sorted(vietnamese_letters())) + " ₫–…“”0123456789") == ""
    assert first_unprintable("Lê Văn 中") == "中" and first_unprintable("a\u0007b") == "\u0007"


def test_qr_modules_are_at_least_half_a_millimetre_with_a_four_module_quiet_zone():
    from reportlab.lib.units import mm

    from forms.page import Page, qr_room, qr_side
    from forms.qr import qr_matrix

    payload = PaperQr("000.17.22.H56-261120-1013", "XA.HT.CAICHINH", "038090001234",
                      "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
                      "Một cửa Trung tâm Phục vụ hành chính công xã Quảng Phú", datetime(2026, 11, 20, 15, 44),
                      datetime(2026, 11, 23, 17, 0)).payload()
    modules = len(qr_matrix(payload))
    for size in ("A5", "A4"):
        page = Page(size)
        assert qr_side(payload, page) / modules >= 0.5 * mm - 1e-9
        assert qr_room(payload, page) - qr_side(payload, page) >= 4 * qr_side(payload, page) / modules - 1e-9
