"""A desk with dossiers that exercise every paper: long names, long addresses, many documents,
a long timeline. Shared by the form tests and scripts/render_forms.py."""

import unicodedata
from dataclasses import dataclass, field
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

# The longest values the services accept (app/core/limits.py): issue 12 §8 tests every paper with them.
LONGEST_NAME = "Công ty Trách nhiệm hữu hạn Một thành viên Dịch vụ Nông nghiệp và Phát triển Nông thôn xã Quảng Phúc"
LONGEST_ADDRESS = ("Số nhà 125, ngõ 17, ngách 9, đường Nguyễn Văn Cừ, tổ dân phố số 4, thôn Phú Lộc Thượng, xã Quảng "
                   "Phú, tỉnh Thanh Hóa (nơi ở hiện tại: khu tập thể Công ty Cổ phần Xi măng Bỉm Sơn, dãy B, tầng 3, "
                   "phòng 204, đường Trần Phú, phường Bỉm Sơn, tỉnh Thanh Hóa; điện thoại gia đình: 0237 3825 888, "
                   "0912 34567)")
LONGEST_REASON = ("Hồ sơ cần được xác minh thêm tại cơ quan đã cấp giấy tờ gốc. " * 17)[:1000].rstrip() + "."
# Twenty real document names of the shipped catalogue, in their forms.
TWENTY_DOCUMENTS = (
    "Tờ khai đăng ký khai sinh", "Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh", "Tờ khai đăng ký kết hôn",
    "Giấy xác nhận tình trạng hôn nhân (nếu đăng ký ở nơi khác nơi cư trú)", "Tờ khai đăng ký khai tử",
    "Giấy báo tử hoặc giấy tờ thay Giấy báo tử", "Tờ khai đăng ký nhận cha, mẹ, con",
    "Chứng cứ chứng minh quan hệ cha, mẹ, con", "Tờ khai đăng ký giám hộ", "Văn bản cử người giám hộ",
    "Tờ khai đăng ký thay đổi, cải chính hộ tịch", "Giấy tờ làm căn cứ thay đổi, cải chính",
    "Tờ khai cấp bản sao trích lục hộ tịch", "Bản chính giấy tờ, văn bản làm cơ sở chứng thực",
    "Bản sao cần chứng thực", "Giấy tờ, văn bản cần chứng thực chữ ký", "Căn cước công dân hoặc hộ chiếu còn giá trị",
    "Dự thảo hợp đồng, giao dịch", "Giấy chứng nhận quyền sở hữu, quyền sử dụng (nếu có)",
    "Văn bản sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch",
)
FORMS = ("original", "certified_copy", "photocopy")


def nfd(text: str) -> str:
    """Some Vietnamese keyboards type decomposed letters: the services must print them as NFC."""
    return unicodedata.normalize("NFD", text)


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
    longest: str = ""  # 20 documents, the longest name and address, typed decomposed, a long timeline
    longest_refused: str = ""
    longest_stopped: str = ""
    longest_receipt: str = ""
    extra: dict[str, str] = field(default_factory=dict)


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
        save_settings(c, collector_tax_code="2800123456", collector_address="Thôn Trung, xã Quảng Phú, tỉnh Thanh Hóa",
                      collector_phone="0237 3888 123",
                      collector_account="3713.0.1234567 tại Kho bạc Nhà nước khu vực XI",
                      signer_authority="KT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH", signer_name="Lê Thị Thu Hà",
                      recipients=["Như trên", "Chủ tịch UBND xã (để b/c)", "Lưu: VT, BPMC"])
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
    samples = Samples(desk, slip.uid, supplement.uid, refusal.uid, apology.uid, stop.uid, receipt.uid, voided.uid)
    add_longest(samples, clock)
    clock.at(2026, 11, 18, 15, 0)
    return samples


def _longest_input(procedure: str = "2.000815", documents: bool = True) -> ReceptionInput:
    docs = tuple(DocumentInput(nfd(name), FORMS[i % 3], 1 + i % 4) for i, name in enumerate(TWENTY_DOCUMENTS))
    return ReceptionInput(procedure, nfd(LONGEST_NAME), owner_id_number="038195009999",
                          owner_address=nfd(LONGEST_ADDRESS), owner_phone="+84912345678",
                          owner_email="phong.hanh.chinh.tong.hop.cong.ty.nong.nghiep@quangphu.thanhhoa.example.vn",
                          documents=docs if documents else None, pages=40, copies=10,
                          manual_fee=None if procedure == "2.000815" else 50000)


def add_longest(s: Samples, clock: Clock) -> None:
    """Dossiers on 17/11 (their own day, so the other samples' codes stay) with the longest values:
    one through every step, one refused, one stopped."""
    desk = s.desk
    clock.at(2026, 11, 17, 14, 50)
    longest = receive_dossier(desk, _longest_input())
    s.longest_receipt = issue_receipt(desk, dossier_uid=longest.uid).uid
    unit = "Công chức Văn phòng - Thống kê phụ trách công tác chứng thực và hộ tịch của Ủy ban nhân dân xã"
    clock.at(2026, 11, 17, 15, 30)
    p.forward(desk, longest.uid, to_unit=nfd(unit), note=nfd(LONGEST_REASON))
    clock.at(2026, 11, 18, 8, 0)
    p.request_supplement(desk, longest.uid, reason=nfd(LONGEST_REASON),
                         missing_documents=[nfd(name) for name in TWENTY_DOCUMENTS[:8]])
    clock.at(2026, 11, 19, 9, 15)
    p.receive_supplement(desk, longest.uid, note=nfd(LONGEST_REASON))
    clock.at(2026, 11, 19, 10, 0)
    p.reschedule(desk, longest.uid, new_due=from_local(datetime(2026, 11, 27, 16, 0)), reason=nfd(LONGEST_REASON))
    clock.at(2026, 11, 26, 9, 0)
    p.finish(desk, longest.uid, note=nfd(LONGEST_REASON))
    clock.at(2026, 11, 26, 14, 0)
    p.hand_over(desk, longest.uid, receiver=nfd(LONGEST_NAME), note=nfd(LONGEST_REASON))
    s.longest = longest.uid

    clock.at(2026, 11, 17, 15, 0)
    refused = receive_dossier(desk, _longest_input("XA.CT.HOPDONG"))
    p.refuse(desk, refused.uid, reason=nfd(LONGEST_REASON))
    s.longest_refused = refused.uid
    clock.at(2026, 11, 17, 15, 10)
    stopped = receive_dossier(desk, _longest_input("XA.HT.NHANCMC", documents=False))
    p.forward(desk, stopped.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    p.stop(desk, stopped.uid, reason=nfd(LONGEST_REASON))
    s.longest_stopped = stopped.uid
