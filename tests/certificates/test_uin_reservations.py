"""PostgreSQL: approvals of one service rendering at the same time reserve different serials, so
neither renders twice; numbers are still taken in order and gap-free, also when one rolls back."""
import threading
import time
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.certificates.uin import counter_name, reserve_uin, try_claim_uin
from app.models.application import Counter

pytestmark = pytest.mark.postgres_only
YEAR = 2026


@pytest.fixture(scope="module")
def engine(counter_engine):
    return counter_engine


def _service():
    return "TST", f"{uuid.uuid4().int % 1000:03d}"


def _value(engine, dept, svc):
    with Session(engine) as session:
        return session.scalar(select(Counter.value).where(Counter.name == counter_name(dept, svc, YEAR)))


def _claim_in_thread(session, dept, svc, seen, out):
    def run():
        out.append(try_claim_uin(session, dept, svc, YEAR, seen))
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_two_open_approvals_reserve_consecutive_serials_and_both_claim_them(engine):
    dept, svc = _service()
    with Session(engine) as first, Session(engine) as second:
        seen1, uin1 = reserve_uin(first, dept, svc, YEAR)
        seen2, uin2 = reserve_uin(second, dept, svc, YEAR)
        assert (uin1, uin2) == (f"{dept}{svc}{YEAR}000001", f"{dept}{svc}{YEAR}000002")
        # The second finishes rendering first: its claim waits for the first approval to end...
        out = []
        thread = _claim_in_thread(second, dept, svc, seen2, out)
        time.sleep(0.3)
        assert thread.is_alive() and out == []
        assert try_claim_uin(first, dept, svc, YEAR, seen1) == uin1
        first.commit()
        thread.join(10)
        assert out == [uin2]   # ...and then takes its own number: nothing rendered twice
        second.commit()
    assert _value(engine, dept, svc) == 2


def test_a_reservation_whose_approval_rolled_back_is_taken_over(engine):
    dept, svc = _service()
    with Session(engine) as first, Session(engine) as second:
        reserve_uin(first, dept, svc, YEAR)
        seen2, uin2 = reserve_uin(second, dept, svc, YEAR)
        assert uin2.endswith("000002")
        out = []
        thread = _claim_in_thread(second, dept, svc, seen2, out)
        time.sleep(0.3)
        first.rollback()   # the first approval fails: serial 1 must not become a gap
        thread.join(10)
        assert out == [None]   # render again...
        seen, uin = reserve_uin(second, dept, svc, YEAR)
        assert uin.endswith("000001")   # ...with the serial it now holds
        assert try_claim_uin(second, dept, svc, YEAR, seen) == uin
        second.commit()
    assert _value(engine, dept, svc) == 1


def test_a_closed_reservation_is_free_again(engine):
    dept, svc = _service()
    with Session(engine) as first:
        assert reserve_uin(first, dept, svc, YEAR)[1].endswith("000001")
        first.rollback()
    with Session(engine) as second:
        second.execute(text("SET LOCAL lock_timeout = '1s'"))
        seen, uin = reserve_uin(second, dept, svc, YEAR)
        assert uin.endswith("000001")
        assert try_claim_uin(second, dept, svc, YEAR, seen) == uin
        second.commit()
