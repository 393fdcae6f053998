"""PostgreSQL: two writers appending to one object's audit trail at the same moment do not fork it.

Before the head of an application's chain was kept on its row, each writer selected the last hash of
the chain and linked to it; two transactions open at once both read the same hash and both events
claimed it as their predecessor (a fork that ``flask audit verify`` reports as a removed row). Now the
application row's lock serialises appends: the second waits for the first to commit, then links to
its event. Other objects (a service of the catalogue here) serialise on an advisory lock.
"""
import os
import threading

import pytest
from sqlalchemy import select, text

from app.audit.operations import record, verify_all, verify_chain
from app.extensions import db
from app.models import Application, AuditEvent
from tests.concurrency import run_together
from tests.helpers import act
from tests.services.samples import submit

pytestmark = pytest.mark.postgres_only

ROUNDS = 15


@pytest.fixture(autouse=True)
def _postgres():
    if not os.environ.get("PRAVAH_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("needs PostgreSQL (PRAVAH_TEST_DATABASE_URL): SQLite serialises writers anyway")


def _race(app, object_type, key, writers=2):
    """``writers`` threads, each with its own connection, open a transaction together (a barrier) and
    append one event each; ``ROUNDS`` times."""
    barrier = threading.Barrier(writers, timeout=30)
    errors = []

    def writer(k):
        try:
            with app.app_context():
                for n in range(ROUNDS):
                    db.session.execute(text("SET LOCAL lock_timeout = '10s'"))   # the transaction is open
                    barrier.wait()
                    record(f"note_{k}_{n}", object_type, key, data={"writer": k, "round": n})
                    db.session.commit()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)
            barrier.abort()

    run_together(writer, [(k,) for k in range(writers)], timeout=120)
    assert errors == []


def _links(app, object_type, key):
    with app.app_context():
        return db.session.execute(select(AuditEvent.prev_hash, AuditEvent.hash).where(
            AuditEvent.object_type == object_type, AuditEvent.object_key == key).order_by(AuditEvent.id)).all()


def test_two_writers_on_one_application_make_one_unforked_chain(api, app):
    ain = submit(api, "income")
    _race(app, "application", ain)
    links = _links(app, "application", ain)
    assert len(links) == 1 + 2 * ROUNDS                          # "submitted" and every note
    prevs = [prev for prev, _ in links]
    assert len(set(prevs)) == len(prevs)                         # no event shares a predecessor: no fork
    with app.app_context():
        assert verify_chain("application", ain)
        assert db.session.scalar(select(Application.audit_head).where(Application.ain == ain)) == links[-1].hash
        assert verify_all() is None


def test_an_officer_action_and_another_writer_at_once_keep_one_chain(api, app):
    ain = submit(api, "income")
    started = threading.Event()
    errors = []

    def notes():
        try:
            with app.app_context():
                for n in range(ROUNDS):
                    record(f"note_{n}", "application", ain)
                    started.set()
                    db.session.commit()
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    thread = threading.Thread(target=notes)
    thread.start()
    started.wait(10)
    act(api, "pradhan.raipur", ain, "send_back", remarks="Attach a clear income proof.")
    thread.join(60)
    assert errors == []
    links = _links(app, "application", ain)
    assert len(links) == 2 + ROUNDS and len({prev for prev, _ in links}) == len(links)
    with app.app_context():
        assert verify_chain("application", ain) and verify_all() is None


def test_two_writers_on_one_service_make_one_unforked_chain(app):
    _race(app, "service", "income")
    links = _links(app, "service", "income")
    assert len(links) >= 2 * ROUNDS and len({prev for prev, _ in links}) == len(links)
    with app.app_context():
        assert verify_chain("service", "income")
