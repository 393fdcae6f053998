"""When a posting ends, the tasks its officer held go to the successor, recorded with old and new holder."""
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.accounts.passwords import hash_password
from app.extensions import db
from app.inbox.transfers import hand_over_ended
from app.models import Office, Posting, User
from tests.conftest import DEMO_PASSWORD
from tests.helpers import task_for
from tests.services.samples import submit


def _transfer(app, successor: bool):
    """pradhan.raipur's posting ended an hour ago; optionally a successor took over then."""
    now = clock.now()
    with app.app_context():
        leaving = db.session.scalar(select(Posting).join(User).where(User.username == "pradhan.raipur"))
        leaving.valid_to = now - timedelta(hours=1)
        if successor:
            office = db.session.scalar(select(Office).where(Office.code == "GP-RAIPUR"))
            user = User(username="pradhan2.raipur", name="New Pradhan, Raipur", language="en",
                        password_hash=hash_password(DEMO_PASSWORD))
            db.session.add(user)
            db.session.flush()
            db.session.add(Posting(user_id=user.id, role="PRADHAN", office_id=office.id,
                                   valid_from=now - timedelta(hours=1)))
        db.session.commit()


def test_held_tasks_go_to_the_successor_once(api, app):
    held, queued = submit(api, "income"), submit(api, "income")
    item = task_for(api, "pradhan.raipur", held)
    assert api.post(f"/api/v1/tasks/{item['id']}/claim", user="pradhan.raipur").status_code == 200
    _transfer(app, successor=True)
    with app.app_context():
        assert hand_over_ended() == 1
        assert hand_over_ended() == 0                     # each posting is handed over once
        db.session.commit()
    mine = task_for(api, "pradhan2.raipur", held)
    assert mine["assignee"] == "pradhan2.raipur"
    assert task_for(api, "pradhan2.raipur", queued)["assignee"] is None
    trail = api.get(f"/api/v1/applications/{held}/audit", user="bdo.domkal").get_json()["items"]
    [moved] = [e for e in trail if e["action"] == "handed_over"]
    assert (moved["before"], moved["after"]) == ({"assignee": "pradhan.raipur"}, {"assignee": "pradhan2.raipur"})


def test_without_a_successor_held_tasks_go_back_to_the_queue(api, app):
    held = submit(api, "income")
    item = task_for(api, "pradhan.raipur", held)
    api.post(f"/api/v1/tasks/{item['id']}/claim", user="pradhan.raipur")
    _transfer(app, successor=False)
    with app.app_context():
        assert hand_over_ended() == 1
        db.session.commit()
    trail = api.get(f"/api/v1/applications/{held}/audit", user="bdo.domkal").get_json()["items"]
    assert [e["after"] for e in trail if e["action"] == "handed_over"] == [{"assignee": None}]
