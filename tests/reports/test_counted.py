"""The MIS counts tables (kept by triggers) give the same summary as counting the applications.

The reference is ``summary(..., counted=False)`` (app/reports/live.py). Both run on SQLite and, in
the PostgreSQL pass, on PostgreSQL, whose triggers are different code (statement-level, over
transition tables).
"""
import random
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select, text, update

from app.accounts.actor import Actor
from app.extensions import db
from app.models import Application, AuditEvent, Location, Office, Service, SlaStep, User, WorkItem, mis_triggers
from app.models.mis import COUNT_TABLES
from app.reports import counted, summary
from app.reports.summary import GROUPS
from tests.helpers import act, submit_residential
from tests.processes.test_migration import _deploy, _renamed
from tests.services.samples import submit
from tests.sla.sla_helpers import Clock, ist, run_sweep

VIEWERS = ("dm.murshidabad", "admin.state", "bdo.domkal", "pradhan.raipur")
PERIODS = ((None, None), ("2026-01-03", None), (None, "2026-01-05"), ("2026-01-04", "2026-01-06"),
           ("2026-01-05", "2026-01-05"))
#: the integer counts of each table: a row whose counts are all zero stands for no row
COUNTS = {"mis_application_count": ("applications", "pending", "delivered", "rejected", "decided", "steps_done",
                                    "steps_on_time"),
          "mis_step_count": ("steps", "open", "done", "rejected", "late", "done_late", "on_time"),
          "mis_officer_action": ("actions", "delegated")}
SECONDS = {"mis_application_count": "decided_seconds", "mis_step_count": "done_seconds"}


def _table(table: str) -> dict:
    columns = COUNTS[table] + ((SECONDS[table],) if table in SECONDS else ())
    rows = db.session.execute(text(f"SELECT * FROM {table}")).mappings()
    out = {}
    for row in rows:
        if any(row[c] for c in COUNTS[table]):
            key = tuple(str(v) for k, v in row.items() if k not in columns)
            out[key] = tuple(float(row[c]) if c in SECONDS.values() else row[c] for c in columns)
    return out


def assert_tables_are_a_recount():
    """The counts as the triggers left them equal a recount from scratch (rolled back after)."""
    kept = {t: _table(t) for t in COUNT_TABLES}
    mis_triggers.rebuild(db.session.connection())
    again = {t: _table(t) for t in COUNT_TABLES}
    db.session.rollback()
    for table in COUNT_TABLES:
        assert kept[table].keys() == again[table].keys(), table
        for key, values in kept[table].items():
            # seconds: exact NUMERIC on PostgreSQL; REAL on SQLite, where +x then −x may leave 1e-10
            assert values[:-1] == again[table][key][:-1] if table in SECONDS else values == again[table][key]
            if table in SECONDS:
                assert abs(values[-1] - again[table][key][-1]) < 1e-6, (table, key)


def _actor(username: str) -> Actor:
    return Actor(db.session.scalar(select(User).where(User.username == username)))


def assert_summaries_match(viewers=VIEWERS, periods=PERIODS):
    for username in viewers:
        actor = _actor(username)
        for date_from, date_to in periods:
            for by in GROUPS:
                expected = summary.summary(actor, by, date_from, date_to, counted=False)
                assert summary.summary(actor, by, date_from, date_to) == expected, (username, by, date_from, date_to)
            assert summary.overall(actor, date_from, date_to) == summary.overall(
                actor, date_from, date_to, counted=False), (username, date_from, date_to)
    db.session.rollback()


def _check(app):
    with app.app_context():
        assert_tables_are_a_recount()
        assert_summaries_match()
        db.session.remove()


def _uin(api, ain):
    return api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["certificate"]["uin"]


