"""Legal heirs on the web form in Chromium: rows added and removed by the page's own script (no
CDN: the browser guard fails any off-host request), errors beside the field of their row, and the
application filed with every heir typed (issue 14)."""
import re

import pytest

from tests.helpers import PDF

from .conftest import set_language, shot

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]
AIN = re.compile(r"[A-Z]{3}\d{3}-\d{4}-\d{7}-[0-9A-Z]")


def test_heirs_are_added_removed_and_filed(browser_as, server, tmp_path):
    page = browser_as("operator.raipur")
    page.goto("/apply/legal_heir")
    page.fill("#applicant-name", "Rahima Khatun")
    page.fill("#applicant-mobile", "9733300002")
    page.select_option("#location", "131001")
    page.fill("#f-data-deceased_name", "Abdul Karim")
    page.fill("#f-data-date_of_death", "2025-12-01")
    page.fill("#f-data-address", "Village Raipur, ward 3")
    page.fill("#f-data-applicant_relation", "Daughter")
    assert not page.locator("[data-row='0'] [data-remove-row]").is_visible()   # the one required row stays
    page.fill("#f-data-heirs-0-name", "Rahima Khatun")
    page.fill("#f-data-heirs-0-relation", "Daughter")
    for _ in range(2):
        page.click("[data-add-row]")
    assert page.locator("#f-data-heirs [data-row]:not(template [data-row])").count() == 3
    assert page.evaluate("document.activeElement.id") == "f-data-heirs-2-name"   # focus moves to the new row
    page.fill("#f-data-heirs-1-name", "Typed by mistake")
    page.fill("#f-data-heirs-2-name", "Salma Bibi")
    page.fill("#f-data-heirs-2-relation", "Wife")
    page.fill("#f-data-heirs-2-age", "61")
    page.locator("[data-row='1'] [data-remove-row]").click()
    titles = page.locator("#f-data-heirs [data-row-title]").all_inner_texts()
    assert titles[:2] == ["Heir 1", "Heir 2"]                                    # renumbered on the page
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    for doc_type in ("death_certificate", "identity_proof", "family_proof"):
        page.set_input_files(f"#file-{doc_type}", str(scan))
    page.click("button[name=step][value=review]")
    page.wait_for_load_state()
    review = page.locator("main").inner_text()
    assert "Salma Bibi" in review and "Typed by mistake" not in review
    shot(page, "legal-heir-review", "en")
    page.click("button[name=step][value=submit]")
    page.wait_for_load_state()
    ain = AIN.search(page.locator(".flash-success").inner_text()).group(0)
    rows = server.query("SELECT data FROM application WHERE ain = ?", ain)
    assert '"Salma Bibi"' in rows[0][0] and "Typed by mistake" not in rows[0][0]


def test_a_bengali_heir_row_shows_its_error_beside_its_field(browser_as, sessions):
    sessions.guard.expect_status(422)   # the form comes back with its errors
    page = browser_as("operator.raipur")
    set_language(page, "bn")
    try:
        page.goto("/apply/legal_heir")
        page.click("[data-add-row]")
        assert page.locator("#f-data-heirs [data-row-title]").all_inner_texts()[:2] == ["উত্তরাধিকারী ১", "উত্তরাধিকারী ২"]
        page.fill("#f-data-heirs-0-name", "Rahima Khatun")
        page.fill("#f-data-heirs-0-relation", "Daughter")
        page.fill("#f-data-heirs-1-name", "S")
        page.fill("#f-data-heirs-1-relation", "Wife")
        page.locator("form[action='/apply/legal_heir']").evaluate("f => f.noValidate = true")   # let the server judge the short name
        page.click("button[name=step][value=review]")
        page.wait_for_load_state()
        assert "অন্তত" in page.locator("#f-data-heirs-1-name-error").inner_text()
        shot(page, "legal-heir-errors", "bn")
    finally:
        set_language(page, "en")
