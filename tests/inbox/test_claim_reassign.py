"""Claim / release, and reassignment within an office by its head (office_heads.json)."""
import pytest
from sqlalchemy import select

from app.accounts.passwords import hash_password
from app.extensions import db
from app.geography.offices import head_role
from app.models import Office, Posting, User
from tests.conftest import DEMO_PASSWORD
from tests.helpers import act, submit_residential, task_for
from tests.services.samples import inbox_ains, submit


def add_officer(app, username, role, office_code):
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == office_code))
        user = User(username=username, name=username, password_hash=hash_password(DEMO_PASSWORD), language="en")
        db.session.add(user)
        db.session.flush()
        db.session.add(Posting(user_id=user.id, role=role, office_id=office.id))
        db.session.commit()


def post(api, user, item_id, verb, body=None):
    return api.post(f"/api/v1/tasks/{item_id}/{verb}", json=body if body is not None else {}, user=user)


def test_office_heads_come_from_data():
    assert [head_role(level) for level in ("GP", "BLOCK", "SUBDIVISION", "DISTRICT", "CSC")] == \
        ["PRADHAN", "BDO", "SDO", "DM", None]


def test_claim_release_and_held_by_other(api, app):
    add_officer(app, "pradhan2.raipur", "PRADHAN", "GP-RAIPUR")
    ain = submit(api, "age")
    item = task_for(api, "pradhan.raipur", ain)["id"]
    r = post(api, "pradhan.raipur", item, "claim")
    assert r.status_code == 200 and r.get_json()["assignee"] == "pradhan.raipur"
    assert ain not in inbox_ains(api, "pradhan2.raipur")          # held: only the holder sees it
    r = post(api, "pradhan2.raipur", item, "claim")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "held_by_other"
    assert post(api, "pradhan2.raipur", item, "complete", {"action": "approve"}).status_code == 409
    assert post(api, "pradhan2.raipur", item, "release").get_json()["error"]["code"] == "not_held"
    assert post(api, "pradhan.raipur", item, "release").status_code == 200
    assert ain in inbox_ains(api, "pradhan2.raipur")
    assert post(api, "pradhan2.raipur", item, "claim").status_code == 200
    assert post(api, "pradhan2.raipur", item, "complete", {"action": "approve"}).status_code == 200
    assert post(api, "pradhan2.raipur", item, "claim").get_json()["error"]["code"] == "already_completed"
    assert post(api, "pradhan.garaimari", item, "claim").status_code == 403


def test_bdo_reassigns_an_enquiry_to_another_eo_of_the_block(api, app):
    add_officer(app, "eo2.domkal", "EO", "BDO-DOMKAL")
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    item = task_for(api, "eo.domkal", ain)["id"]
    assert ain not in inbox_ains(api, "eo2.domkal")
    assert post(api, "eo.domkal", item, "reassign", {"username": "eo2.domkal"}).status_code == 403
    assert post(api, "bdo.jalangi", item, "reassign", {"username": "eo2.domkal"}).status_code == 403
    r = post(api, "bdo.domkal", item, "reassign", {"username": "eo2.domkal"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["assignee"] == "eo2.domkal"
    assert ain in inbox_ains(api, "eo2.domkal") and ain not in inbox_ains(api, "eo.domkal")
    history = api.get(f"/api/v1/applications/{ain}/history", user="bdo.domkal").get_json()["items"]
    assert history[-1]["action"] == "reassigned" and history[-1]["actor"] == "bdo.domkal"
    act(api, "eo2.domkal", ain, "submit_report", data={"report": "Visited; resident since 1995.",
                                                       "recommendation": "recommend"})


@pytest.mark.parametrize("username,field", [("eo.jalangi", "username"), ("pradhan.raipur", "username"),
                                            ("nobody", "username")])
def test_reassign_only_to_an_officer_of_the_same_role_and_office(api, username, field):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    item = task_for(api, "eo.domkal", ain)["id"]
    r = post(api, "bdo.domkal", item, "reassign", {"username": username})
    assert r.status_code == 422 and field in r.get_json()["error"]["fields"]
    assert post(api, "bdo.domkal", item, "reassign", {"username": "eo.domkal", "extra": 1}).status_code == 422


def test_pradhan_reassigns_within_the_gp_and_not_after_completion(api, app):
    add_officer(app, "pradhan2.raipur", "PRADHAN", "GP-RAIPUR")
    ain = submit(api, "age")
    item = task_for(api, "pradhan.raipur", ain)["id"]
    r = post(api, "pradhan.raipur", item, "reassign", {"username": "pradhan2.raipur"})
    assert r.status_code == 200 and r.get_json()["assignee"] == "pradhan2.raipur"
    assert post(api, "dm.murshidabad", item, "reassign", {"username": "pradhan.raipur"}).status_code == 403
    assert post(api, "pradhan2.raipur", item, "complete", {"action": "approve"}).status_code == 200
    r = post(api, "pradhan.raipur", item, "reassign", {"username": "pradhan.raipur"})
    assert r.status_code == 409
