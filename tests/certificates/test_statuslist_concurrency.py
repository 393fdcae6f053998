"""PostgreSQL: approvals in one district do not wait on each other for their status-list index, and
a UIN compare-and-set that lost leaves nothing of the counter row locked while rendering again."""
import threading
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.certificates import statuslist
from app.certificates.uin import claim_uin, counter_name, peek_uin, try_claim_uin
from app.models.application import Counter
from tests.concurrency import run_together

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def engine(counter_engine):
    return counter_engine


class _Place:
    def __init__(self, code):
        self.lgd_code = code

    def ancestor_at(self, level):
        return self if level == "DISTRICT" else None


class _Application:
    def __init__(self, code):
        self.location = _Place(code)


def test_open_approvals_in_one_district_get_indexes_without_waiting(engine):
    district = f"T{uuid.uuid4().hex[:8]}"
    n = 6
    # Every approval takes its index, then waits, transaction still open, until all have theirs:
    # with the index taken under the approval's own row lock the second would block on the first.
    barrier = threading.Barrier(n, timeout=20)
    got, errors = {}, []

    def approval(k):
        try:
            with Session(engine) as session:
                session.execute(text("SET LOCAL lock_timeout = '5s'"))
                got[k] = statuslist.allocate(session, _Application(district))
                barrier.wait()
                session.commit() if k % 2 else session.rollback()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    run_together(approval, [(k,) for k in range(n)], timeout=30)
    assert errors == []
    indexes = sorted(index for _, index in got.values())
    assert {code for code, _ in got.values()} == {district}
    assert indexes == list(range(n))  # each index once, none skipped while all were open
    # Three of them rolled back: their indexes are never handed out again (bits nobody points at).
    with Session(engine) as session:
        assert statuslist.allocate(session, _Application(district)) == (district, n)
        session.rollback()
    with Session(engine) as session:
        assert statuslist.allocate(session, _Application(district)) == (district, n + 1)


def test_a_lost_uin_claim_leaves_the_counter_row_unlocked(engine):
    dept, svc, year = "TST", f"{uuid.uuid4().int % 1000:03d}", 2026
    with Session(engine) as first, Session(engine) as second, Session(engine) as third:
        seen, uin = peek_uin(first, dept, svc, year)
        assert claim_uin(second, dept, svc, year, seen) == uin
        second.commit()  # another approval took that serial
        assert try_claim_uin(first, dept, svc, year, seen) is None
        # `first` goes on to render again: the row must be free for everyone meanwhile.
        third.execute(text("SET LOCAL lock_timeout = '1s'"))
        third.execute(Counter.__table__.update().where(Counter.name == counter_name(dept, svc, year))
                      .values(value=Counter.value))
        third.rollback()
        seen, uin = peek_uin(first, dept, svc, year)
        assert try_claim_uin(first, dept, svc, year, seen) == f"{dept}{svc}{year}000002"
        first.commit()
        assert third.scalar(select(Counter.value).where(Counter.name == counter_name(dept, svc, year))) == 2
