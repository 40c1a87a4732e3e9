"""The closed lists a dossier's fields take their values from: one place for the desk's screens,
its services, and the sync contract that checks what devices send."""

from __future__ import annotations

DOCUMENT_FORMS = {"original": "Bản chính", "certified_copy": "Bản sao chứng thực", "photocopy": "Bản photo",
                  "original_or_copy": "Bản chính hoặc bản sao"}
CHANNELS = {1: "Trực tiếp", 2: "Trực tuyến", 3: "Qua bưu chính công ích"}
# DuocThanhToanTrucTuyen (shared/domain.md §13.3): how the fee was paid online, if it was.
ONLINE_PAYMENTS = {0: "Không thanh toán trực tuyến", 1: "Qua Cổng Dịch vụ công quốc gia",
                   2: "Qua cổng thanh toán của tỉnh"}
RETURN_METHODS = {"desk": "Tại Bộ phận tiếp nhận và trả kết quả", "post": "Qua dịch vụ bưu chính"}
OWNER_KINDS = {1: "Công dân", 2: "Doanh nghiệp", 3: "Cơ quan nhà nước", 4: "Tổ chức khác"}
SEXES = ("", "Nam", "Nữ")
RATINGS = {"rat_hai_long": "Rất hài lòng", "hai_long": "Hài lòng", "khong_hai_long": "Không hài lòng"}
HAND_OVER_METHODS = {"desk": "Trực tiếp tại Bộ phận một cửa", "post": "Qua dịch vụ bưu chính"}
