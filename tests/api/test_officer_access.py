"""Jurisdiction, task races and what a resubmission may change."""
import threading

import pytest

from app.extensions import db
from app.models import Application
from tests.concurrency import run_together
from tests.helpers import RESIDENTIAL_FORM, act, submit_residential, task_for


def test_bdo_of_another_block_cannot_see_or_act(api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    inbox = api.get("/api/v1/inbox", user="bdo.jalangi").get_json()["items"]
    assert all(i["ain"] != ain for i in inbox)
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "verify"}, user="bdo.jalangi")
    assert r.status_code in (403, 404)
    assert api.get(f"/api/v1/applications/{ain}", user="bdo.jalangi").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}", user="bdo.domkal").status_code == 200


def test_eo_cannot_take_the_bdos_step(api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "verify"}, user="eo.domkal")
    assert r.status_code == 403


def test_actions_are_those_of_the_form(api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    assert item["actions"] == ["forward_enquiry", "verify", "send_back", "reject"]
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "approve"}, user="bdo.domkal")
    assert r.status_code == 422 and "action" in r.get_json()["error"]["fields"]
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "reject"}, user="bdo.domkal")
    assert r.status_code == 422 and "reason" in r.get_json()["error"]["fields"]
    r = api.post(f"/api/v1/tasks/{item['id']}/complete",
                 json={"action": "forward_enquiry", "data": {"enquiry_officer": "bdo.domkal"}}, user="bdo.domkal")
    assert r.status_code == 422 and "data.enquiry_officer" in r.get_json()["error"]["fields"]
    r = api.post(f"/api/v1/tasks/{item['id']}/complete",
                 json={"action": "verify", "data": {"status": "APPROVED"}}, user="bdo.domkal")
    assert r.status_code == 422 and r.get_json()["error"]["fields"]["data.status"] == "is not a field of this form"


def test_forwarded_task_is_assigned_to_the_chosen_eo(api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert task_for(api, "eo.domkal", ain)["assignee"] == "eo.domkal"


def test_completed_task_answers_409(api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    assert api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "verify"}, user="bdo.domkal").status_code == 200
    r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "verify"}, user="bdo.domkal")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "already_completed"


def test_claim_and_release(api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    assert api.post(f"/api/v1/tasks/{item['id']}/claim", user="bdo.domkal").get_json()["assignee"] == "bdo.domkal"
    assert api.post(f"/api/v1/tasks/{item['id']}/release", user="bdo.domkal").get_json()["assignee"] is None
    assert api.post(f"/api/v1/tasks/{item['id']}/release", user="bdo.domkal").status_code == 409


def test_resubmit_cannot_set_process_variables(api, app):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "send_back", remarks="Wrong PIN code.")
    r = api.post(f"/api/v1/applications/{ain}/resubmit",
                 json={"data": {**RESIDENTIAL_FORM, "action": "approve", "processing_office": "BDO-JALANGI"}},
                 user="operator.csc-domkal")
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"data.action", "data.processing_office"}
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": RESIDENTIAL_FORM, "action": "approve"},
                 user="operator.csc-domkal")
    assert r.status_code == 422
    assert api.get(f"/api/v1/track/{ain}").get_json()["status"] == "SENT_BACK"
    # A proper resubmission returns to the same block office, whatever was tried before.
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": RESIDENTIAL_FORM}, user="operator.csc-domkal")
    assert r.status_code == 200
    assert task_for(api, "bdo.domkal", ain)["task"]["key"] == "verify_documents"
    with app.app_context():
        application = db.session.scalar(db.select(Application).where(Application.ain == ain))
        assert application.processing_office.code == "BDO-DOMKAL"


def test_only_the_applicant_side_may_resubmit(api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "send_back", remarks="Blurred photograph.")
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": RESIDENTIAL_FORM}, user="operator.csc-barasat")
    assert r.status_code == 404
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": RESIDENTIAL_FORM}, user="bdo.domkal")
    assert r.status_code == 404


@pytest.fixture
def file_database(app_config, tmp_path):
    """Concurrency needs real connections: a file SQLite database unless PostgreSQL is selected."""
    if app_config.SQLALCHEMY_DATABASE_URI.startswith("sqlite"):
        app_config.use_database(f"sqlite:///{tmp_path / 'race.db'}")


def test_two_officers_completing_at_once_get_one_200_and_one_409(file_database, api, app):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    tokens = [api.token("bdo.domkal"), api.token("bdo.domkal")]
    barrier = threading.Barrier(2)
    statuses = []

    def complete(token):
        client = app.test_client()
        barrier.wait()
        r = client.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "verify"},
                        headers={"Authorization": f"Bearer {token}"})
        statuses.append(r.status_code)

    run_together(complete, [(t,) for t in tokens])
    assert sorted(statuses) == [200, 409]
    history = api.get(f"/api/v1/applications/{ain}/history", user="bdo.domkal").get_json()["items"]
    assert [h["action"] for h in history].count("verify") == 1


def test_officers_see_applications_of_their_area_and_no_other(api):
    ain = submit_residential(api)  # an applicant of Raipur GP, Domkal block, Murshidabad
    for officer in ("dm.murshidabad", "sdo.domkal", "bdo.domkal", "pradhan.raipur"):
        assert api.get(f"/api/v1/applications/{ain}", user=officer).status_code == 200, officer
    for outsider in ("dm.north24parganas", "sdo.barasat", "bdo.jalangi", "pradhan.garaimari",
                     "analyst.state", "operator.csc-barasat"):
        assert api.get(f"/api/v1/applications/{ain}", user=outsider).status_code == 404, outsider


def test_an_officer_with_two_postings_acts_in_both(api, app):
    """The token query loads every posting (joined rows), not just the first."""
    from app.models import Office, Posting, User
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "bdo.domkal"))
        jalangi = db.session.scalar(db.select(Office).where(Office.code == "BDO-JALANGI"))
        db.session.add(Posting(user_id=user.id, role="BDO", office_id=jalangi.id))
        db.session.commit()
    ain_domkal = submit_residential(api)
    ain_jalangi = submit_residential(api, lgd_code="131011")
    inbox = {i["ain"] for i in api.get("/api/v1/inbox", user="bdo.domkal").get_json()["items"]}
    assert {ain_domkal, ain_jalangi} <= inbox
    me = api.post("/api/v1/auth/token", json={"username": "bdo.domkal", "password": "demo-pass-2026"}).get_json()
    assert {p["office"]["code"] for p in me["user"]["postings"]} == {"BDO-DOMKAL", "BDO-JALANGI"}