def test_real_flows_counted_as_the_reference(app, api):
    """Submit, verify, approve with a certificate, reject, send back and resubmit, revoke, migrate,
    an overdue step escalated: after each stage the counts answer as the applications do."""
    with Clock(api, ist(2026, 1, 5, 10, 0)) as clock:
        approved, rejected, sent_back, overdue = (submit_residential(api) for _ in range(4))
        income = submit(api, "income")
        _check(app)
        clock.to(ist(2026, 1, 5, 12, 0))
        act(api, "bdo.domkal", rejected, "reject", reason="Not a resident.", fifo_override_reason="clear case")
        act(api, "bdo.domkal", sent_back, "send_back", remarks="The photograph is blurred.",
            fifo_override_reason="clear case")
        clock.to(ist(2026, 1, 6, 16, 0))   # past T+1 of the first step: escalated, late
        run_sweep(app)
        act(api, "bdo.domkal", approved, "verify")
        _check(app)
        version = _deploy(app, _renamed)
        r = api.post(f"/api/v1/applications/{overdue}/migrate", json={"version": version, "dry_run": False},
                     user="analyst.state")
        assert r.status_code == 200, r.get_json()
        body = act(api, "bdo.domkal", approved, "approve")
        assert body["status"] == "DELIVERED"
        clock.to(ist(2026, 1, 7, 9, 0))
        uin = _uin(api, approved)
        r = api.post(f"/api/v1/certificates/{uin}/revoke", json={"reason": "Forged proof."}, user="dm.murshidabad")
        assert r.status_code == 200, r.get_json()
        _check(app)
        with app.app_context():
            statuses = dict(db.session.execute(select(Application.ain, Application.status)).all())
            assert [statuses[a] for a in (approved, rejected, sent_back, overdue, income)] == [
                "DELIVERED", "REJECTED", "SENT_BACK", "SUBMITTED", "SUBMITTED"]
            mine = summary.summary(_actor("dm.murshidabad"), "service")
            residential = next(r for r in mine if r["key"] == "residential_edistrict")
            assert (residential["received"], residential["delivered"], residential["rejected"]) == (4, 1, 1)
            db.session.remove()


