"""A desk with dossiers that exercise every paper: long names, long addresses, many documents,
a long timeline. Shared by the form tests and scripts/render_forms.py."""

from dataclasses import dataclass
from datetime import datetime

from app.core.receipts import SeriesSpec
from app.services import processing as p
from app.services.clock import from_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.reception import DocumentInput, ReceptionInput, receive_dossier
from app.services.settings import save_settings
from app.store.engine import open_database

LONG_NAME = "Tôn Nữ Thị Phương Hoàng Ngọc Bích Trâm"
LONG_ADDRESS = ("Số nhà 125, ngõ 17, đường Nguyễn Văn Cừ, thôn Phú Lộc Thượng, xã Quảng Phú, tỉnh Thanh Hóa "
                "(nơi ở hiện tại: khu tập thể Công ty Cổ phần Xi măng Bỉm Sơn, dãy B, phòng 204)")
CCCD = "038195001234"


@dataclass
class Samples:
    desk: Desk
    slip: str
    supplement: str
    refusal: str
    apology: str
    stop: str
    receipt: str
    voided_receipt: str


class Clock:
    def __init__(self):
        self.instant = from_local(datetime(2026, 11, 16, 8, 5))

    def __call__(self):
        return self.instant

    def at(self, *args):
        self.instant = from_local(datetime(*args))


def build_samples(path) -> Samples:
    clock = Clock()
    desk = Desk(open_database(path), actor="Nguyễn Thị Lan", clock=clock)
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=1, agency_name="UBND xã Quảng Phú",
                                    place_name="Quảng Phú"))
    with desk.write() as c:
        save_settings(c, collector_tax_code="2800123456", collector_address="Thôn Trung, xã Quảng Phú, tỉnh Thanh Hóa")
    desk.forget_cached()
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500))
    documents = tuple(DocumentInput(name, form, qty) for name, form, qty in [
        ("Bản chính Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất",
         "original", 1),
        ("Bản sao cần chứng thực", "photocopy", 3), ("Căn cước công dân", "photocopy", 1),
        ("Giấy ủy quyền có chứng thực chữ ký", "certified_copy", 1), ("Sổ hộ khẩu (nếu có)", "photocopy", 1),
    ])
    slip = receive_dossier(desk, ReceptionInput(
        "2.000815", LONG_NAME, owner_id_number=CCCD, owner_address=LONG_ADDRESS, owner_phone="0912345678",
        owner_email="bichtram.tonnu@example.vn", documents=documents, pages=14, copies=3))
    receipt = issue_receipt(desk, dossier_uid=slip.uid)
    clock.at(2026, 11, 16, 9, 0)
    p.forward(desk, slip.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    clock.at(2026, 11, 16, 16, 10)
    p.finish(desk, slip.uid, note="Đã chứng thực 3 bản")
    clock.at(2026, 11, 17, 8, 30)
    p.hand_over(desk, slip.uid, receiver=LONG_NAME)

    clock.at(2026, 11, 16, 10, 0)
    supplement = receive_dossier(desk, ReceptionInput("XA.HT.TTHN", "Lê Văn Cường", owner_id_number="038090001234",
                                                      owner_address="Thôn Đông, xã Quảng Phú", manual_fee=20000))
    p.forward(desk, supplement.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    clock.at(2026, 11, 16, 14, 0)
    p.request_supplement(desk, supplement.uid, reason="Giấy tờ nộp kèm chưa đủ để xác định tình trạng hôn nhân",
                         missing_documents=["Bản sao trích lục ghi chú ly hôn", "Văn bản xác nhận nơi cư trú trước "
                                            "đây tại xã Quảng Lợi (thời gian 2015–2020)"])

    clock.at(2026, 11, 16, 10, 30)
    refusal = receive_dossier(desk, ReceptionInput("XA.CT.HOPDONG", "Phạm Thị Hoa", owner_address="Xóm Mới"))
    p.refuse(desk, refusal.uid, reason="Tài sản trong hợp đồng là bất động sản ở xã khác, không thuộc thẩm quyền "
                                       "chứng thực của UBND xã Quảng Phú")

    clock.at(2026, 11, 16, 11, 0)
    apology = receive_dossier(desk, ReceptionInput("XA.HT.CAICHINH", "Hoàng Đức Minh", manual_fee=15000,
                                                   owner_address="Thôn Nam Sơn"))
    p.forward(desk, apology.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    clock.at(2026, 11, 18, 9, 0)
    p.reschedule(desk, apology.uid, new_due=from_local(datetime(2026, 11, 24, 16, 0)),
                 reason="Phải chờ kết quả xác minh của UBND xã nơi đăng ký khai sinh trước đây")

    clock.at(2026, 11, 16, 13, 45)
    stop = receive_dossier(desk, ReceptionInput("XA.HT.NHANCMC", "Vũ Thị Mai", manual_fee=20000))
    p.forward(desk, stop.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    p.stop(desk, stop.uid, reason="Có tranh chấp về quan hệ cha, con đang được Tòa án giải quyết")

    voided = issue_receipt(desk, dossier_uid=stop.uid)
    void_receipt(desk, voided.uid, reason="Ghi sai tên người nộp tiền")
    clock.at(2026, 11, 18, 15, 0)
    return Samples(desk, slip.uid, supplement.uid, refusal.uid, apology.uid, stop.uid, receipt.uid, voided.uid)
