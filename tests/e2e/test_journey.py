"""Issue 14: one journey across roles, end to end, in English and Bengali: an operator files for a
citizen → the citizen logs in with the OTP read from the server's output and finds it → the BDO
forwards, the EO reports (with a file), the BDO approves with the report on the task → the citizen
downloads the certificate → the DM revokes it → the citizen is told (SMS on the server's output)
and Track says revoked → a rejected application's complaint is answered and closed by the DM.
Every page fails on a console error or an off-host request (the ``browser_as`` guard); Bengali
pages also fail on an English string."""
import re

import pytest

from tests.helpers import PDF, RESIDENTIAL_FORM

from .conftest import decide, otp_from_output, printed, set_language, shot

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]
AIN = re.compile(r"[A-Z]{3}\d{3}-\d{4}-\d{7}-[0-9A-Z]")
MOBILE = "9733300001"
NAME = "Jahanara Bibi"
REPORT = "Visited the house; neighbours confirm she has lived here since 1995."
REASON = "Residence proof found forged on re-check."
COMPLAINT = "I have lived in Raipur all my life; please look at the ration card again."
REJECTION = "The ration card is not in the applicant's name."
ANSWER = "The ration card was checked again; the rejection stands, you may apply with a voter card."
#: Latin words a Bengali page may show: what people typed, codes, abbreviations, role names.
TYPED = " ".join([NAME, REPORT, REASON, REJECTION, COMPLAINT, ANSWER, "Rahima Khatun"] + [str(v) for v in RESIDENTIAL_FORM.values()])
ALLOWED = set(re.findall(r"[A-Za-z]+", TYPED)) | {
    "AIN", "UIN", "PDF", "OTP", "CSC", "BSK", "WEB", "KB", "MB", "SMS", "QR", "GP", "BDO", "EO", "DM", "SDO",
    "PRADHAN", "OPERATOR", "SLA", "Enquiry", "Officer", "Domkal", "CITIZEN", "KIOSK", "HHA", "PRD", "application", "pdf", "image", "jpeg", "png", "L",
    "JPEG", "PNG",  # file formats, as PDF
    "English"}      # the language choice names each language in itself (বাংলা / English)


def bengali_only(page) -> None:
    """No English left on a Bengali page (beyond what was typed, codes and abbreviations)."""
    text = page.locator("main").inner_text()
    for name in page.locator("main .person-name").all_inner_texts():  # people's names stay names
        text = text.replace(name, " ")
    text = re.sub(r"\b[A-Z]{3}\d{3}[-\d]*[0-9A-Z]?\b|\b[\w.-]+@[\w.-]+\b|https?://\S+|\b[a-z]+\.[a-z0-9-]+\b", " ", text)
    english = sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED})
    assert not english, f"English on a Bengali page {page.url}: {english}"


def file_for_citizen(page, tmp_path, name=NAME, *, bengali=False) -> str:
    """The operator fills the form, reviews and submits (buttons found by their value, so the same
    steps work on Bengali pages, each of which is then checked for English)."""
    page.goto("/apply/residential_edistrict")
    if bengali:
        bengali_only(page)
    page.fill("#applicant-name", name)
    page.fill("#applicant-mobile", MOBILE)
    page.select_option("#location", "131001")
    for key, value in RESIDENTIAL_FORM.items():
        (page.select_option if key == "gender" else page.fill)(f"#f-data-{key}", str(value))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    for doc_type in ("photograph", "identity_proof", "age_proof", "residence_certificate"):
        page.set_input_files(f"#file-{doc_type}", str(scan))
    page.click("button[name=step][value=review]")
    page.wait_for_load_state()
    if bengali:
        bengali_only(page)
        shot(page, "journey-operator-review", "bn")
    page.click("button[name=step][value=submit]")
    page.wait_for_load_state()
    if bengali:
        bengali_only(page)   # the flash message and the application page
    return AIN.search(page.locator(".flash-success").inner_text()).group(0)


def open_task(page, ain):
    page.goto("/officer/inbox")
    page.locator(f"tr[data-ain='{ain}'] a").first.click()
    page.wait_for_load_state()


@pytest.fixture
def back_to_english(sessions):
    """Pages of the shared sessions that a failure left in Bengali go back to English."""
    yield
    for username in ("operator.csc-domkal", "bdo.domkal", "eo.domkal", "dm.murshidabad", "otp:" + MOBILE):
        page = sessions.page(username)
        set_language(page, "en")
        page.close()


