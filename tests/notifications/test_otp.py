"""Citizen OTP login: the code arrives by SMS through the outbox (fake Twilio), is hashed at rest,
expires, has an attempt cap and rate limits, and answers alike for known and unknown numbers."""
import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import event, select

from app.extensions import db
from app.models import OtpChallenge, User
from app.notifications import dispatch_due
from tests.helpers import submit_residential

from .conftest import rows

MOBILE = "9876543210"  # the applicant's mobile in tests/helpers.py


@pytest.fixture
def app(twilio_config, app):  # noqa: F811  (the shared app, sending SMS through the fake Twilio)
    return app


def ask(client, mobile=MOBILE, **extra):
    return client.post("/api/v1/auth/otp", json={"mobile": mobile, **extra})


def otp_sms(fake, mobile=MOBILE) -> dict:
    return [m for m in fake.received(to=f"+91{mobile[-10:]}") if re.match(r"\d{6} ", m["body"])][-1]


def code_from_sms(fake, mobile=MOBILE) -> str:
    return otp_sms(fake, mobile)["body"][:6]


def verify(client, code, mobile=MOBILE):
    return client.post("/api/v1/auth/otp/verify", json={"mobile": mobile, "otp": code})


def login(client, app, fake, mobile=MOBILE) -> dict:
    assert ask(client, mobile).status_code == 202
    dispatch_due(app)
    r = verify(client, code_from_sms(fake, mobile), mobile)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_otp_login_creates_a_citizen_who_sees_the_applications_with_their_mobile(api, app, fake_twilio):
    mine = submit_residential(api)
    other = submit_residential(api, name="Someone Else")
    with app.app_context():
        from app.models import Application
        db.session.scalar(select(Application).where(Application.ain == other)).applicant_mobile = "9123456789"
        db.session.commit()
    client = api.client
    r = ask(client, "+91 98765 43210", language="bn")
    assert r.status_code == 202
    otp_row = rows(app, event="otp")[0]
    assert (otp_row.channel, otp_row.to, otp_row.priority, otp_row.language) == ("sms", "+919876543210", 10, "bn")
    dispatch_due(app)
    sms = otp_sms(fake_twilio)
    assert "প্রবাহ লগইন কোড" in sms["body"]
    code = code_from_sms(fake_twilio)
    with app.app_context():
        stored = db.session.scalar(select(OtpChallenge))
        assert code not in stored.code_hash and len(stored.code_hash) == 64  # hashed at rest
    assert code not in rows(app, event="otp")[0].body  # the outbox copy is removed once sent

    body = verify(client, code, "09876543210").get_json()
    assert body["user"]["roles"] == ["CITIZEN"] and body["token"]
    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get(f"/api/v1/applications/{mine}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/applications/{other}", headers=headers).status_code == 404
    assert verify(client, code).status_code == 401  # used once
    again = login(client, app, fake_twilio)
    assert again["user"]["username"] == body["user"]["username"]  # the same citizen next time


def test_an_officers_mobile_never_logs_in_as_the_officer(api, app, fake_twilio):
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "bdo.domkal")).mobile = "+919812345678"
        db.session.commit()
    body = login(api.client, app, fake_twilio, "9812345678")
    assert body["user"]["username"] != "bdo.domkal" and body["user"]["roles"] == ["CITIZEN"]


def test_code_expires_after_five_minutes(client, app, fake_twilio):
    with time_machine.travel(datetime.now(timezone.utc), tick=True) as traveller:
        ask(client)
        dispatch_due(app)
        code = code_from_sms(fake_twilio)
        traveller.shift(timedelta(seconds=301))
        r = verify(client, code)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "bad_otp"


def test_an_unsent_code_expires_in_the_outbox_and_is_not_kept(client, app, fake_twilio):
    ask(client)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=6), tick=True):
        assert dispatch_due(app)["expired"] == 1
    row = rows(app, event="otp")[0]
    assert row.status == "expired" and not re.search(r"\d{6}", row.body)
    assert fake_twilio.received() == []


def test_five_wrong_attempts_kill_the_code(client, app, fake_twilio):
    ask(client)
    dispatch_due(app)
    code = code_from_sms(fake_twilio)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        assert verify(client, wrong).status_code == 401
    assert verify(client, code).status_code == 401  # the right code, too late
    with app.app_context():
        assert db.session.scalar(select(OtpChallenge.attempts)) == 5


def test_a_new_code_retires_the_old_one(client, app, fake_twilio):
    ask(client)
    dispatch_due(app)
    first = code_from_sms(fake_twilio)
    ask(client)
    dispatch_due(app)
    second = code_from_sms(fake_twilio)
    if first != second:
        assert verify(client, first).status_code == 401
    assert verify(client, second).status_code == 200


def test_bad_input_is_refused_plainly(client):
    assert ask(client, "12345").status_code == 422
    assert client.post("/api/v1/auth/otp", json={"mobile": MOBILE, "extra": 1}).status_code == 422
    assert verify(client, "12ab56").status_code == 422


@time_machine.travel(datetime(2026, 3, 2, 10, 0, 1, tzinfo=timezone.utc), tick=True)  # inside one window
def test_brute_force_is_stopped_by_rate_limits(app_config, twilio_config, bare_app):
    app_config.RATELIMIT_ENABLED = True
    bare_app.config["RATELIMIT_ENABLED"] = True
    client = bare_app.test_client()
    assert [ask(client).status_code for _ in range(4)] == [202, 202, 202, 429]  # 3 per number
    codes = [verify(client, f"{n:06d}").status_code for n in range(11)]
    assert codes == [401] * 10 + [429]  # 10 per number, whatever the attempt cap left
    r = verify(client, "000000")
    assert r.status_code == 429 and "wait" in r.get_json()["error"]["message"]
    # per client address, across numbers: 20 requests (3 counted above) and 50 verifications (10 counted)
    statuses = [ask(client, f"98000{n:05d}").status_code for n in range(18)]
    assert statuses == [202] * 17 + [429]
    statuses = [verify(client, "123456", f"97000{n:05d}").status_code for n in range(41)]
    assert statuses == [401] * 40 + [429]


def _statements(app, fn) -> tuple[int, object]:
    count = [0]
    with app.app_context():
        engine = db.engine

    def counter(*_):
        count[0] += 1
    event.listen(engine, "before_cursor_execute", counter)
    try:
        result = fn()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    return count[0], result


def test_nothing_tells_whether_a_number_is_registered(api, app, fake_twilio):
    known = "9811111111"
    login(api.client, app, fake_twilio, known)  # now a registered citizen
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "bdo.domkal")).mobile = "+919822222222"
        db.session.commit()
    client = api.client
    answers = {}
    for number in (known, "9822222222", "9833333333"):  # citizen, officer's number, never seen
        work_ask, asked = _statements(app, lambda n=number: ask(client, n))
        work_verify, verified = _statements(app, lambda n=number: verify(client, "000000", n))
        answers[number] = (asked.status_code, asked.get_json(), work_ask,
                           verified.status_code, verified.get_json(), work_verify)
    first = answers[known]
    assert first[0] == 202 and first[3] == 401
    assert all(a == first for a in answers.values()), answers
