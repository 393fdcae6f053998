"""Each role's main path through the real server in Chromium (run in file order: later steps act on
the application the operator entered first)."""
import re
import subprocess
import time

import pytest

from tests.helpers import PDF, RESIDENTIAL_FORM

from .conftest import PASSWORD, SLA_DAY_SECONDS, decide, set_language, shot

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]
AIN = re.compile(r"[A-Z]{3}\d{3}-\d{4}-\d{7}-[0-9A-Z]")
STATE = {}


def fill_application(page, tmp_path, name="Rahima Khatun"):
    page.fill("#applicant-name", name)
    page.fill("#applicant-mobile", "9876543210")
    page.select_option("#location", "131001")
    for key, value in RESIDENTIAL_FORM.items():
        selector = f"#f-data-{key}"
        if key == "gender":
            page.select_option(selector, value)
        else:
            page.fill(selector, str(value))
    document = tmp_path / "scan.pdf"
    document.write_bytes(PDF)
    for doc_type in ("photograph", "identity_proof", "age_proof", "residence_certificate"):
        page.set_input_files(f"#file-{doc_type}", str(document))


def open_task(page, ain):
    page.goto("/officer/inbox")
    page.locator(f"tr[data-ain='{ain}'] a").first.click()
    page.wait_for_load_state()


def test_public_pages_in_both_languages(browser_as):
    page = browser_as()
    page.goto("/")
    assert page.get_by_role("heading", name="Ordinary Residential Certificate").is_visible()
    shot(page, "home", "en")
    page.goto("/track")
    shot(page, "track", "en")
    page.goto("/verify")
    shot(page, "verify", "en")
    set_language(page, "bn")
    page.goto("/")
    assert page.get_by_role("heading", name="সাধারণ বাসস্থান শংসাপত্র").is_visible()
    assert "৫" in page.locator("#service-residential_edistrict").inner_text()  # SLA days in Bengali digits
    shot(page, "home", "bn")
    page.goto("/track")
    shot(page, "track", "bn")
    page.goto("/verify")
    shot(page, "verify", "bn")
    set_language(page, "en")


def test_operator_applies_for_a_citizen(browser_as, server, tmp_path):
    page = browser_as("operator.csc-domkal")
    page.goto("/apply/residential_edistrict")
    fill_application(page, tmp_path)
    shot(page, "apply", "en")
    page.get_by_role("button", name="Review").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check and submit").is_visible()
    shot(page, "review", "en")
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_load_state()
    ain = AIN.search(page.locator(".flash-success").inner_text()).group(0)
    STATE["ain"] = ain
    assert server.query("SELECT channel, applicant_name FROM application WHERE ain = ?", ain) == \
        [("CSC", "Rahima Khatun")]
    ack = page.request.get(page.locator("#ack-link").get_attribute("href"))
    assert ack.status == 200 and ack.body().startswith(b"%PDF")
    shot(page, "application", "en")
    page.goto("/my/applications")
    assert ain in page.locator("#applications").inner_text()
    shot(page, "operator-today", "en")
    set_language(page, "bn")
    page.goto("/apply/residential_edistrict")
    assert page.get_by_text("পিতা / স্বামীর নাম").is_visible()
    shot(page, "apply", "bn")
    page.goto(f"/applications/{ain}")
    shot(page, "application", "bn")
    set_language(page, "en")


def test_citizen_logs_in_with_otp_applies_and_tracks(browser_as, server, tmp_path):
    page = browser_as("otp:9123456780")
    page.goto("/login/otp")
    page.fill("#mobile", "9123456780")
    page.get_by_role("button", name="Send me a code").click()
    page.wait_for_load_state()
    body = server.query("SELECT body FROM notification WHERE event = 'otp' AND \"to\" LIKE '%9123456780' "
                        "ORDER BY id DESC LIMIT 1")[0][0]
    page.fill("#otp", re.search(r"\b\d{6}\b", body).group(0))
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="My applications").is_visible()
    page.get_by_role("link", name="Ordinary Residential Certificate").click()
    page.wait_for_load_state()
    fill_application(page, tmp_path, name="Sabina Yasmin")
    assert page.locator("#channel").count() == 0  # citizens apply on the WEB channel
    page.get_by_role("button", name="Review").click()
    page.get_by_role("button", name="Submit application").click()
    page.wait_for_load_state()
    ain = AIN.search(page.locator(".flash-success").inner_text()).group(0)
    assert server.query("SELECT channel FROM application WHERE ain = ?", ain) == [("WEB",)]
    page.goto("/my/applications")
    assert ain in page.locator("#applications").inner_text()
    shot(page, "citizen-applications", "en")
    page.goto(f"/track?ain={ain}")
    assert "Submitted" in page.locator("#track-result").inner_text()
    STATE["citizen_ain"] = ain