def test_the_journey_across_roles(browser_as, server, tmp_path, back_to_english):
    operator = browser_as("operator.csc-domkal")
    set_language(operator, "bn")
    ain = file_for_citizen(operator, tmp_path, bengali=True)
    operator.goto("/my/applications")
    bengali_only(operator)
    set_language(operator, "en")

    # the citizen logs in with the code printed on the server's output and finds the application
    citizen = browser_as("otp:" + MOBILE)
    citizen.goto("/login/otp")
    citizen.fill("#mobile", MOBILE)
    citizen.get_by_role("button", name="Send me a code").click()
    citizen.wait_for_load_state()
    citizen.fill("#otp", otp_from_output(server, MOBILE))
    citizen.get_by_role("button", name="Log in").click()
    citizen.wait_for_load_state()
    assert ain in citizen.locator("#applications").inner_text()
    shot(citizen, "journey-citizen-finds", "en")
    citizen.goto(f"/track?ain={ain}")
    assert citizen.locator("#track-result a[href='/applications/" + ain + "']").count() == 1
    set_language(citizen, "bn")
    citizen.goto("/my/applications")
    assert ain in citizen.locator("#applications").inner_text()
    bengali_only(citizen)
    shot(citizen, "journey-citizen-finds", "bn")

    # BDO forwards to the EO; the EO reports with a file; the BDO sees it on the approval task
    # (every officer's step is also walked on a Bengali page, checked for English)
    bdo = browser_as("bdo.domkal")
    set_language(bdo, "bn")
    bdo.goto("/officer/inbox")
    bengali_only(bdo)
    open_task(bdo, ain)
    bengali_only(bdo)
    decide(bdo, "forward_enquiry", **{"select_f-data-enquiry_officer": "eo.domkal"})
    bengali_only(bdo)
    set_language(bdo, "en")
    eo = browser_as("eo.domkal")
    set_language(eo, "bn")
    open_task(eo, ain)
    bengali_only(eo)
    report_file = tmp_path / "report.pdf"
    report_file.write_bytes(PDF)
    eo.set_input_files("#attachment", str(report_file))
    decide(eo, "submit_report", **{"f-data-report": REPORT, "select_f-data-recommendation": "recommend"})
    assert eo.locator(".flash-success").is_visible()
    bengali_only(eo)
    shot(eo, "journey-eo-reported", "bn")
    set_language(eo, "en")
    open_task(bdo, ain)
    assert REPORT in bdo.locator("#eo-report").inner_text()
    assert bdo.locator("#eo-report-file").count() == 1
    box = bdo.locator("#applicant-summary").bounding_box()
    assert box["y"] < bdo.locator("#decision").bounding_box()["y"]  # evidence before the decision
    bdo.wait_for_selector("#diagram[data-ready='1']")
    shot(bdo, "journey-approval-task", "en")
    set_language(bdo, "bn")
    bdo.wait_for_selector("#diagram[data-ready='1']")
    assert "সুপারিশ" in bdo.locator("#eo-report").inner_text()
    bengali_only(bdo)
    shot(bdo, "journey-approval-task", "bn")
    bdo.check("#action-approve")
    bdo.click("#decision-continue")
    bdo.wait_for_load_state()
    assert bdo.locator("#confirm-sign").is_visible()
    bengali_only(bdo)
    shot(bdo, "journey-confirm", "bn")
    bdo.click("#confirm-sign")
    bdo.wait_for_load_state()
    bengali_only(bdo)
    set_language(bdo, "en")
    assert server.query("SELECT status FROM application WHERE ain = ?", ain) == [("DELIVERED",)]

    # the citizen downloads the certificate, on a Bengali page
    citizen.goto(f"/applications/{ain}")
    bengali_only(citizen)
    pdf = citizen.request.get(citizen.locator("#certificate-link").get_attribute("href"))
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    uin = citizen.locator("#certificate-uin").inner_text().strip()
    assert REPORT in citizen.locator("#eo-report").inner_text()
    shot(citizen, "journey-delivered", "bn")

    # the DM revokes; the citizen is told and Track says revoked
    dm = browser_as("dm.murshidabad")
    set_language(dm, "bn")
    dm.goto(f"/officer/certificates?uin={uin}")
    bengali_only(dm)
    dm.fill("#reason", REASON)
    dm.locator("form:has(#reason) button[type=submit]").click()
    dm.wait_for_load_state()
    assert server.query("SELECT status FROM certificate WHERE uin = ?", uin) == [("REVOKED",)]
    bengali_only(dm)
    shot(dm, "journey-revoked-dm", "bn")
    sms = printed(server, f"[sms to +91{MOBILE}] আপনার")  # the applicant's language is Bengali
    assert uin in printed(server, f"[sms to +91{MOBILE}] আপনার সাধারণ বাসস্থান শংসাপত্র (শংসাপত্র নম্বর") and sms
    citizen.goto(f"/track?ain={ain}")
    assert citizen.locator("#track-revoked").is_visible()
    assert "বাতিল" in citizen.locator("#track-status").inner_text()
    bengali_only(citizen)
    shot(citizen, "journey-revoked", "bn")

    # a second application is rejected; the citizen complains; the DM answers and closes it
    second = file_for_citizen(operator, tmp_path)
    open_task(bdo, second)
    decide(bdo, "reject", reason=REJECTION)
    citizen.goto(f"/applications/{second}")
    citizen.locator("#complaint summary").click()
    citizen.fill("#complaint-text", COMPLAINT)
    citizen.locator("#complaint button[type=submit]").click()
    citizen.wait_for_load_state()
    complaint_id = server.query("SELECT c.id FROM complaint c JOIN application a ON a.id = c.application_id "
                                "WHERE a.ain = ?", second)[0][0]
    dm.goto("/officer/complaints")
    bengali_only(dm)
    dm.fill(f"#answer-{complaint_id}", ANSWER)
    dm.click(f"#answer-submit-{complaint_id}")
    dm.wait_for_load_state()
    assert server.query("SELECT status FROM complaint WHERE id = ?", complaint_id) == [("CLOSED",)]
    bengali_only(dm)
    shot(dm, "journey-complaint-closed", "bn")
    set_language(dm, "en")
    citizen.goto(f"/applications/{second}")
    assert ANSWER in citizen.locator("#complaint-answer").inner_text()
    bengali_only(citizen)
    shot(citizen, "journey-complaint-answered", "bn")
    set_language(citizen, "en")
