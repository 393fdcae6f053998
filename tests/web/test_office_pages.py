"""Recall, the DM's certificate revocation, the complaints list and the menus of each role."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Certificate
from tests.helpers import act, submit_residential, task_for

from .conftest import text


def forwarded(api) -> str:
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    return ain


def test_the_last_officer_sees_recall_until_the_next_one_acts(pages, api):
    ain = forwarded(api)
    assert 'id="recall-link"' in text(pages.get(f"/applications/{ain}", user="bdo.domkal"))
    inbox = text(pages.get("/officer/inbox", user="bdo.domkal"))
    assert 'id="last-done"' in inbox and ain in inbox
    eo_item = task_for(api, "eo.domkal", ain)
    assert 'id="recall-link"' not in text(pages.get(f"/officer/tasks/{eo_item['id']}", user="eo.domkal"))
    assert 'id="recall-link"' not in text(pages.get(f"/applications/{ain}", user="eo.domkal"))
    # no reason: the field says so and nothing moves
    r = pages.post(f"/officer/applications/{ain}/recall", data={"remarks": " "}, user="bdo.domkal")
    assert r.status_code == 422 and 'id="remarks-error">is required (at most 2000 characters)' in text(r)
    assert task_for(api, "eo.domkal", ain)["id"] == eo_item["id"]
    r = pages.post(f"/officer/applications/{ain}/recall", data={"remarks": "Wrong enquiry officer."},
                   user="bdo.domkal")
    assert r.status_code == 302 and "/officer/tasks/" in r.headers["Location"]
    reopened = text(pages.get(r.headers["Location"], user="bdo.domkal"))
    assert 'data-current="verify_documents"' in reopened
    history = api.get(f"/api/v1/applications/{ain}/history", user="bdo.domkal").get_json()["items"]
    assert history[-1]["action"] == "recalled" and history[-1]["remarks"] == "Wrong enquiry officer."
    assert ain not in text(pages.get("/officer/inbox", user="eo.domkal"))


def test_recall_is_refused_once_the_next_officer_acted(pages, api):
    ain = forwarded(api)
    eo_item = task_for(api, "eo.domkal", ain)
    act(api, "eo.domkal", ain, "submit_report", data={"report": "Visited; resident since 1995.",
                                                      "recommendation": "recommend"})
    assert 'id="recall-link"' not in text(pages.get(f"/applications/{ain}", user="bdo.domkal"))
    assert 'id="cannot-recall"' in text(pages.get(f"/officer/applications/{ain}/recall", user="bdo.domkal"))
    r = pages.post(f"/officer/applications/{ain}/recall", data={"remarks": "Too late."}, user="bdo.domkal")
    assert r.status_code == 409 and 'id="cannot-recall"' in text(r)
    assert pages.get(f"/officer/applications/{ain}/recall", user="bdo.jalangi").status_code == 404
    assert pages.get(f"/officer/applications/{ain}/recall", user="operator.csc-domkal").status_code == 403
    # the EO acted last: the button is on their (now closed) task page and their inbox
    assert 'id="recall-link"' in text(pages.get(f"/officer/tasks/{eo_item['id']}", user="eo.domkal"))
    assert 'id="last-done"' in text(pages.get("/officer/inbox", user="eo.domkal"))


def issued(api) -> tuple[str, str]:
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "verify")
    act(api, "bdo.domkal", ain, "approve")
    return ain, api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["certificate"]["uin"]


def test_dm_of_the_district_revokes_a_certificate_with_a_reason(pages, api, app):
    ain, uin = issued(api)
    page = text(pages.get(f"/officer/certificates?uin={uin}", user="dm.murshidabad"))
    assert 'id="revoke-form"' in page and ain in page
    other = text(pages.get(f"/officer/certificates?uin={uin}", user="dm.north24parganas"))
    assert 'id="revoke-form"' not in other and 'id="not-yours"' in other and ain not in other
    assert pages.get(f"/officer/certificates?uin={uin}", user="bdo.domkal").status_code == 403
    assert 'id="no-certificate"' in text(pages.get("/officer/certificates?uin=0000", user="dm.murshidabad"))
    r = pages.post(f"/officer/certificates/{uin}/revoke", data={"reason": ""}, user="dm.murshidabad")
    assert r.status_code == 422 and 'id="reason-error">is required' in text(r)
    assert pages.post(f"/officer/certificates/{uin}/revoke", data={"reason": "Forged residence proof."},
                      user="dm.north24parganas").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(Certificate.status).where(Certificate.uin == uin)) == "VALID"
    r = pages.post(f"/officer/certificates/{uin}/revoke", data={"reason": "Forged residence proof."},
                   user="dm.murshidabad")
    assert r.status_code == 302
    page = text(pages.get(r.headers["Location"], user="dm.murshidabad"))
    assert "Forged residence proof." in page and 'id="revoke-form"' not in page
    assert api.get(f"/api/v1/certificates/{uin}").get_json()["status"] == "REVOKED"
    assert 'id="certificate-revoked"' in text(pages.get(f"/applications/{ain}", user="operator.csc-domkal"))
    r = pages.post(f"/officer/certificates/{uin}/revoke", data={"reason": "Again."}, user="dm.murshidabad")
    assert r.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "revoked")) == 1


def test_complaints_list_for_the_district_and_subdivision(pages, api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "reject", reason="Not a resident of this block.")
    assert pages.post(f"/applications/{ain}/complaint", data={"text": "I have lived here for thirty years."},
                      user="operator.csc-domkal").status_code == 302
    for user in ("dm.murshidabad", "sdo.domkal"):
        html = text(pages.get("/officer/complaints", user=user))
        assert f'data-ain="{ain}"' in html and "I have lived here for thirty years." in html
        assert "Not a resident of this block." in html
    assert ain not in text(pages.get("/officer/complaints", user="dm.north24parganas"))
    assert pages.get("/officer/complaints", user="bdo.domkal").status_code == 403
    pages.post("/language", data={"lang": "bn", "next": "/"}, user="sdo.domkal")
    assert "অভিযোগ" in text(pages.get("/officer/complaints", user="sdo.domkal"))


def test_menus_follow_the_roles(pages):
    dm = text(pages.get("/", user="dm.murshidabad"))
    assert 'href="/officer/complaints"' in dm and 'href="/officer/certificates"' in dm
    sdo = text(pages.get("/", user="sdo.domkal"))
    assert 'href="/officer/complaints"' in sdo and 'href="/officer/certificates"' not in sdo
    assert 'href="/officer/complaints"' not in text(pages.get("/", user="bdo.domkal"))
    assert 'href="/studio/"' in text(pages.get("/", user="analyst.state"))
    assert 'href="/studio/"' not in text(pages.get("/", user="dm.murshidabad"))
