"""The public lookup page in a real headless chromium (Debian's, through selenium) against a real hub
on 127.0.0.1: the address the printed QR carries shows the receipt, its signer and "Chữ ký số hợp
lệ"; the form takes the code as a person types it; an unknown or malformed code gets a plain
Vietnamese message; a stored copy that no longer verifies says so; the 31st request of a minute
from one address gets a 429 page. Set MOTCUA_SHOTS=docs to write docs/ereceipt-lookup.png."""

import os
from pathlib import Path

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import update

from ereceipt.lookup import lookup_url, qr_payload
from sync.hub.lookup import PER_MINUTE, RateLimit
from sync.hub.models import EDocument
from tests.helpers.browser import browser  # noqa: F401 (the fixture)
from tests.sync.conftest import COMMUNE_A
from tests.sync.ereceipt_ops import enrolled_token, make, push, signer

ROOT = Path(__file__).resolve().parents[2]
sqlite_only = pytest.mark.parametrize("hub_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    return signer(tmp_path_factory.mktemp("key"))


def text_of(driver) -> str:
    try:
        return driver.find_element(By.TAG_NAME, "body").text
    except StaleElementReferenceException:  # the page was replaced while it was read: read the new one
        return driver.find_element(By.TAG_NAME, "body").text


@sqlite_only
def test_the_qr_address_and_the_typed_code_show_the_receipt_and_its_valid_signature(hub, key, browser):  # noqa: F811
    made = make(key, 7, amount=21_000, dossier_code="000.17.22.H56-270101-2001")
    assert [r["status"] for r in push(hub, enrolled_token(hub, COMMUNE_A, 1), made.ops())] == ["applied"] * 2
    code = made.receipt.lookup_code
    address = qr_payload(made.receipt, hub.url)  # what the desk prints in the QR
    assert address == lookup_url(hub.url, code)
    browser.get(address)
    page = text_of(browser)
    for expected in ("Chữ ký số hợp lệ", "BIÊN LAI THU PHÍ, LỆ PHÍ", "EBL01", "27TAA", "00000007",
                     "07:30 ngày 01/01/2027", "Ủy ban nhân dân xã Quảng Phú", "2800123456", "Nguyễn Văn Đức",
                     "Lệ phí chứng thực bản sao từ bản chính", "21.000 đồng", "Hai mươi mốt nghìn đồng",
                     "000.17.22.H56-270101-2001", "Người ký: Ủy ban nhân dân xã Quảng Phú",
                     "đang chờ gửi cơ quan thuế"):
        assert expected in page, expected
    assert browser.execute_script("return document.documentElement.lang") == "vi"
    if os.environ.get("MOTCUA_SHOTS"):  # the page itself at 1366×768, the window's frame added around it
        browser.set_window_size(1366, 768)
        frame = 768 - browser.execute_script("return window.innerHeight")
        browser.set_window_size(1366, 768 + frame)
        browser.save_screenshot(str(ROOT / os.environ["MOTCUA_SHOTS"] / "ereceipt-lookup.png"))
    # On a phone-sized screen nothing runs off the side.
    browser.set_window_size(390, 844)
    browser.get(address)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
    browser.set_window_size(1366, 768)
    # The form, with the code as a person types it: lower case, in groups.
    browser.get(f"{hub.url}/tra-cuu-bien-lai")
    assert "Mã tra cứu in trên biên lai" in text_of(browser)
    field = browser.find_element(By.ID, "ma")
    field.send_keys(f"{code[:4].lower()} {code[4:8]} {code[8:]}")
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda driver: "ma=" in driver.current_url and "00000007" in text_of(driver))
    assert "Chữ ký số hợp lệ" in text_of(browser)


@sqlite_only
def test_unknown_and_malformed_codes_and_a_copy_that_no_longer_verifies(hub, key, browser):  # noqa: F811
    made = make(key, 8)
    push(hub, enrolled_token(hub, COMMUNE_A, 1), made.ops())
    browser.get(lookup_url(hub.url, "23456789ABCD"))
    assert "Không tìm thấy biên lai nào có mã tra cứu này" in text_of(browser)
    browser.get(lookup_url(hub.url, "<script>alert(1)</script>"))
    page = text_of(browser)
    assert "Mã tra cứu gồm đúng 12 ký tự" in page and "<script>" in browser.find_element(By.ID, "ma").get_attribute(
        "value")
    assert browser.execute_script("return document.scripts.length") == 0
    # Someone edits the stored copy (the amount) behind the hub's back: the page says it is not valid.
    tampered = made.xml.replace(b"<TgTTTBSo>21000</TgTTTBSo>", b"<TgTTTBSo>2100</TgTTTBSo>")
    assert tampered != made.xml
    with hub.engine.begin() as c:
        c.execute(update(EDocument).values(xml=tampered))
    browser.get(lookup_url(hub.url, made.receipt.lookup_code))
    page = text_of(browser)
    assert "Chữ ký số không hợp lệ" in page and "Chữ ký số hợp lệ" not in page


@sqlite_only
def test_one_address_gets_thirty_lookups_a_minute_then_a_vietnamese_429(hub):
    address = lookup_url(hub.url, "23456789ABCD")
    answers = [requests.get(address, timeout=10) for _ in range(PER_MINUTE)]
    assert {a.status_code for a in answers} == {404}
    refused = requests.get(address, timeout=10)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "quá nhiều lần trong một phút" in refused.text
    assert refused.headers["Content-Type"].startswith("text/html") and "charset=utf-8" in refused.headers[
        "Content-Type"]


def test_the_limit_slides_with_the_minute():
    now = [0.0]
    limit = RateLimit(3, clock=lambda: now[0])
    assert [limit.allow("a") for _ in range(4)] == [True, True, True, False]
    assert limit.allow("b")
    now[0] = 59.9
    assert not limit.allow("a")
    now[0] = 60.0
    assert limit.allow("a")


@sqlite_only
def test_a_pasted_qr_text_of_a_desk_without_the_hubs_address_finds_the_receipt(hub, key):
    made = make(key, 9)
    push(hub, enrolled_token(hub, COMMUNE_A, 1), made.ops())
    text = qr_payload(made.receipt)  # MCBL1|MST=…|MTC=…: what a desk prints when it does not know the hub
    assert text.startswith("MCBL1|")
    page = requests.get(f"{hub.url}/tra-cuu-bien-lai", params={"ma": text}, timeout=10)
    assert page.status_code == 200 and "Chữ ký số hợp lệ" in page.text and "00000009" in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
