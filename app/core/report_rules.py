"""The rules of the periodic reports as versioned data: which dossier counts as late, and the
QĐ 766/QĐ-TTg indicators a commune computes from its own data, with threshold and points.

Kept here (not in resources/) so the hub, which imports only app.core, reads the very same table.
A change of the law is a new entry in RULES_766 with its `effective_from`; `rules_766(day)` picks
the one in force. Grades follow shared/domain.md: [C] confirmed, [S] secondary source, [U] not
verified — a [U] value is a best reading kept in one place so it can be corrected, not a citation.
"""

from __future__ import annotations

from datetime import date
from typing import Any

LATENESS: dict[str, Any] = {
    "source": "QĐ 766/QĐ-TTg, mô tả công thức chỉ số 2.1 [S] (shared/domain.md §13.3); Mẫu 04 TT 01/2018 [C]",
    # "more than one supplement request makes a dossier late"
    "max_supplement_requests": 1,
    # An apology with a new date (Mẫu 04) is issued because the dossier is late: the new date does
    # not make it on time again.
    "rescheduled_is_late": True,
}

# One entry per version of the indicator set. `scope` names the dossiers the denominator counts
# (see app.core.reporting.indicator_contributions); `threshold` is a rate in [0, 1]; points are
# max_points when rate >= threshold, else rate / threshold * max_points (domain.md §13.3 [S]).
RULES_766: list[dict[str, Any]] = [
    {
        "version": "2022-06-23",
        "effective_from": "2022-06-23",
        "source": "Quyết định 766/QĐ-TTg ngày 23/6/2022 (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng "
                  "phục vụ người dân, doanh nghiệp); nhóm và tổng điểm [C], công thức và ngưỡng [S], điểm tối đa "
                  "của từng chỉ tiêu [U] (chia theo tổng điểm của nhóm)",
        "groups": {
            "1": ("Công khai, minh bạch", 18), "2": ("Tiến độ giải quyết", 20),
            "3": ("Dịch vụ công trực tuyến", 12), "4": ("Số hóa hồ sơ", 22),
            "5": ("Mức độ hài lòng", 18), "6": ("Thanh toán trực tuyến", 10),
        },
        "indicators": [
            {"code": "2.1", "group": "2", "name": "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn",
             "scope": "processed", "threshold": 1.0, "max_points": 10, "grade": "S/U",
             "basis": "Kết thúc = có kết quả > trả kết quả > dừng/từ chối/rút; không tính thời gian chờ bổ sung; "
                      "yêu cầu bổ sung quá 1 lần = trễ hạn; chưa kết thúc = cuối kỳ"},
            {"code": "2.2", "group": "2", "name": "Thời gian giải quyết trung bình (ngày)",
             "scope": "resolved_with_result", "threshold": None, "max_points": None, "grade": "S",
             "basis": "Trung bình số ngày từ tiếp nhận đến khi có kết quả, trừ thời gian chờ bổ sung; không chấm điểm "
                      "theo tỷ lệ"},
            {"code": "3.3", "group": "3", "name": "Tỷ lệ hồ sơ nộp trực tuyến", "scope": "received",
             "threshold": 0.5, "max_points": 4, "grade": "S/U", "basis": "Kênh thực hiện = 2 (trực tuyến)"},
            {"code": "3.6", "group": "6", "name": "Tỷ lệ hồ sơ thanh toán trực tuyến", "scope": "received_with_fee",
             "threshold": 1.0, "max_points": 10, "grade": "S/U",
             "basis": "DuocThanhToanTrucTuyen = 1 (Cổng DVCQG) hoặc 2 (cổng tỉnh) trên hồ sơ có phí, lệ phí khác 0"},
            {"code": "4.1", "group": "4", "name": "Tỷ lệ hồ sơ có kết quả điện tử", "scope": "resolved_with_result",
             "threshold": 1.0, "max_points": 6, "grade": "S/U", "basis": "Kết quả giải quyết được số hóa"},
            {"code": "4.2", "group": "4", "name": "Tỷ lệ số hóa thành phần hồ sơ và kết quả",
             "scope": "resolved_with_result", "threshold": 0.8, "max_points": 6, "grade": "S/U",
             "basis": "Thành phần hồ sơ và kết quả đều được số hóa"},
            {"code": "4.3", "group": "4", "name": "Tỷ lệ hồ sơ có thành phần được số hóa", "scope": "received",
             "threshold": 0.8, "max_points": 5, "grade": "S/U", "basis": "HoSoCoThanhPhanSoHoa = 1"},
            {"code": "4.4", "group": "4", "name": "Tỷ lệ hồ sơ tái sử dụng dữ liệu từ Kho quản lý dữ liệu",
             "scope": "received", "threshold": 1.0, "max_points": 5, "grade": "S/U", "basis": "DuocLayTuKhoDMQG = 1"},
            {"code": "5.4", "group": "5", "name": "Mức độ hài lòng trong giải quyết thủ tục hành chính",
             "scope": "processed", "threshold": 0.9, "max_points": 6, "grade": "S/U",
             "basis": "100% − (tỷ lệ trễ hạn + tỷ lệ có phản ánh, kiến nghị hoặc «không hài lòng»)"},
        ],
    },
]


def rules_766(day: date | None = None) -> dict[str, Any]:
    """The indicator set in force on `day` (the latest one when None)."""
    entries = sorted(RULES_766, key=lambda entry: entry["effective_from"])
    if day is None:
        return entries[-1]
    in_force = [entry for entry in entries if date.fromisoformat(entry["effective_from"]) <= day]
    return in_force[-1] if in_force else entries[0]