class _Random:
    """Random writes straight into the tables, as any writer could make them."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.locations = list(db.session.scalars(select(Location.id)))
        self.services = list(db.session.scalars(select(Service.id)))
        self.users = list(db.session.scalars(select(User.id)))
        self.offices = list(db.session.scalars(select(Office.id)))
        self.template = db.session.scalar(select(Application).order_by(Application.id))
        self.item = db.session.scalar(select(WorkItem).order_by(WorkItem.id))
        self.serial = 0

    def when(self) -> datetime:
        """A time in 2026-01-02 … 01-09, often right at an IST midnight (18:30 UTC)."""
        day = datetime(2026, 1, self.rng.randint(2, 9), tzinfo=timezone.utc)
        if self.rng.random() < 0.3:
            edge = day.replace(hour=18, minute=30)
            return edge - timedelta(microseconds=1) if self.rng.random() < 0.5 else edge
        return day + timedelta(seconds=self.rng.randint(0, 86399), microseconds=self.rng.randint(0, 999999))

    def maybe(self, value, p=0.5):
        return value if self.rng.random() < p else None

    def application(self) -> Application:
        self.serial += 1
        submitted = self.when()
        a = Application(ain=f"RND{self.serial:06d}", service_id=self.rng.choice(self.services),
                        process_instance_id=self.template.process_instance_id, applicant_name="R",
                        location_id=self.rng.choice(self.locations), channel="WEB",
                        status=self.rng.choice(("SUBMITTED", "IN_PROCESS", "SENT_BACK", "APPROVED", "REJECTED",
                                                "DELIVERED")),
                        submitted_at=submitted, updated_at=submitted, data={},
                        decided_at=self.maybe(submitted + timedelta(hours=self.rng.randint(1, 90))))
        db.session.add(a)
        db.session.flush()
        return a

    def step(self, application: Application) -> SlaStep:
        self.serial += 1
        opened = self.when()
        item = WorkItem(instance_id=self.item.instance_id, application_id=application.id, task_guid=f"rnd-{self.serial}",
                        task_key="verify_documents", task_name="Verify", role="BDO", app_submitted_at=opened,
                        created_at=opened, location_id=application.location_id, service_id=application.service_id)
        db.session.add(item)
        db.session.flush()
        step = SlaStep(application_id=application.id, location_id=application.location_id,
                       service_id=application.service_id, work_item_id=item.id, step="1", task_key="verify_documents",
                       role="BDO", opened_at=opened, due_at=opened + timedelta(hours=self.rng.randint(1, 150)))
        self.change_step(step)
        db.session.add(step)
        db.session.flush()
        return step

    def change_step(self, step: SlaStep) -> None:
        rng = self.rng
        step.office_id = self.maybe(rng.choice(self.offices), 0.8)
        step.officer_id = self.maybe(rng.choice(self.users), 0.6)
        if rng.random() < 0.6:
            step.done_at = step.opened_at + timedelta(seconds=rng.randint(60, 400000), microseconds=rng.randint(0, 10**6 - 1))
            step.late_seconds = rng.choice((0.0, 0.0, 3600.0, 17.5))
            step.outcome = rng.choice(("approve", "reject", "send_back", None))
        else:
            step.done_at = None
            step.late_seconds = rng.choice((None, None, 0.0, 5.0))   # the odd case counts exactly too
            step.outcome = None
        if rng.random() < 0.2:
            step.opened_at = self.when()

    def event(self, a: Application) -> AuditEvent:
        """An audit event about ``a``: an officer's action or not, for someone else or not."""
        rng = self.rng
        e = AuditEvent(at=self.when(), actor_id=self.maybe(rng.choice(self.users), 0.9),
                       action=rng.choice(("verify", "approve", "claim", "submitted", "feedback")),
                       object_type=rng.choice(("application", "application", "certificate")), object_key=a.ain,
                       data=rng.choice(({"on_behalf_of": "bdo.domkal"}, {}, None, {"on_behalf_of": None})),
                       hash="-")
        db.session.add(e)
        return e

    def change_application(self, a: Application) -> None:
        rng = self.rng
        change = rng.choice(("status", "decide", "undecide", "move", "service", "day"))
        if change == "status":
            a.status = rng.choice(("SUBMITTED", "IN_PROCESS", "SENT_BACK", "APPROVED", "REJECTED", "DELIVERED"))
        elif change == "decide":   # a decision, or a re-decision after a send back
            a.status = rng.choice(("APPROVED", "REJECTED", "DELIVERED"))
            a.decided_at = a.submitted_at + timedelta(seconds=rng.randint(1, 500000))
        elif change == "undecide":
            a.decided_at = None
        elif change == "move":
            a.location_id = rng.choice(self.locations)
        elif change == "service":
            a.service_id = rng.choice(self.services)
        else:
            a.submitted_at = self.when()


