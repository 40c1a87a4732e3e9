"""`motcua report …` on a real database file: JSON with the hand-worked numbers, a workbook with real
numbers, SUM formulas and print set-up, PDFs read back with poppler; bad periods refused plainly."""

import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from app.cli import main
from app.services.clock import LOCAL_ZONE
from tests.forms.pdf_tools import layout_lines, pages, text
from tests.helpers.report_data import at, build_hand_set

NOV = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture
def db(desk, clock, db_path):
    build_hand_set(desk, clock)
    at(clock, 2026, 12, 2, 9)
    desk.db.dispose()
    return str(db_path)


def test_ii06a_json_has_the_rows_and_total(db, capsys):
    assert main(["--db", db, "report", "ii06a", *NOV, "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["period"] == {"from": "2026-11-01", "to": "2026-11-30"}
    rows = {row["linh_vuc"]: row for row in body["rows"]}
    assert set(rows) == {"Chứng thực", "Hộ tịch"}
    assert list(rows["Hộ tịch"]) == ["linh_vuc", "received_total", "received_online", "received_direct", "carried_over",
                                     "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
                                     "pending_total", "pending_within", "pending_overdue"]
    assert body["total"]["received_total"] == 13 and body["total"]["pending_overdue"] == 2


def test_ii06a_workbook_real_numbers_formulas_print_setup(db, tmp_path):
    out = tmp_path / "ii06a.xlsx"
    assert main(["--db", db, "report", "ii06a", "--period", "month:2026-11", "--format", "xlsx", "--out",
                 str(out)]) == 0
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=8, values_only=True) if r[1] in ("Chứng thực", "Hộ tịch")}
    assert rows["Hộ tịch"][2:] == (8, 1, 5, 2, 6, 1, 3, 2, 2, 1, 1)
    assert all(isinstance(v, int) for v in rows["Chứng thực"][2:])
    total = next(r for r in sheet.iter_rows(min_row=8) if r[1].value == "Tổng cộng")
    assert total[2].value == "=SUM(C8:C9)" and total[12].value == "=SUM(M8:M9)"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.print_title_rows == "$4:$7"
    assert sheet["A7"].value == "(1)" and sheet["M7"].value == "(13)"


def test_ii06a_pdf_header_period_rows_signatures(db, tmp_path):
    out = tmp_path / "ii06a.pdf"
    assert main(["--db", db, "report", "ii06a", *NOV, "--format", "pdf", "--out", str(out),
                 "--to-unit", "Văn phòng UBND tỉnh Thanh Hóa"]) == 0
    pdf = out.read_bytes()
    count, size = pages(pdf)
    assert count == 1 and size[0] > size[1]  # A4 landscape
    words = text(pdf)
    today = datetime.now(LOCAL_ZONE).date()  # signed on the day it is made, in Vietnam
    for expected in ("Biểu số II.06a/VPCP/KSTT", "Kỳ báo cáo: Từ ngày 01/11/2026 đến ngày 30/11/2026",
                     "Văn phòng UBND tỉnh Thanh Hóa", "NGƯỜI LẬP BIỂU", "CHỦ TỊCH",
                     f"Quảng Phú, ngày {today:%d} tháng {today:%m} năm {today:%Y}"):
        assert expected in words
    lines = layout_lines(pdf, 1)
    assert any(line.startswith("2 Hộ tịch 8 1 5 2 6 1 3 2 2 1 1") for line in lines)
    assert any(line.startswith("Tổng cộng 13 2 9 2 10 1 6 3 3 1 2") for line in lines)


def test_766_pdf_and_json(db, tmp_path, capsys):
    out = tmp_path / "766.pdf"
    assert main(["--db", db, "report", "766", "--period", "month:2026-11", "--format", "pdf", "--out", str(out)]) == 0
    pdf = out.read_bytes()
    assert "2.1 Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn 7 13 53,8% 100,0% 10 5,38" in layout_lines(pdf, 1)
    words = text(pdf)
    assert "Hồ sơ quá hạn (5 hồ sơ)" in words and "Yêu cầu bổ sung 2 lần" in words
    capsys.readouterr()
    assert main(["--db", db, "report", "766", *NOV]) == 0
    body = json.loads(capsys.readouterr().out)
    first = body["indicators"][0]
    assert (first["code"], first["numerator"], first["denominator"]) == ("2.1", 7, 13)
    assert len(body["late"]) == 5 and body["satisfaction"]["Không hài lòng"] == 1


def test_766_workbook_sheets(db, tmp_path):
    out = tmp_path / "766.xlsx"
    assert main(["--db", db, "report", "766", *NOV, "--format", "xlsx", "--out", str(out)]) == 0
    book = load_workbook(io.BytesIO(out.read_bytes()))
    assert book.sheetnames[0] == "Chi so 766" and "Ho so qua han" in book.sheetnames
    sheet = book["Chi so 766"]
    assert (sheet["A5"].value, sheet["C5"].value, sheet["D5"].value) == ("2.1", 7, 13)
    assert sheet["E5"].value == '=IF(D5=0,"",C5/D5)'
    assert sheet["E5"].number_format == "0.0%"
    late = book["Ho so qua han"]
    assert late.max_row == 4 + 5 and late["E5"].is_date


@pytest.mark.parametrize("args, message", [
    (["--period", "quarter:2026-5"], "Quý phải từ 1 đến 4."),
    (["--from", "2026-12-01", "--to", "2026-11-01"], "Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ."),
    (["--from", "2026-11-01"], "Hãy cho kỳ báo cáo"),
    (["--period", "month:2026-11", "--from", "2026-11-01"], "không dùng cả hai"),
    ([*NOV, "--format", "pdf"], "cần --out"),
])
def test_bad_requests_are_refused_plainly(db, tmp_path, capsys, args, message):
    capsys.readouterr()
    assert main(["--db", db, "report", "ii06a", *args]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.glob("*.pdf")) == []


def test_once_there_are_accounts_only_an_officer_who_may_see_reports(db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "quan-tri-123")
    assert main(["--db", db, "officer", "add", "--username", "admin", "--name", "Trần Văn Quản"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "report", "ii06a", *NOV]) == 2
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_PASSWORD", "quan-tri-123")
    assert main(["--db", db, "--user", "admin", "report", "ii06a", *NOV]) == 2  # an administrator configures only
    assert "không được xem báo cáo" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "truong-bp-123")
    assert main(["--db", db, "--user", "admin", "officer", "add", "--username", "hoa.lt", "--name", "Lê Thị Hòa",
                 "--role", "truong_bo_phan"]) == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "truong-bp-123")
    capsys.readouterr()
    assert main(["--db", db, "--user", "hoa.lt", "report", "ii06a", *NOV]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["received_total"] == 13
