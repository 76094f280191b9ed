"""End-to-end: the dashboard in headless Chromium (Debian chromium + chromium-driver, via selenium).

Selenium Manager is never used: the driver is /usr/bin/chromedriver and the browser /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from status_guard.errors import RefusedError

CHROMIUM = Path("/usr/bin/chromium")
DRIVER = Path("/usr/bin/chromedriver")
IN_CI = os.environ.get("CI", "").lower() == "true"
pytestmark = pytest.mark.chromium
SCREENSHOT_DIR = os.environ.get("STATUS_GUARD_SCREENSHOT_DIR")


def _require_chromium() -> None:
    if CHROMIUM.exists() and DRIVER.exists():
        return
    if IN_CI:
        pytest.fail("CI=true requires /usr/bin/chromium and /usr/bin/chromedriver (.ci/run installs them)")
    pytest.skip("headless Chromium is not installed (apt-get install chromium chromium-driver)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(recorder, guard, audit_log, log_path) -> Iterator[tuple[str, Path]]:
    import uvicorn

    from status_guard.compliance.dashboard.app import DashboardConfig, create_app

    recorder.record("detainer_request", person_id="p1", in_custody=True, occurred_at="2026-02-01T08:00:00Z")
    recorder.record("federal_reimbursement", case_ref="CPD-2026-001", amount="1250.00",
                    occurred_at="2026-03-01T00:00:00Z")
    with pytest.raises(RefusedError):
        recorder.record("detained_on_ice_hold", person_id="p1", hold_basis=["ice_detainer"])
    for field in ("citizenship", "immigration_status"):
        d = guard.check_submission({field: "x"}, scope="schools", requester="local")
        guard.record(d, adapter="asgi", route="POST /enroll")
    audit_log.heartbeat()
    audit_log.close()
    port = _free_port()
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", log_path
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--window-size=1280,1400",
                "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    opts.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                           "download.prompt_for_download": False,
                                           "safebrowsing.enabled": False})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    driver.downloads = downloads  # type: ignore[attr-defined]
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(10)  # elements of a page that is still loading
    try:
        yield driver
    finally:
        driver.quit()


def _navigate(browser: Any, element: Any, timeout: float = 20) -> None:
    """Click something that loads a new page and wait until the old page is gone, so the next
    lookup cannot read the previous page (a race seen on a loaded CI machine)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    old = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, timeout).until(EC.staleness_of(old))


def _wait_for_file(folder: Path, suffix: str, timeout: float = 20) -> Path:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} download after {timeout} s: {[p.name for p in folder.iterdir()]}")


def test_officer_filters_the_log_and_downloads_the_report(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base, _ = served
    browser.get(base + "/")
    assert "Chain verified" in browser.find_element(By.ID, "chain-status").text
    assert "2.129.040(d)" in browser.find_element(By.ID, "refusals").text
    if SCREENSHOT_DIR:
        browser.save_screenshot(str(Path(SCREENSHOT_DIR) / "dashboard-overview.png"))

    _navigate(browser, browser.find_element(By.LINK_TEXT, "Audit log"))
    Select(browser.find_element(By.ID, "f-effect")).select_by_value("block")
    clause = browser.find_element(By.ID, "f-citation")  # found by its label's id
    clause.send_keys("2.129.040(k)")
    _navigate(browser, browser.find_element(By.ID, "apply-filters"))
    assert "2 matching record(s)" in browser.find_element(By.ID, "result-count").text
    assert "effect=block" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "#records-table tbody tr")
    assert len(rows) == 2 and all("2.129.040(k)" in r.text for r in rows)
    if SCREENSHOT_DIR:
        browser.save_screenshot(str(Path(SCREENSHOT_DIR) / "dashboard-records.png"))

    _navigate(browser, browser.find_element(By.LINK_TEXT, "060 report"))
    browser.find_element(By.ID, "r-from").send_keys("01012026")  # Chromium's date field: mm/dd/yyyy
    to = browser.find_element(By.ID, "r-to")
    to.send_keys("06302026")
    _navigate(browser, browser.find_element(By.ID, "show-report"))
    assert "from=2026-01-01" in browser.current_url and "to=2026-06-30" in browser.current_url
    figures = browser.find_element(By.ID, "report-figures").text
    assert "ICE detainer request received 1" in figures
    browser.find_element(By.ID, "download-csv").click()
    csv_file = _wait_for_file(browser.downloads, ".csv")
    assert "Federal reimbursements received (USD),1250.00" in csv_file.read_text()
    browser.find_element(By.ID, "download-pdf").click()
    assert _wait_for_file(browser.downloads, ".pdf").read_bytes().startswith(b"%PDF")
    if SCREENSHOT_DIR:
        browser.save_screenshot(str(Path(SCREENSHOT_DIR) / "dashboard-report.png"))


def test_officer_sees_a_tampered_log_flagged(served, browser):
    from selenium.webdriver.common.by import By

    base, log_path = served
    text = log_path.read_text()
    assert '"1250.00"' in text
    log_path.write_text(text.replace('"1250.00"', '"125.00"'))  # someone edits a reimbursement
    browser.get(base + "/")
    banner = browser.find_element(By.ID, "chain-status")
    assert "TAMPERING OR DAMAGE DETECTED" in banner.text and "edited" in banner.text
    assert banner.get_attribute("role") == "alert"
    browser.get(base + "/report?from=2026-01-01&to=2026-06-30")
    assert "DID NOT VERIFY" in browser.find_element(By.ID, "report-verification").text
    if SCREENSHOT_DIR:
        browser.save_screenshot(str(Path(SCREENSHOT_DIR) / "dashboard-tampered.png"))


def test_every_form_control_has_a_label_and_the_keyboard_reaches_the_filters(served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    base, _ = served
    for path in ("/records", "/report"):
        browser.get(base + path)
        for el in browser.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select"):
            el_id = el.get_attribute("id")
            assert el_id and browser.find_elements(By.CSS_SELECTOR, f"label[for='{el_id}']"), el_id
    browser.get(base + "/records")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Skip to content"
    shutil.rmtree(browser.downloads, ignore_errors=True)
