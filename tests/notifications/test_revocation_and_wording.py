"""Revocation tells the applicant (and Track says revoked); the Bengali delivery SMS names the
certificate once (issue 14, defect 10)."""
from app.notifications import dispatch_due
from tests.certificates.flow_helpers import approve, submit_any

from .conftest import rows


def test_revocation_notifies_the_applicant_and_track_says_revoked(app, api, client):
    ain = submit_any(api, "residential_edistrict")  # applicant language bn, mobile 9876543210
    approve(api, "residential_edistrict", ain)
    uin = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["certificate"]["uin"]
    assert dispatch_due(app)["dead"] == 0
    r = api.post(f"/api/v1/certificates/{uin}/revoke", json={"reason": "Forged residence proof."},
                 user="dm.murshidabad")
    assert r.status_code == 200, r.get_json()
    assert dispatch_due(app)["dead"] == 0
    revoked = rows(app, event="revoked")
    assert [(r.channel, r.to, r.language) for r in revoked] == [("sms", "+919876543210", "bn"),
                                                                ("whatsapp", "+919876543210", "bn")]
    assert uin in revoked[0].body and "Forged residence proof" in revoked[0].body and "বাতিল" in revoked[0].body
    delivered = rows(app, event="delivered", channel="sms")[0].body
    assert "শংসাপত্র শংসাপত্র" not in delivered and uin in delivered
    page = client.get(f"/track?ain={ain}").get_data(as_text=True)
    assert "Certificate revoked" in page and 'id="track-revoked"' in page
