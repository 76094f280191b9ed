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
H1 = "?from=2026-01-01&to=2026-06-30"


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


def _serve(app: Any) -> tuple[Any, Any, str]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 60 s")
        time.sleep(0.02)
    return server, thread, f"http://127.0.0.1:{port}"


@pytest.fixture
def served(clock, recorder, guard, audit_log, log_path, tmp_path) -> Iterator[tuple[str, Path]]:
    """A signed log with a half-year of activity: events (one notice late, one corrected), refusals by two
    departments, heartbeats. Served with the public key, as `status-guard dashboard --public-key` does."""
    from status_guard.audit import open_audit
    from status_guard.audit.keys import load_public_key, write_signing_keypair
    from status_guard.compliance import EventRecorder
    from status_guard.compliance.dashboard.app import DashboardConfig, create_app

    write_signing_keypair(str(tmp_path / "s.pem"), str(tmp_path / "s.pem.pub"))
    audit_log.close()
    log = open_audit(f"jsonl:{log_path}", fsync="never", signing_key=str(tmp_path / "s.pem"), checkpoint_every=20)
    from status_guard import Guard

    g = Guard(guard.policy, audit=log)
    rec = EventRecorder(g, person_key=recorder.person_key, department="Police Department")
    clock.set("2026-01-01T12:00:00Z")
    for day in range(180):
        log.heartbeat()
        if day % 9 == 0:
            field = ("citizenship", "immigration_status", "country_of_birth")[day % 3]
            d = g.check_submission({field: "x"}, scope="schools", requester="local")
            g.record(d, adapter="asgi", route="POST /enroll")
        if day % 23 == 0:
            d = g.check_submission({"immigration_status": "x"}, scope="city", requester="local")
            g.record(d, adapter="asgi", route="POST /311/intake", department="Department of Human Service Programs")
        clock.advance(days=1)
    clock.set("2026-06-30T15:00:00Z")
    d1 = rec.record("detainer_request", person_id="BK-4411", in_custody=True, occurred_at="2026-02-01T08:00:00Z")
    rec.record("notice_delivered", obligation_ref=d1["event"]["obligation_ref"], occurred_at="2026-02-02T14:30:00Z")
    rec.record("administrative_warrant", person_id="BK-5120", in_custody=True, occurred_at="2026-05-20T10:00:00Z")
    rec.record("notification_request", person_id="BK-6001", occurred_at="2026-04-11T16:00:00Z")
    rec.record("ice_hold", person_id="BK-6001", occurred_at="2026-04-12T16:00:00Z")
    rec.record("federal_reimbursement", case_ref="CPD-2026-001", amount="1250.00", occurred_at="2026-03-01T15:00:00Z")
    wrong = rec.record("federal_reimbursement", case_ref="CPD-2026-014", amount="31.75", occurred_at="2026-05-01T15:00:00Z")
    rec.correct(wrong["seq"], reason="wrong_details", amount="317.50")
    rec.record("ice_cooperation", case_ref="INV-7", disclosable=True, occurred_at="2026-04-10T15:00:00Z")
    with pytest.raises(RefusedError):
        rec.record("detained_on_ice_hold", person_id="BK-6001", hold_basis=["ice_detainer"],
                   occurred_at="2026-04-12T18:00:00Z")
    log.close()
    app = create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}",
                                     public_key=load_public_key(str(tmp_path / "s.pem.pub")),
                                     person_key=recorder.person_key))
    app.state.warm()
    server, thread, base = _serve(app)
    try:
        yield base, log_path
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
    browser.get(base + "/" + H1)
    assert "Log verified" in browser.find_element(By.ID, "chain-status").text
    assert "2.129.040(d)" in browser.find_element(By.ID, "refusals").text

    _navigate(browser, browser.find_element(By.LINK_TEXT, "Audit log"))
    Select(browser.find_element(By.ID, "f-effect")).select_by_value("block")
    clause = browser.find_element(By.ID, "f-citation")  # found by its label's id
    clause.send_keys("2.129.040(d)")
    _navigate(browser, browser.find_element(By.ID, "apply-filters"))
    assert "1 matching record(s)" in browser.find_element(By.ID, "result-count").text
    assert "effect=block" in browser.current_url
    rows = browser.find_elements(By.CSS_SELECTOR, "#records-table tbody tr")
    assert len(rows) == 1 and "Refused — No arrest or hold solely on an ICE detainer" in rows[0].text

    _navigate(browser, browser.find_element(By.LINK_TEXT, "060 report"))
    frm = browser.find_element(By.ID, "p-from")
    frm.clear()
    frm.send_keys("01012026")  # Chromium's date field: mm/dd/yyyy
    to = browser.find_element(By.ID, "p-to")
    to.clear()
    to.send_keys("06302026")
    _navigate(browser, browser.find_element(By.ID, "apply-period"))
    assert "from=2026-01-01" in browser.current_url and "to=2026-06-30" in browser.current_url
    figures = browser.find_element(By.ID, "report-figures").text
    assert "1 ICE detainer request" in figures and "$1,567.50" in figures
    browser.find_element(By.ID, "download-csv").click()
    csv_file = _wait_for_file(browser.downloads, ".csv")
    assert "Federal reimbursements received (USD),1567.50" in csv_file.read_text()
    browser.find_element(By.ID, "download-pdf").click()
    assert _wait_for_file(browser.downloads, ".pdf").read_bytes().startswith(b"%PDF")


