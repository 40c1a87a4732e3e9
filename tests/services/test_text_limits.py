"""Issue 12 §8: what the services accept is what the papers are tested with. Longer text, or a
character the shipped fonts cannot print, is refused with a message naming the field (and the
character), and nothing is written; decomposed input is stored composed."""

import unicodedata

import pytest
from sqlalchemy import func, select

from app.core.errors import ValidationError
from app.core.limits import LIMITS
from app.services import processing as p
from app.services.admin import update_settings
from app.services.queries import dossier_detail
from app.services.reception import DocumentInput, receive_dossier
from app.store.models import Dossier, Event, Outbox
from tests.helpers.data import birth


def counts(desk):
    with desk.read() as c:
        return tuple(c.execute(select(func.count()).select_from(t)).scalar() for t in (Dossier, Event, Outbox))


@pytest.mark.parametrize(("change", "message"), [
    ({"name": "Nguyễn " + "A" * 94}, "Họ và tên người nộp hồ sơ dài 101 ký tự, vượt quá 100 ký tự cho phép."),
    ({"owner_address": "Thôn Đông " * 31}, "Địa chỉ dài 309 ký tự, vượt quá 300 ký tự cho phép."),
    ({"documents": (DocumentInput("Tờ khai"), DocumentInput("Giấy " * 41))},
     "Tên giấy tờ thứ 2 dài 204 ký tự, vượt quá 200 ký tự cho phép."),
    ({"name": "Lê Văn 中"}, "Họ và tên người nộp hồ sơ có ký tự «中» (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D)"),
    ({"owner_address": "Thôn Đông \U0001F600"}, "Địa chỉ có ký tự «\U0001F600» (U+1F600 GRINNING FACE)"),
])
def test_reception_refuses_what_no_paper_can_hold_and_writes_nothing(desk, change, message):
    before = counts(desk)
    with pytest.raises(ValidationError) as refused:
        receive_dossier(desk, birth(**change))
    assert refused.value.message.startswith(message)
    assert refused.value.field in {"owner_name", "owner_address", "documents"}
    assert counts(desk) == before


def test_the_longest_accepted_values_are_kept_whole_and_composed(desk):
    name = unicodedata.normalize("NFD", "Tôn Nữ Thị " + "Phương " * 12 + "Trâm")[:LIMITS["owner_name"].max_chars]
    got = receive_dossier(desk, birth(name, owner_address=unicodedata.normalize("NFD", "Thôn Đông " * 30)))
    stored = dossier_detail(desk, got.uid)["dossier"]
    assert stored["owner_name"] == unicodedata.normalize("NFC", name).strip()
    assert stored["owner_address"] == ("Thôn Đông " * 30).strip()


def test_steps_refuse_a_reason_or_note_over_1000_characters(desk):
    uid = receive_dossier(desk, birth()).uid
    before = counts(desk)
    with pytest.raises(ValidationError, match="Lý do dài 1001 ký tự, vượt quá 1000"):
        p.refuse(desk, uid, reason="x" * 1001)
    with pytest.raises(ValidationError, match="Ghi chú dài 1001 ký tự"):
        p.forward(desk, uid, to_unit="Tư pháp - Hộ tịch", note="y" * 1001)
    with pytest.raises(ValidationError, match="Tên nơi chuyển đến có ký tự «\u2603»"):
        p.forward(desk, uid, to_unit="Tư pháp \u2603")
    assert counts(desk) == before
    p.refuse(desk, uid, reason="x" * 1000)  # the limit itself is accepted


def test_settings_printed_on_papers_are_checked_the_same_way(desk):
    with pytest.raises(ValidationError, match="Họ tên người ký dài 201 ký tự"):
        update_settings(desk, signer_name="A" * 201)
    with pytest.raises(ValidationError, match="Nơi nhận có ký tự «中»"):
        update_settings(desk, recipients=["Như trên", "中"])
    with pytest.raises(ValidationError, match="1 liên"):
        update_settings(desk, receipt_copies=3)
    update_settings(desk, signer_name=unicodedata.normalize("NFD", "Lê Thị Thu Hà"), receipt_copies=1)
    assert desk.settings().signer_name == "Lê Thị Thu Hà" and desk.settings().receipt_copies == 1
