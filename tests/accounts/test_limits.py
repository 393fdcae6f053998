"""Rate limits count the same user and the same client however they are spelt or proxied."""
import time
from datetime import datetime, timezone

import pytest
import time_machine

from app import create_app

INSIDE_ONE_WINDOW = datetime(2026, 3, 2, 10, 0, 1, tzinfo=timezone.utc)


def limited(app):
    app.config["RATELIMIT_ENABLED"] = True
    return app


@time_machine.travel(INSIDE_ONE_WINDOW, tick=True)
def test_spaces_and_case_do_not_open_a_new_login_budget(app):
    client = limited(app).test_client()
    spellings = ["bdo.domkal", " bdo.domkal", "bdo.domkal ", "BDO.Domkal", "\tbdo.DOMKAL\n"]
    codes = [client.post("/api/v1/auth/token", json={"username": spellings[n % 5], "password": "wrong"}).status_code
             for n in range(11)]
    assert codes == [401] * 10 + [429]
    # The page login shares the same per-user budget.
    r = client.post("/login", data={"username": "  Bdo.Domkal ", "password": "wrong"})
    assert r.status_code == 429


def test_a_username_with_spaces_or_capitals_logs_in(client):
    r = client.post("/api/v1/auth/token", json={"username": "  BDO.domkal ", "password": "demo-pass-2026"})
    assert r.status_code == 200 and r.get_json()["user"]["username"] == "bdo.domkal"


@time_machine.travel(INSIDE_ONE_WINDOW, tick=True)
def test_public_api_lookups_are_throttled_like_the_pages(app):
    client = limited(app).test_client()
    app.config["PUBLIC_LOOKUPS_PER_MINUTE"] = 3
    assert [client.get("/api/v1/track/HHA012-2026-0000042-7").status_code for _ in range(4)] == [404] * 3 + [429]
    assert [client.get("/api/v1/certificates/WBX0012026000001").status_code for _ in range(3)] == [404] * 3
    r = client.get("/api/v1/certificates/WBX0012026000001")
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "rate_limited"
    assert client.post("/api/v1/certificates/verify").status_code == 429
    # the pages share the budgets with the API (same buckets, same address)
    assert client.get("/track?ain=HHA012-2026-0000042-7").status_code == 429
    assert client.get("/verify/WBX0012026000001").status_code == 429


@time_machine.travel(INSIDE_ONE_WINDOW, tick=True)
def test_certificate_lookups_have_their_own_budget_per_client(app):
    client = limited(app).test_client()
    app.config["PUBLIC_LOOKUPS_PER_MINUTE"] = 2
    codes = [client.get("/api/v1/certificates/WBX0012026000001", environ_base={"REMOTE_ADDR": addr}).status_code
             for addr in ("10.0.0.1", "10.0.0.1", "10.0.0.1", "10.0.0.2")]
    assert codes == [404, 404, 429, 404]


def _proxied_app(app_config, proxies: int):
    app_config.TRUSTED_PROXIES = proxies
    app_config.RATELIMIT_ENABLED = True
    app_config.PUBLIC_LOOKUPS_PER_MINUTE = 1
    app = create_app(app_config)
    from app.extensions import db
    with app.app_context():
        db.create_all()
    return app


@time_machine.travel(INSIDE_ONE_WINDOW, tick=True)
def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(app_config):
    client = _proxied_app(app_config, 1).test_client()

    def track(client_addr):
        return client.get("/api/v1/track/HHA012-2026-0000042-7", headers={"X-Forwarded-For": client_addr},
                          environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code
    assert [track("203.0.113.5"), track("203.0.113.6"), track("203.0.113.5")] == [404, 404, 429]


@time_machine.travel(INSIDE_ONE_WINDOW, tick=True)
def test_without_trusted_proxies_x_forwarded_for_is_ignored(app_config):
    client = _proxied_app(app_config, 0).test_client()
    codes = [client.get("/api/v1/track/HHA012-2026-0000042-7", headers={"X-Forwarded-For": f"203.0.113.{n}"})
             .status_code for n in range(2)]
    assert codes == [404, 429]  # a client cannot pick a fresh address per request


@pytest.mark.sqlite_only
def test_password_changes_are_counted_on_a_sqlite_file_without_waiting_for_the_requests_own_lock(tmp_path, app_config):
    """A signed-in request's first read holds SQLite's write lock (BEGIN IMMEDIATE); counting the
    attempt on another connection used to wait 30 s for it and answer 503. Page and API, 11 tries."""
    from app.accounts.passwords import hash_password
    from app.extensions import db
    from app.models import Office, Posting, User
    app_config.use_database(f"sqlite:///{tmp_path / 'file.db'}")
    app = limited(create_app(app_config))
    with app.app_context():
        db.create_all()
        office = Office(code="BDO-X", name="Office of the BDO", level="BLOCK")
        user = User(username="bdo.file", name="BDO", password_hash=hash_password("old-password-1"), language="en")
        db.session.add_all([office, user])
        db.session.flush()
        db.session.add(Posting(user_id=user.id, role="BDO", office_id=office.id))
        db.session.commit()
    api, browser = app.test_client(), app.test_client()
    token = api.post("/api/v1/auth/token", json={"username": "bdo.file", "password": "old-password-1"}).get_json()["token"]
    assert browser.post("/login", data={"username": "bdo.file", "password": "old-password-1"}).status_code == 302
    wrong = {"current_password": "not-it", "new_password": "a-new-password-2026"}
    started = time.monotonic()
    codes = [api.post("/api/v1/auth/password", json=wrong, headers={"Authorization": f"Bearer {token}"}).status_code
             for _ in range(5)]
    codes += [browser.post("/account/password", data={**wrong, "new_password_again": wrong["new_password"]}).status_code
              for _ in range(6)]
    assert codes == [422] * 10 + [429] and time.monotonic() - started < 20
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