def test_anyone_tracks_the_application(browser_as):
    page = browser_as()
    page.goto("/track")
    page.fill("#ain", STATE["ain"].lower().replace("-", ""))
    page.get_by_role("button", name="Track").click()
    page.wait_for_load_state()
    result = page.locator("#track-result").inner_text()
    assert "Submitted" in result and "Rahima" not in result  # no personal data
    shot(page, "track-result", "en")


def test_bdo_forwards_eo_reports_bdo_approves(browser_as, server):
    ain = STATE["ain"]
    bdo = browser_as("bdo.domkal")
    bdo.goto("/officer/inbox")
    assert bdo.locator(f"tr[data-ain='{ain}']").count() == 1
    shot(bdo, "inbox", "en")
    open_task(bdo, ain)
    bdo.wait_for_selector("#diagram[data-ready='1']")
    current = bdo.locator(".current-step")
    assert current.count() >= 1 and current.first.get_attribute("data-element-id") == "verify_documents"
    shot(bdo, "task", "en")
    decide(bdo, "forward_enquiry", **{"select_f-data-enquiry_officer": "eo.domkal"})
    assert "Field enquiry" in bdo.locator(".flash-success").inner_text()

    eo = browser_as("eo.domkal")
    open_task(eo, ain)
    decide(eo, "submit_report", **{"f-data-report": "Visited the house; the applicant lives here since 1995.",
                                   "select_f-data-recommendation": "recommend"})
    assert eo.locator(".flash-success").is_visible()

    open_task(bdo, ain)
    set_language(bdo, "bn")
    bdo.wait_for_selector("#diagram[data-ready='1']")
    shot(bdo, "task", "bn")
    bdo.goto("/officer/inbox")
    shot(bdo, "inbox", "bn")
    set_language(bdo, "en")
    open_task(bdo, ain)
    decide(bdo, "approve")
    status = server.query("SELECT status FROM application WHERE ain = ?", ain)[0][0]
    assert status == "DELIVERED", bdo.locator("main").inner_text()[:1500]
    operator = browser_as("operator.csc-domkal")
    operator.goto(f"/applications/{ain}")
    if status == "DELIVERED":  # certificates issued on approval
        link = operator.locator("#certificate-link")
        pdf = operator.request.get(link.get_attribute("href"))
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        uin = operator.locator("#certificate-uin").inner_text().strip()
        operator.locator("#certificate-uin").click()
        operator.wait_for_load_state()
        assert "Authentic and valid" in operator.locator("#verify-result").inner_text()
        shot(operator, "verify-result", "en")
        STATE["uin"] = uin
    shot(operator, "application-decided", "en")
    actions = [row[0] for row in server.query(  # escalations come from the clock (SLA_DAY_SECONDS), not the people
        "SELECT action FROM audit_event WHERE object_key = ? AND action != 'escalated' ORDER BY id", ain)]
    assert actions[:4] == ["submitted", "forward_enquiry", "submit_report", "approve"]
    if status == "DELIVERED":  # the applicant side rates the delivered service, once
        operator.goto(f"/applications/{ain}")
        operator.check("#rating-5")
        operator.fill("#feedback-comment", "Quick service at the CSC.")
        operator.get_by_role("button", name="Send feedback").click()
        operator.wait_for_load_state()
        assert "5 out of 5" in operator.locator("#feedback-given").inner_text()
        assert server.query("SELECT f.rating FROM feedback f JOIN application a ON a.id = f.application_id "
                            "WHERE a.ain = ?", ain) == [(5,)]


