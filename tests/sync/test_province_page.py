"""The province's page on a real hub: the login, the numbers against the desk's own report for the
same dossiers, each desk's health, and the page in a real headless chromium."""

from __future__ import annotations

import os
import re
from pathlib import Path

import requests

from app.core.reporting import II06A_COLUMNS, month
from app.services import processing, reports
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from sync.hub.admin import create_admin_token
from tests.helpers.browser import navigating
from tests.helpers.data import birth, copy_cert, marriage_status
from tests.sync.conftest import COMMUNE_B

ROOT = Path(__file__).resolve().parents[2]


def _session(hub) -> tuple[requests.Session, str]:
    token = create_admin_token(hub.engine, "Sở Nội vụ")
    http = requests.Session()
    answer = http.post(f"{hub.url}/tinh/dang-nhap", data={"ma": token}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303 and answer.headers["location"] == "/tinh"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    return http, token


def test_the_page_needs_an_admin_login(hub):
    anonymous = requests.get(f"{hub.url}/tinh", allow_redirects=False, timeout=10)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == "/tinh/dang-nhap"
    forged = requests.get(f"{hub.url}/tinh", cookies={"motcua_tinh": "x" * 43}, allow_redirects=False, timeout=10)
    assert forged.status_code == 303
    wrong = requests.post(f"{hub.url}/tinh/dang-nhap", data={"ma": "không-phải-mã"}, timeout=10)
    assert wrong.status_code == 403 and "Mã quản trị không đúng" in wrong.text
    garbage = requests.post(f"{hub.url}/tinh/dang-nhap", data=b"\xff\xfe=\x00" * 50,
                            headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert garbage.status_code == 403
    http, _token = _session(hub)
    page = http.get(f"{hub.url}/tinh", timeout=10)
    assert page.status_code == 200 and "Biểu II.06a" in page.text
    assert "script" not in page.headers["content-security-policy"].replace("'none'", "")
    bad = http.get(f"{hub.url}/tinh", params={"tu": "31/02/2026", "den": "x"}, timeout=10)
    assert bad.status_code == 400 and "Kỳ báo cáo không hợp lệ" in bad.text
    backwards = http.get(f"{hub.url}/tinh", params={"tu": "2026-05-02", "den": "2026-05-01"}, timeout=10)
    assert backwards.status_code == 400
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    http.post(f"{hub.url}/tinh/dang-xuat", data={"csrf": "sai"}, timeout=10)
    assert http.get(f"{hub.url}/tinh", allow_redirects=False, timeout=10).status_code == 200  # a forged logout fails
    http.post(f"{hub.url}/tinh/dang-xuat", data={"csrf": csrf}, timeout=10)
    assert http.get(f"{hub.url}/tinh", allow_redirects=False, timeout=10).status_code == 303


def test_guessing_the_admin_token_is_slowed_down(hub):
    answers = [requests.post(f"{hub.url}/tinh/dang-nhap", data={"ma": f"đoán-{n}"}, timeout=10).status_code
               for n in range(12)]
    assert answers[:10] == [403] * 10 and answers[-1] == 429


def _a_month_of_work(desk_a, desk_b, clock) -> None:
    """Dossiers that hit the report's columns: done the same day, early and late; refused; two
    supplement requests; still open and overdue; another commune's."""
    same_day = receive_dossier(desk_a, copy_cert("Trần Thị Bình"))
    early = receive_dossier(desk_a, marriage_status("Nguyễn Văn Đức"))
    late = receive_dossier(desk_a, marriage_status("Lê Văn Cường"))
    refused = receive_dossier(desk_a, birth("Phạm Thị Dung"))
    paused = receive_dossier(desk_a, marriage_status("Hoàng Văn Em"))
    receive_dossier(desk_a, marriage_status("Vũ Thị Giang"))  # open, overdue at the month's end
    receive_dossier(desk_b, birth("Đặng Văn Hùng"))
    processing.finish(desk_a, same_day.uid)
    processing.refuse(desk_a, refused.uid, reason="Hồ sơ không thuộc thẩm quyền giải quyết của xã")
    for n in range(2):
        processing.request_supplement(desk_a, paused.uid, reason=f"Thiếu giấy tờ lần {n + 1}",
                                      missing_documents=["Bản sao giấy khai sinh"])
        processing.receive_supplement(desk_a, paused.uid)
    clock.advance(hours=1)
    processing.finish(desk_a, early.uid)
    clock.advance(days=9)
    processing.finish(desk_a, late.uid)
    clock.advance(days=3)


def _table_rows(html: str) -> list[list[str]]:
    body = html.split("<h2>Biểu II.06a", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>|<tr class=\"total\">(.*?)</tr>", body, flags=re.S)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", a or b, flags=re.S)]
            for a, b in rows if "<td" in (a or b)]


def test_the_province_sees_what_each_commune_reports_and_each_desks_health(make_desk, hub, clock):
    desk_a = make_desk("mot", 1)
    desk_b = make_desk("hai", 1, COMMUNE_B)
    _a_month_of_work(desk_a, desk_b, clock)
    for desk in (desk_a, desk_b):
        assert SyncClient(desk).round().problem == ""
    period = month(2026, 11)
    expected = reports.ii06a(desk_a, period).total
    http, _token = _session(hub)
    page = http.get(f"{hub.url}/tinh", params={"tu": "2026-11-01", "den": "2026-11-30"}, timeout=10).text
    rows = {row[1]: [int(v.replace(".", "")) for v in row[2:]] for row in _table_rows(page)}
    assert rows["Xã Quảng Phú"] == [expected[c] for c in II06A_COLUMNS]
    assert rows["Xã Hoằng Hóa"][0] == 1
    assert rows["Tổng cộng"][0] == expected["received_total"] + 1
    assert expected["resolved_late"] >= 1 and expected["pending_overdue"] >= 1 and expected["resolved_early"] >= 1
    commune = http.get(f"{hub.url}/tinh/xa/000.17.22.H56", params={"tu": "2026-11-01", "den": "2026-11-30"},
                       timeout=10).text
    by_field = reports.ii06a(desk_a, period).rows
    for field in by_field:
        assert field in commune
    health = page.split("Tình trạng đồng bộ", 1)[1]
    assert "Máy mot" in health and "Máy hai" in health and "phút trước" in health
    assert "chưa đồng bộ" not in health


def test_the_page_in_a_real_browser(make_desk, hub, clock, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    desk_a = make_desk("mot", 1)
    desk_b = make_desk("hai", 1, COMMUNE_B)
    _a_month_of_work(desk_a, desk_b, clock)
    for desk in (desk_a, desk_b):
        SyncClient(desk).round()
    token = create_admin_token(hub.engine, "Sở Nội vụ")
    browser.get(f"{hub.url}/tinh?tu=2026-11-01&den=2026-11-30")
    assert "đăng nhập" in browser.title.lower()
    field = browser.find_element(By.ID, "ma")
    assert field.get_attribute("autofocus") is not None  # the cursor waits in the field
    navigating(browser, lambda: field.send_keys(token, Keys.ENTER))
    for name, day in (("tu", "01/11/2026"), ("den", "30/11/2026")):  # the period typed as officials write dates
        box = browser.find_element(By.NAME, name)
        box.clear()
        box.send_keys(day)
    navigating(browser, lambda: box.send_keys(Keys.ENTER))
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in browser.find_element(By.TAG_NAME, "nav").text
    tables = browser.find_elements(By.TAG_NAME, "table")
    assert len(tables) == 4
    total = tables[0].find_elements(By.CSS_SELECTOR, "tr.total td")
    expected = reports.ii06a(desk_a, month(2026, 11)).total["received_total"] + 1
    assert total[2].text == str(expected)
    assert "Xã Quảng Phú" in tables[1].text and "Xã Hoằng Hóa" in tables[1].text
    browser.set_window_size(1366, 1500)
    shot = tmp_path / "province.png"
    if os.environ.get("MOTCUA_SHOTS"):  # MOTCUA_SHOTS=docs refreshes the README's picture
        shot = ROOT / os.environ["MOTCUA_SHOTS"] / "province.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    navigating(browser, browser.find_element(By.LINK_TEXT, "Xã Quảng Phú").click)
    assert "theo lĩnh vực" in browser.find_element(By.TAG_NAME, "main").text
