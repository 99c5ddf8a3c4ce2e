"""The page at / in headless Chromium (Selenium): upload a real digit through the file input,
read the prediction off the page, and check it is /predict's answer; nothing loads from the
network, and the page shows a refused file's reason in words."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from needs import needs, needs_module

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
TIMEOUT = 30


@pytest.fixture(scope="module")
def browser():
    webdriver = needs_module("selenium.webdriver")
    needs(Path(CHROMIUM).exists(), "headless Chromium", "install Debian's chromium "
                                                        "(make setup-dev does)")
    needs(Path(CHROMEDRIVER).exists(), "chromedriver", "install Debian's chromium-driver "
                                                       "(make setup-dev does)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--lang=vi"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "vi-VN,vi"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(TIMEOUT)
    yield driver
    driver.quit()


def _cards_done(driver, count):
    from selenium.webdriver.common.by import By

    cards = driver.find_elements(By.CSS_SELECTOR, "#results .card")
    finished = [card for card in cards if card.get_attribute("data-state") != "waiting"]
    return finished if len(cards) == count and len(finished) == count else False


def test_upload_through_the_page_shows_the_predicted_label(browser, live_server, digit_files,
                                                           tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    photo, not_a_photo = digit_files[6], tmp_path / "ghi chú.png"
    not_a_photo.write_text("not an image\n")
    answer = httpx.post(f"{live_server}/predict",
                        files=[("files", (photo.name, photo.read_bytes(), "image/png"))]).json()
    expected = answer["predictions"][0]

    browser.get(f"{live_server}/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi"  # the prefs
    browser.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(
        f"{photo}\n{not_a_photo}")
    cards = WebDriverWait(browser, TIMEOUT).until(lambda driver: _cards_done(driver, 2))
    by_name = {card.find_element(By.CSS_SELECTOR, ".name").text: card for card in cards}

    done = by_name[photo.name]
    assert done.get_attribute("data-state") == "done"
    assert done.find_element(By.CSS_SELECTOR, ".predicted").text == expected["predicted"]
    bars = done.find_elements(By.CSS_SELECTOR, ".bars li")
    assert [bar.find_element(By.CSS_SELECTOR, ".class").text for bar in bars] == [
        entry["class"] for entry in expected["top"]]
    assert "," in bars[0].find_element(By.CSS_SELECTOR, ".percent").text  # Vietnamese "91,4 %"

    refused = by_name[not_a_photo.name]
    assert refused.get_attribute("data-state") == "error"
    assert refused.find_element(By.CSS_SELECTOR, ".status").text.startswith(
        f"Không đọc được '{not_a_photo.name}' như một ảnh")

    resources = browser.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert all(url.startswith(live_server) for url in resources), resources
    problems = [entry for entry in browser.get_log("browser")
                if entry["level"] == "SEVERE" and "/predict" not in entry["message"]]
    assert problems == []  # no blocked load, no script error (the refused upload's 422 aside)