def test_the_certificate_qr_is_checked_in_the_browser(browser_as, server, tmp_path):
    """The QR decoded from the issued PDF opens the verify page, whose script checks the signed
    fragment with no request beyond the page itself; one altered character is refused."""
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image
    if "uin" not in STATE:
        pytest.skip("no certificate was issued in the approval step")
    uin = STATE["uin"]
    operator = browser_as("operator.csc-domkal")
    operator.goto(f"/applications/{STATE['ain']}")
    pdf = operator.request.get(operator.locator("#certificate-link").get_attribute("href")).body()
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(tmp_path / "c.pdf"),
                    str(tmp_path / "c")], check=True)
    codes = [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "c.png"))]
    assert len(codes) == 1 and codes[0].startswith(server.url(f"/verify/{uin}#1:"))

    visitor = browser_as(None)
    requests = []
    visitor.on("request", lambda request: requests.append(request.url))
    visitor.goto(codes[0])
    visitor.wait_for_selector("#qr-check[data-result]")
    assert visitor.locator("#qr-check").get_attribute("data-result") == "match"
    assert "The QR code is genuine and matches this record." in visitor.locator("#qr-check").inner_text()
    assert visitor.locator("#qr-check [data-field='uin']").inner_text() == uin
    assert all("/verify/" in url or "/static/" in url for url in requests), requests
    shot(visitor, "verify-qr", "en")

    url, _, fragment = codes[0].partition("#")
    flipped = fragment[:-6] + ("A" if fragment[-6] != "A" else "B") + fragment[-5:]
    visitor.goto("/")
    visitor.goto(f"{url}#{flipped}")
    visitor.wait_for_selector("#qr-check[data-result]")
    assert visitor.locator("#qr-check").get_attribute("data-result") == "invalid"
    set_language(visitor, "bn")
    visitor.goto(codes[0])
    visitor.wait_for_selector("#qr-check[data-result='match']")
    assert "QR কোডটি আসল এবং এই নথির সঙ্গে মিলে যায়।" in visitor.locator("#qr-check").inner_text()
    set_language(visitor, "en")


def test_dm_dashboard_shows_the_database_counts(browser_as, server):
    page = browser_as("dm.murshidabad")
    page.goto("/mis/?by=block")
    page.wait_for_selector("#mis-chart[data-ready='1']")
    received = server.query("SELECT count(*) FROM application a JOIN location l ON l.id = a.location_id "
                            "WHERE l.lgd_code LIKE '131%'")[0][0]
    by_status = dict(server.query("SELECT status, count(*) FROM application GROUP BY status"))
    assert received >= 1
    figures = {k: page.locator(f"[data-figure='{k}']").inner_text().strip() for k in
               ("received", "pending", "delivered", "rejected")}
    assert figures == {"received": str(received),
                       "pending": str(sum(by_status.get(s, 0) for s in ("SUBMITTED", "IN_PROCESS", "SENT_BACK"))),
                       "delivered": str(by_status.get("APPROVED", 0) + by_status.get("DELIVERED", 0)),
                       "rejected": str(by_status.get("REJECTED", 0))}
    assert page.locator("#mis-table tr[data-key='3101']").count() == 1  # Domkal block
    shot(page, "dashboard", "en")
    csv = page.request.get(page.locator("#csv-link").get_attribute("href"))
    assert csv.status == 200 and f"total,Total,{received}," in csv.text()
    set_language(page, "bn")
    page.goto("/mis/?by=block")
    page.wait_for_selector("#mis-chart[data-ready='1']")
    bn_digits = str(received).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert page.locator("[data-figure='received']").inner_text().strip() == bn_digits
    shot(page, "dashboard", "bn")
    set_language(page, "en")


def test_bdo_rejects_and_the_citizen_complains(browser_as, server):
    ain = STATE["citizen_ain"]
    bdo = browser_as("bdo.domkal")
    open_task(bdo, ain)
    decide(bdo, "reject", reason="The residence certificate is from another block; apply at your own block.")
    assert server.query("SELECT status FROM application WHERE ain = ?", ain) == [("REJECTED",)]
    citizen = browser_as("otp:9123456780")
    citizen.goto(f"/applications/{ain}")
    assert "another block" in citizen.locator("#decision-reason").inner_text()
    citizen.locator("#complaint summary").click()
    citizen.fill("#complaint-text", "My family has lived in Raipur for forty years; please look again.")
    citizen.get_by_role("button", name="File the complaint").click()
    citizen.wait_for_load_state()
    assert citizen.locator(".flash-success").is_visible()
    assert server.query("SELECT count(*) FROM complaint c JOIN application a ON a.id = c.application_id "
                        "WHERE a.ain = ?", ain) == [(1,)]
    shot(citizen, "rejected-complaint", "en")


