"""A posting grants its role and office only between valid_from and valid_to by the app clock (issue 13
item 1, issue 16: "expired postings even keep their inbox"): no inbox, no task, no page outside them."""
from datetime import timedelta

import time_machine
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Posting, User
from tests.helpers import submit_residential, task_for

from .conftest import officer_pages

OFFICER_PAGES = ("/officer/inbox", "/officer/escalations", "/mis/")


def test_expired_and_future_postings_get_no_inbox_task_or_application(api, app, lapsed):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    for user in lapsed:
        assert api.get("/api/v1/inbox", user=user).status_code == 403
        assert api.get("/api/v1/inbox?escalated=true", user=user).status_code == 403
        for action in ("claim", "release"):
            assert api.post(f"/api/v1/tasks/{item['id']}/{action}", user=user).status_code == 403, (user, action)
        r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "verify"}, user=user)
        assert r.status_code == 403, (user, r.get_json())
        assert api.post(f"/api/v1/tasks/{item['id']}/reassign", json={"username": "bdo.domkal"},
                        user=user).status_code == 403
        assert api.get(f"/api/v1/applications/{ain}", user=user).status_code == 404
        assert api.get(f"/api/v1/applications/{ain}/history", user=user).status_code == 404
        pages = officer_pages(app, user)
        for path in OFFICER_PAGES + (f"/officer/tasks/{item['id']}",):
            assert pages.get(path).status_code == 403, (user, path)
        assert pages.get(f"/applications/{ain}").status_code == 404
        assert pages.post(f"/officer/tasks/{item['id']}/claim").status_code == 403
    assert task_for(api, "bdo.domkal", ain)["assignee"] is None


def test_a_posting_that_ends_takes_the_inbox_with_it(api, app):
    """bdo.domkal's own posting, moved past its end by the clock: the same user loses the queue."""
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    with app.app_context():
        posting = db.session.scalar(select(Posting).join(User).where(User.username == "bdo.domkal"))
        posting.valid_to = clock.now() + timedelta(days=2)
        db.session.commit()
    with time_machine.travel(clock.now() + timedelta(days=3), tick=False):
        api.tokens.clear()
        assert api.get("/api/v1/inbox", user="bdo.domkal").status_code == 403
        r = api.post(f"/api/v1/tasks/{item['id']}/claim", user="bdo.domkal")
        assert r.status_code == 403
        assert officer_pages(app, "bdo.domkal").get("/officer/inbox").status_code == 403


def test_a_posting_not_yet_begun_grants_nothing_until_it_does(api, app, lapsed):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    assert api.get("/api/v1/inbox", user="bdo.incoming").status_code == 403
    with time_machine.travel(clock.now() + timedelta(days=2), tick=False):
        api.tokens.clear()
        r = api.get("/api/v1/inbox?per_page=200", user="bdo.incoming")
        assert r.status_code == 200 and ain in [i["ain"] for i in r.get_json()["items"]]
        assert api.post(f"/api/v1/tasks/{item['id']}/claim", user="bdo.incoming").status_code == 200


def test_an_expired_officer_is_not_offered_as_assignee(api, app, lapsed):
    """Reassignment and officer pickers take only current postings."""
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    r = api.post(f"/api/v1/tasks/{item['id']}/reassign", json={"username": "bdo.transferred"}, user="bdo.domkal")
    assert r.status_code == 422 and "username" in r.get_json()["error"]["fields"]
