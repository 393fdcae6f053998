"""Sessions and tokens end on the server: logout, idle and absolute timeouts, password change,
listing and revoking tokens. Everything lives in database rows, so a second app (another worker)
sees the same state."""
from datetime import datetime, timedelta, timezone

import time_machine

from app.accounts.tokens import issue_token
from app.extensions import db
from app.models import ApiToken, User
from tests.conftest import DEMO_PASSWORD

BDO = "bdo.domkal"
START = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)


def page_login(client, username=BDO, password=DEMO_PASSWORD):
    r = client.post("/login", data={"username": username, "password": password})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return client.get_cookie("pravah_session").value


def opens_inbox(client) -> bool:
    r = client.get("/officer/inbox")
    assert r.status_code in (200, 302)
    return r.status_code == 200


def token_for(client, username=BDO, password=DEMO_PASSWORD) -> str:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["token"]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_cookie_replayed_after_logout_opens_nothing(app):
    browser = app.test_client()
    cookie = page_login(browser)
    assert opens_inbox(browser)
    assert browser.post("/logout").status_code == 302
    attacker = app.test_client()
    attacker.set_cookie("pravah_session", cookie)
    assert not opens_inbox(attacker)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)
                                 .where(ApiToken.kind == "web")) == 0


def test_logging_in_again_replaces_the_browsers_session_and_the_old_cookie_dies(app):
    browser = app.test_client()
    first = page_login(browser)
    second = page_login(browser)
    assert first != second  # a new secret at every login: no session fixation
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken).where(ApiToken.kind == "web")) == 1
    replay = app.test_client()
    replay.set_cookie("pravah_session", first)
    assert not opens_inbox(replay)


def test_staff_pages_end_after_30_idle_minutes_but_stay_while_used(app):
    browser = app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        page_login(browser)
        for _ in range(6):  # a request every 20 minutes keeps the session for 2 hours
            clock.shift(timedelta(minutes=20))
            assert opens_inbox(browser)
        clock.shift(timedelta(minutes=31))
        assert not opens_inbox(browser)


def test_staff_pages_end_at_the_absolute_limit_however_active(app):
    browser = app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        page_login(browser)
        for _ in range(10 * 3 - 1):
            clock.shift(timedelta(minutes=20))
            assert opens_inbox(browser)
        clock.shift(timedelta(minutes=21))  # 10 h 1 min after login
        assert not opens_inbox(browser)


def test_citizens_get_longer_idle_time_than_officers(app):
    client = app.test_client()
    with time_machine.travel(START, tick=False) as clock:
        with app.app_context():
            citizen = User(username="citizen.9876500000", name="C", mobile="+919876500000", active=True)
            db.session.add(citizen)
            db.session.flush()
            citizen_token, row = issue_token(citizen, 12, policy=_policy(app))
            db.session.commit()
        officer_token = token_for(client)
        clock.shift(timedelta(minutes=45))
        assert client.get("/api/v1/documents", headers=bearer(officer_token)).status_code == 401
        assert client.get("/api/v1/documents", headers=bearer(citizen_token)).status_code == 200
        clock.shift(timedelta(minutes=121))
        assert client.get("/api/v1/documents", headers=bearer(citizen_token)).status_code == 401


def test_idle_and_absolute_limits_are_settings(app_config, bare_app):
    bare_app.config["SESSION_IDLE_MINUTES"] = {"staff": 5, "citizen": 10}
    policy = _policy(bare_app)
    with bare_app.app_context():
        user = User(username="x", name="X", active=True)
        assert policy.idle(user) == timedelta(minutes=10)
        assert policy.lifetime(user, 100) == timedelta(hours=24)


def _policy(app):
    from app.accounts.tokens import SessionPolicy
    return SessionPolicy.from_config(app.config)


def test_api_logout_refuses_the_token_afterwards(client):
    token = token_for(client)
    assert client.get("/api/v1/inbox", headers=bearer(token)).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=bearer(token)).status_code == 204
    r = client.get("/api/v1/inbox", headers=bearer(token))
    assert r.status_code == 401


def test_tokens_are_listed_and_one_can_be_revoked_by_its_owner_only(client):
    laptop, phone = token_for(client), token_for(client)
    other = token_for(client, "eo.domkal")
    r = client.get("/api/v1/auth/tokens", headers=bearer(laptop))
    assert r.status_code == 200
    items = r.get_json()["items"]
    assert len(items) == 2 and [i["current"] for i in items].count(True) == 1
    phone_id = next(i["id"] for i in items if not i["current"])
    assert client.delete(f"/api/v1/auth/tokens/{phone_id}", headers=bearer(other)).status_code == 404
    assert client.get("/api/v1/inbox", headers=bearer(phone)).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{phone_id}", headers=bearer(laptop)).status_code == 204
    assert client.get("/api/v1/inbox", headers=bearer(phone)).status_code == 401
    assert client.get("/api/v1/inbox", headers=bearer(laptop)).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{2 ** 64}", headers=bearer(laptop)).status_code == 404


def test_a_password_change_ends_every_other_session_and_token(app):
    client = app.test_client()
    browser = app.test_client()
    page_login(browser)
    assert opens_inbox(browser)
    current, stolen = token_for(client), token_for(client)
    r = client.post("/api/v1/auth/password", headers=bearer(current),
                    json={"current_password": DEMO_PASSWORD, "new_password": "a-new-long-passphrase"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["other_logins_ended"] == 2
    assert client.get("/api/v1/inbox", headers=bearer(stolen)).status_code == 401
    assert not opens_inbox(browser)
    assert client.get("/api/v1/inbox", headers=bearer(current)).status_code == 200
    r = client.post("/api/v1/auth/token", json={"username": BDO, "password": "a-new-long-passphrase"})
    assert r.status_code == 200


def test_a_password_change_needs_the_current_password_and_a_long_new_one(client):
    token = token_for(client)
    r = client.post("/api/v1/auth/password", headers=bearer(token),
                    json={"current_password": "wrong", "new_password": "short"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"current_password", "new_password"}