def test_random_writes_counted_as_the_reference(app, api):
    """Hundreds of random inserts, status changes, decisions, re-decisions, moves and deletes of
    applications and SLA steps (one row at a time and many in one statement)."""
    with Clock(api, ist(2026, 1, 5, 10, 0)):
        submit_residential(api)   # a real application, instance and work item to hang the rows on
    rng = random.Random(15)
    with Clock(api, ist(2026, 1, 7, 10, 0)), app.app_context():
        r = _Random(rng)
        apps = [r.application() for _ in range(30)]
        steps = [r.step(rng.choice(apps)) for _ in range(60)]
        events = [r.event(rng.choice(apps)) for _ in range(60)]
        db.session.commit()
        for round_ in range(6):
            for _ in range(40):
                pick = rng.random()
                if pick < 0.35:
                    r.change_application(rng.choice(apps))
                elif pick < 0.7 and steps:
                    r.change_step(rng.choice(steps))
                elif pick < 0.75:
                    steps.append(r.step(rng.choice(apps)))
                elif pick < 0.8:
                    events.append(r.event(rng.choice(apps)))
                elif pick < 0.83 and events:
                    db.session.delete(events.pop(rng.randrange(len(events))))
                elif pick < 0.9 and steps:
                    step = steps.pop(rng.randrange(len(steps)))
                    item_id = step.work_item_id
                    db.session.delete(step)
                    db.session.flush()
                    db.session.execute(delete(WorkItem).where(WorkItem.id == item_id))
                else:
                    apps.append(r.application())
                db.session.flush()
            # many rows in one statement, some to the same key
            chosen = rng.sample([a.id for a in apps], 8)
            db.session.execute(update(Application).where(Application.id.in_(chosen))
                               .values(status=rng.choice(("APPROVED", "SENT_BACK")), location_id=rng.choice(r.locations)))
            db.session.execute(update(SlaStep).where(SlaStep.application_id.in_(chosen))
                               .values(done_at=None, late_seconds=None, outcome=None, officer_id=None))
            db.session.commit()
            db.session.expire_all()
            assert_tables_are_a_recount()
            if round_ % 3 == 2:
                assert_summaries_match()
        # deleting applications with their steps and items counts them out
        gone = apps[:10]
        ids = [a.id for a in gone]
        assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.object_key.in_([a.ain for a in gone]))) > 0
        db.session.execute(delete(SlaStep).where(SlaStep.application_id.in_(ids)))
        db.session.execute(delete(WorkItem).where(WorkItem.application_id.in_(ids)))
        db.session.execute(delete(Application).where(Application.id.in_(ids)))
        db.session.commit()
        assert_tables_are_a_recount()
        assert_summaries_match()
        db.session.remove()


def test_service_point_viewers_are_counted_from_the_rows(app, api):
    """A CSC operator counts the applications their centre filed: the counts, keyed by place, cannot."""
    with Clock(api, ist(2026, 1, 5, 10, 0)):
        submit_residential(api)
        with app.app_context():
            from app import policy
            operator = _actor("operator.csc-domkal")
            assert not counted.answers(policy.counting_area(operator))
            dm = _actor("dm.murshidabad")
            assert counted.answers(policy.counting_area(dm))
            rows = summary.summary(operator, "gp")
            assert [(r["key"], r["received"]) for r in rows if r["received"]] == [("131001", 1)]
            db.session.remove()


@pytest.mark.postgres_only
def test_concurrent_writers_of_one_key_lose_no_count(app, api):
    """Two sessions move different applications of the same (place, service, day) at once:
    the second waits on the count row the first holds, then adds to the committed figure."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL (PRAVAH_TEST_DATABASE_URL): SQLite serialises writers anyway")
    with Clock(api, ist(2026, 1, 5, 10, 0)):
        first, second = submit_residential(api), submit_residential(api)
    with app.app_context():
        ids = [db.session.scalar(select(Application.id).where(Application.ain == a)) for a in (first, second)]
        db.session.remove()
        one, two = db.engine.connect(), db.engine.connect()
        try:
            one.begin()
            one.execute(update(Application).where(Application.id == ids[0]).values(status="APPROVED"))
            started = threading.Event()

            def other():
                two.begin()
                started.set()
                two.execute(update(Application).where(Application.id == ids[1]).values(status="APPROVED"))
                two.commit()
            thread = threading.Thread(target=other)
            thread.start()
            started.wait(5)
            thread.join(1.0)
            assert thread.is_alive(), "the second writer should wait for the first's count rows"
            one.commit()
            thread.join(10)
            assert not thread.is_alive()
        finally:
            one.close()
            two.close()
        assert db.session.execute(text("SELECT applications, pending, delivered FROM mis_application_count "
                                       "WHERE applications <> 0")).all() == [(2, 0, 2)]
        assert_tables_are_a_recount()
        db.session.remove()
