"""Delegated queues decided by the policy: only current postings give or receive a queue, a delegation
ends with its delegator's posting, and lists agree with one-by-one checks."""
from datetime import timedelta

from sqlalchemy import select

from app import clock, policy
from app.accounts.actor import Actor
from app.extensions import db
from app.models import Escalation, Office, Posting, User, WorkItem
from tests.helpers import task_for
from tests.inbox.test_delegation import DELEGATIONS, _at
from tests.services.samples import inbox_ains, submit

from .conftest import add_officer


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def _end_postings(app, username: str) -> None:
    with app.app_context():
        for posting in _user(username).postings:
            posting.valid_to = clock.now() - timedelta(minutes=1)
        db.session.commit()


def _post_also(app, username: str, role: str, office_code: str) -> None:
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == office_code))
        db.session.add(Posting(user_id=_user(username).id, role=role, office_id=office.id))
        db.session.commit()


def _delegate(api, user, **body):
    return api.post(DELEGATIONS, json={"starts_on": "2026-03-10", "ends_on": "2026-03-20", **body}, user=user)


def test_a_delegation_ends_with_the_delegators_posting(api, app):
    with _at(10, api):
        ain = submit(api, "income")
        assert _delegate(api, "pradhan.raipur", to="pradhan.garaimari").status_code == 201
        item = task_for(api, "pradhan.garaimari", ain)
        _end_postings(app, "pradhan.raipur")          # transferred: the queue goes to the successor
        assert ain not in inbox_ains(api, "pradhan.garaimari")
        r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "approve"}, user="pradhan.garaimari")
        assert r.status_code == 403, r.get_json()


def test_a_lapsed_head_posting_gives_no_right_to_delegate(api, app):
    """A BDO moved from Domkal to Jalangi no longer heads Domkal's office."""
    with _at(10, api):
        add_officer(app, "bdo.moved", "BDO", "BDO-DOMKAL", days_from=-400, days_to=-1)
        _post_also(app, "bdo.moved", "BDO", "BDO-JALANGI")
        r = _delegate(api, "bdo.moved", **{"from": "eo.domkal", "to": "eo.jalangi"})
        assert r.status_code == 403, r.get_json()
        assert _delegate(api, "bdo.domkal", **{"from": "eo.domkal", "to": "eo.jalangi"}).status_code == 201


def test_only_a_current_officer_may_receive_a_queue(api, app):
    with _at(10, api):
        add_officer(app, "pradhan.retired", "PRADHAN", "GP-GARAIMARI", days_from=-400, days_to=-1)
        r = _delegate(api, "pradhan.raipur", to="pradhan.retired")
        assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"to"}, r.get_json()


def test_the_office_head_lists_and_withdraws_the_offices_delegations(api):
    with _at(10, api):
        made = _delegate(api, "eo.domkal", to="eo.jalangi").get_json()
        assert [d["id"] for d in api.get(DELEGATIONS, user="bdo.domkal").get_json()["items"]] == [made["id"]]
        assert api.get(DELEGATIONS, user="bdo.jalangi").get_json()["items"] == []
        assert api.delete(f"{DELEGATIONS}/{made['id']}", user="bdo.jalangi").status_code == 404
        r = api.delete(f"{DELEGATIONS}/{made['id']}", user="bdo.domkal")
        assert r.status_code == 200 and r.get_json()["active"] is False


def test_delegated_queues_listed_are_those_checked_one_by_one(api, app):
    with _at(10, api):
        submit(api, "income")
        submit(api, "income", lgd_code="131002")
        assert _delegate(api, "pradhan.raipur", to="pradhan.garaimari").status_code == 201
        with app.app_context():
            actor = Actor(user=_user("pradhan.garaimari"))
            items = db.session.scalars(select(WorkItem).where(WorkItem.closed_at.is_(None))).all()
            escalated = set(db.session.scalars(select(Escalation.work_item_id)))
            listed = set(db.session.scalars(select(WorkItem.id).where(
                WorkItem.closed_at.is_(None), policy.visible_work_items(actor))))
            singly = {i.id for i in items if i.id not in escalated and policy.may(actor, "task.act", i)}
            offices = {i.office.code for i in items if i.id in listed}
            assert listed == singly and offices == {"GP-RAIPUR", "GP-GARAIMARI"}, offices