def test_officer_sees_a_tampered_log_flagged(served, browser):
    from selenium.webdriver.common.by import By

    base, log_path = served
    text = log_path.read_text()
    assert '"1250.00"' in text
    log_path.write_text(text.replace('"1250.00"', '"125.00"'))  # someone edits a reimbursement
    browser.get(base + "/" + H1)
    banner = browser.find_element(By.ID, "chain-status")
    assert "TAMPERING OR DAMAGE DETECTED" in banner.text and "edited" in banner.text
    assert banner.get_attribute("role") == "alert"
    browser.get(base + "/report" + H1)
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


PAGES = [("overview", "/" + H1), ("events", "/events" + H1), ("records", "/records"), ("record", "/records/{refusal}"),
         ("complaint", "/records/{refusal}/complaint"), ("obligations", "/obligations?all=1"),
         ("report", "/report" + H1)]


def test_every_page_renders_whole_and_is_kept_as_a_screenshot(served, browser, tmp_path):
    """Each page: no horizontal scrolling at 1280 px, every image (chart) loaded, no raw data structure on
    screen; a full-page screenshot is kept (STATUS_GUARD_SCREENSHOT_DIR) so a person can look at it."""
    from selenium.webdriver.common.by import By

    base, log_path = served
    refusal = next(i for i, line in enumerate(log_path.read_text().splitlines())
                   if '"effect":"block"' in line and '"2.129.040(d)"' in line)
    out = Path(SCREENSHOT_DIR or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES:
        browser.get(base + path.format(refusal=refusal))
        assert browser.find_element(By.TAG_NAME, "h1").text, name
        width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], (name, width)
        broken = browser.execute_script(
            "return Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length")
        assert broken == 0, name
        text = browser.find_element(By.TAG_NAME, "main").text
        for raw in ("{'", "['", "None", "True", "False", "jsonl:"):
            assert raw not in text.split("The record as stored")[0], (name, raw)
        height = browser.execute_script("return document.documentElement.scrollHeight")
        browser.set_window_size(1280, min(max(height + 120, 900), 6000))
        browser.save_screenshot(str(out / f"dashboard-{name}.png"))
        browser.set_window_size(1280, 1400)
    obligations = browser.get(base + "/obligations?all=1") or browser.find_element(By.ID, "obligations-table").text
    assert "closed late" in obligations and "6 h 30 min" in obligations and "BK-4411" in obligations
    assert "overdue" in obligations and "BK-5120" in obligations


def test_a_log_served_without_its_key_is_yellow_not_red(served, browser, tmp_path):
    from selenium.webdriver.common.by import By

    from status_guard.compliance.dashboard.app import DashboardConfig, create_app

    _, log_path = served
    server, thread, base = _serve(create_app(DashboardConfig(audit_spec=f"jsonl:{log_path}")))
    try:
        browser.get(base + "/" + H1)
        banner = browser.find_element(By.ID, "chain-status")
        assert banner.get_attribute("data-state") == "key_missing" and banner.get_attribute("role") == "status"
        assert "Cannot verify" in banner.text and "--public-key" in banner.text
        colour = browser.execute_script("return getComputedStyle(arguments[0]).backgroundColor", banner)
        assert colour == "rgb(255, 244, 220)"  # the yellow of .banner.warn, not the red alarm
        out = Path(SCREENSHOT_DIR or tmp_path)
        browser.save_screenshot(str(out / "dashboard-key-missing.png"))
    finally:
        server.should_exit = True
        thread.join(timeout=10)