def test_dm_sees_an_escalation_and_takes_it_over(browser_as, server, tmp_path):
    operator = browser_as("operator.csc-domkal")
    operator.goto("/apply/residential_edistrict")
    fill_application(operator, tmp_path, name="Late Applicant")
    operator.get_by_role("button", name="Review").click()
    operator.get_by_role("button", name="Submit application").click()
    operator.wait_for_load_state()
    ain = AIN.search(operator.locator(".flash-success").inner_text()).group(0)
    dm = browser_as("dm.murshidabad")
    # The BDO's step is due one SLA day (SLA_DAY_SECONDS) after submission; the scheduler escalates to the DM.
    deadline = time.monotonic() + 12 * SLA_DAY_SECONDS
    while True:
        dm.goto("/officer/escalations")
        if dm.locator(f"#escalations tr[data-ain='{ain}']").count() or time.monotonic() > deadline:
            break
        dm.wait_for_timeout(2000)
    row = dm.locator(f"#escalations tr[data-ain='{ain}']")
    assert row.count() == 1, "no escalation reached the DM"
    assert "L1" in row.inner_text()
    shot(dm, "escalations", "en")
    row.get_by_role("button", name="Take over").click()
    dm.wait_for_load_state()
    assert dm.locator("#escalation-note").is_visible()
    assert server.query("SELECT u.username FROM work_item w JOIN application a ON a.id = w.application_id "
                        "JOIN user_account u ON u.id = w.assignee_id WHERE a.ain = ? AND w.closed_at IS NULL",
                        ain) == [("dm.murshidabad",)]
    set_language(dm, "bn")
    dm.goto("/officer/escalations")
    shot(dm, "escalations", "bn")
    set_language(dm, "en")
    # The DM decides it (leaving no task behind in the shared server's queues).
    dm.goto("/officer/escalations")
    dm.locator(f"#escalations tr[data-ain='{ain}'] a").first.click()
    dm.wait_for_load_state()
    decide(dm, "reject", reason="Duplicate of an earlier application.")
    assert server.query("SELECT status FROM application WHERE ain = ?", ain) == [("REJECTED",)]


def test_kiosk_sized_screen(browser_as):
    page = browser_as("operator.raipur", viewport={"width": 480, "height": 800})
    page.goto("/apply/residential_edistrict")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 480, f"the form scrolls sideways on a kiosk screen ({width}px)"
    shot(page, "apply-kiosk", "en")


def test_an_officer_changes_the_password_on_the_account_page(browser_as, sessions):
    """bdo.jalangi (no other browser test uses this account): each wrong field is named, then the change
    is made and the old password no longer logs in."""
    sessions.guard.expect_status(422)       # the form with field errors
    sessions.guard.expect_status(401)       # the old password refused at the end
    page = browser_as("bdo.jalangi")
    page.goto("/")
    page.get_by_role("link", name="Password").click()
    page.locator("#current_password").fill("not-my-password")
    page.locator("#new_password").fill("short")
    page.locator("#new_password_again").fill("different")
    page.get_by_role("button", name="Change password").click()
    summary = page.locator("#error-summary")
    for message in ("is not your current password", "must be at least 10 characters",
                    "does not match the new password"):
        assert message in summary.inner_text(), message
    assert page.locator("#new_password").get_attribute("aria-invalid") == "true"
    page.locator("#current_password").fill(PASSWORD)
    page.locator("#new_password").fill("bdo-jalangi-new-2026")
    page.locator("#new_password_again").fill("bdo-jalangi-new-2026")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert "Your password was changed." in page.locator(".flash-success").inner_text()
    assert "/officer/inbox" in page.url
    other = browser_as(None)
    other.goto("/login")
    other.get_by_label("Username").fill("bdo.jalangi")
    other.get_by_label("Password").fill(PASSWORD)
    with other.expect_response(lambda r: r.request.method == "POST" and "/login" in r.url) as refused:
        other.get_by_role("button", name="Log in").click()
    assert refused.value.status == 401
    other.wait_for_load_state()  # the 401 page's console message lands before this test's guard checks
    assert "/login" in other.url
