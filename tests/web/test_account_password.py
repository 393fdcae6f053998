"""The account page: staff change their password on the web (same rule as the API) and every other
session and token of theirs ends."""
from tests.conftest import DEMO_PASSWORD
from tests.policy.conftest import CITIZEN_A, citizen_pages

from .conftest import text

PAGE = "/account/password"
NEW = "a-much-longer-pass-2026"


def _change(client, current=DEMO_PASSWORD, new=NEW, again=None):
    return client.post(PAGE, data={"current_password": current, "new_password": new,
                                   "new_password_again": new if again is None else again})


def test_every_field_says_what_is_wrong_in_english_and_bengali(pages):
    r = pages.get(PAGE, user="bdo.domkal")
    assert r.status_code == 200 and 'autocomplete="current-password"' in text(r)
    assert 'href="/account/password"' in text(r)                       # in the menu
    r = _change(pages.as_("bdo.domkal"), current="wrong-password", new="short", again="shorter")
    html = text(r)
    assert r.status_code == 422
    assert html.count('aria-invalid="true"') == 3
    for message in ("is not your current password", "must be at least 10 characters",
                    "does not match the new password"):
        assert message in html, message
    r = _change(pages.as_("bdo.domkal"), new=DEMO_PASSWORD)
    assert r.status_code == 422 and "must differ from the current password" in text(r)
    pages.post("/language", data={"lang": "bn", "next": PAGE}, user="bdo.domkal")
    html = text(_change(pages.as_("bdo.domkal"), current="wrong-password", new="short", again="shorter"))
    for message in ("পাসওয়ার্ড বদলান", "আপনার বর্তমান পাসওয়ার্ড নয়", "অন্তত ১০টি অক্ষর হতে হবে",
                    "নতুন পাসওয়ার্ডের সঙ্গে মিলছে না"):
        assert message in html, message


def test_a_changed_password_ends_every_other_session_and_token(app, pages, api):
    here, elsewhere = pages.as_("eo.domkal"), app.test_client()
    assert elsewhere.post("/login", data={"username": "eo.domkal", "password": DEMO_PASSWORD}).status_code == 302
    token = api.token("eo.domkal")
    r = _change(here)
    assert r.status_code == 302 and r.headers["Location"].endswith("/officer/inbox")
    assert "Your other sessions and tokens have ended." in text(here.get("/officer/inbox"))
    assert elsewhere.get("/officer/inbox").headers["Location"].startswith("/login")
    assert api.client.get("/api/v1/auth/tokens", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    logins = {p: api.client.post("/api/v1/auth/token", json={"username": "eo.domkal", "password": p}).status_code
              for p in (DEMO_PASSWORD, NEW)}
    assert logins == {DEMO_PASSWORD: 401, NEW: 200}


def test_only_staff_have_the_page(app, pages):
    assert pages.get(PAGE).headers["Location"].startswith("/login")
    citizen = citizen_pages(app, CITIZEN_A)                               # logged in by SMS code: no password
    assert citizen.get(PAGE).status_code == 403
    assert _change(citizen, current="", new=NEW).status_code == 403
