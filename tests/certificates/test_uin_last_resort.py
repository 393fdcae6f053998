"""After UIN_ATTEMPTS lost compare-and-sets the serial is taken under the row lock: still issued."""
from sqlalchemy import select

from app.certificates import operations
from app.extensions import db
from app.models import Counter
from tests.certificates.flow_helpers import issue


def test_losing_every_race_still_issues_the_next_serial(app, api, monkeypatch):
    lost = []
    monkeypatch.setattr(operations, "try_claim_uin", lambda *args: lost.append(args) and None)
    ain, uin = issue(api, "income")
    assert len(lost) == operations.UIN_ATTEMPTS
    assert uin.endswith("000001")
    with app.app_context():
        assert db.session.scalar(select(Counter.value).where(Counter.name == f"uin:{uin[:3]}:{uin[3:6]}:{uin[6:10]}")) == 1
