"""An Enquiry Officer going on leave hands the queue to a colleague on the Bengali out-of-office page
(no English left on it), sees it in force, and withdraws it."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from .conftest import set_language, shot
from .test_journey import bengali_only

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]


def test_an_officer_hands_over_the_queue_and_withdraws_it(browser_as, server):
    today = datetime.now(ZoneInfo("Asia/Kolkata")).date()
    page = browser_as("eo.domkal")
    set_language(page, "bn")
    try:
        page.goto("/officer/delegations")
        bengali_only(page)
        page.locator("#d-to").fill("eo.jalangi")
        page.locator("#d-starts_on").fill(today.isoformat())
        page.locator("#d-ends_on").fill((today + timedelta(days=2)).isoformat())
        page.locator("#delegation-form button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(".flash-success").is_visible()
        row = page.locator("#delegations tbody tr").first
        assert "আজ বলবৎ" in row.inner_text()
        bengali_only(page)
        shot(page, "out-of-office", "bn")
        assert server.query("SELECT count(*) FROM delegation d JOIN user_account u ON u.id = d.delegate_id "
                            "WHERE u.username = 'eo.jalangi' AND d.revoked_at IS NULL") == [(1,)]
        row.locator("button[type=submit]").click()
        page.wait_for_load_state()
        assert "প্রত্যাহৃত" in page.locator("#delegations tbody tr").first.inner_text()
        assert server.query("SELECT count(*) FROM delegation WHERE revoked_at IS NULL") == [(0,)]
    finally:
        set_language(page, "en")
