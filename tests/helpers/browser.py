"""A real headless browser for the hub's web pages: Debian's chromium driven by selenium.

Selenium's own driver manager would try to download a browser; this machine (and a commune's LAN)
has none to download from, so the driver and the browser are the Debian packages installed by
scripts/setup.sh. The window is 1366×768, the screen a commune official has.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _driver():  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,768", "--lang=vi-VN", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-sync"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)


@pytest.fixture
def browser() -> Iterator[object]:
    """A fresh headless chromium for one test; closed after it."""
    if not (CHROMIUM.exists() and shutil.which(str(CHROMEDRIVER))):
        pytest.fail("chromium and chromium-driver are missing: run scripts/setup.sh")
    driver = _driver()
    try:
        yield driver
    finally:
        driver.quit()


def navigating(driver, act: Callable[[], object], timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    """Do what loads a new page (Enter in a form, a click on a link) and wait until it has loaded.

    Chromium returns from a key press before the form is submitted; looking for the next page's
    fields at once finds the old page (or nothing) on a busy machine.
    """
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    act()
    wait = WebDriverWait(driver, timeout)
    wait.until(expected_conditions.staleness_of(old))
    wait.until(lambda d: d.execute_script("return document.readyState") == "complete")
