"""Development (console backend): each message, OTP included, appears on standard output — where
`make run` shows it — and the outbox keeps its text (issue 14, defect 5)."""
import re

from app.notifications import dispatch_due

from .conftest import rows

MOBILE = "+919876543210"


def test_the_otp_is_printed_and_kept(app, client, capsys):
    assert client.post("/api/v1/auth/otp", json={"mobile": "9876543210"}).status_code == 202
    assert dispatch_due(app)["sent"] == 1
    out = capsys.readouterr().out
    printed = re.search(r"\[sms to \+919876543210\] (.*\b(\d{6})\b.*)", out)
    assert printed, out
    sent = [r for r in rows(app) if r.event == "otp"]
    assert [(r.status, r.to) for r in sent] == [("sent", MOBILE)]
    assert printed.group(2) in sent[0].body
    r = client.post("/api/v1/auth/otp/verify", json={"mobile": "9876543210", "otp": printed.group(2)})
    assert r.status_code == 200, r.get_json()
