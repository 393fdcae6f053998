"""Two hosts, no shared disk: two web apps with their own PRAVAH_DATA_DIR and two schedulers on one
PostgreSQL. A document uploaded through one downloads through the other, a certificate issued on one
verifies on the other, and kill -9 of one host mid-load loses and duplicates nothing (issue 15 item 4).
Scaled down to fit CI; PostgreSQL only (the database is the only thing the hosts share)."""
import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, Certificate, Escalation
from tests.helpers import PDF, RESIDENTIAL_DOCS, RESIDENTIAL_FORM
from tests.scheduler.live import ROOT, LiveServer

pytestmark = pytest.mark.postgres_only
SUBMISSIONS = 10
APPROVALS = 4
OPERATOR = "operator.csc-domkal"


class Host(LiveServer):
    """One host: gunicorn (2 workers, Prometheus multiprocess dir) + ``flask scheduler run`` with one
    sweeper process, in their own process groups so ``kill -9`` takes a whole host down."""

    def __init__(self, data, database_url, keys_dir):
        data.mkdir()
        (data / "prom").mkdir()
        super().__init__(data, DATABASE_URL=database_url, PRAVAH_SIGNING_KEYS_DIR=str(keys_dir),
                         PRAVAH_SLA_DAY_SECONDS="2", PRAVAH_TIMER_SWEEP_SECONDS="1",
                         PRAVAH_TIMER_SWEEP_PROCESSES="1",   # a sweeper process per host, leader or not
                         PROMETHEUS_MULTIPROC_DIR=str(data / "prom"))

    def start(self, name, *argv):
        log = open(self.data / f"{name}.log", "w")
        self.processes[name] = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=self.env, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)
        return self.processes[name]

    def up(self):
        self.start("web", "gunicorn", "-b", f"127.0.0.1:{self.port}", "-w", "2", "wsgi:app")
        self.start("scheduler", "flask", "scheduler", "run")
        self.wait_ready()

    def kill(self):
        for proc in self.processes.values():
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


@pytest.fixture
def hosts(bare_app, tmp_path, demo_signing_keys):
    url = bare_app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("two hosts share nothing but PostgreSQL (PRAVAH_TEST_DATABASE_URL)")
    url = url.replace("postgresql+psycopg://", "postgresql://")
    a, b = Host(tmp_path / "a", url, demo_signing_keys), Host(tmp_path / "b", url, demo_signing_keys)
    a.prepare()
    a.up()
    a.wait_log("scheduler", "scheduler: leader")
    b.up()
    b.wait_log("scheduler", "standing by")
    yield a, b
    a.stop()
    b.stop()


#: set when the first load upload through host A succeeded: the moment to kill A, mid-load
A_BUSY = threading.Event()


def upload(host, doc_type=None):
    r = requests.post(host.url("/api/v1/documents"), headers=host.token(OPERATOR), timeout=30,
                      data={"type": doc_type or "photograph"}, files={"file": ("doc.pdf", PDF, "application/pdf")})
    assert r.status_code == 201, r.text
    if getattr(host, "loaded", False):
        A_BUSY.set()
    return r.json()["id"]


def submit(host, name, key):
    documents = [{"type": t, "id": upload(host, t)} for t in RESIDENTIAL_DOCS]
    body = {"service": "residential_edistrict", "channel": "CSC",
            "applicant": {"name": name, "mobile": "9876543210", "language": "bn"},
            "location": {"lgd_code": "131001"}, "data": dict(RESIDENTIAL_FORM), "documents": documents}
    r = requests.post(host.url("/api/v1/applications"), json=body, timeout=30,
                      headers={**host.token(OPERATOR), "Idempotency-Key": key})
    assert r.status_code == 201, r.text
    return r.json()["ain"]


def act(host, ain, action):
    items = requests.get(host.url("/api/v1/inbox?per_page=200"), headers=host.token("bdo.domkal"), timeout=30).json()
    item = next((i for i in items["items"] if i["ain"] == ain), None)
    if item is None:
        return None
    return requests.post(host.url(f"/api/v1/tasks/{item['id']}/complete"), json={"action": action,
                         "fifo_override_reason": "two-host test"}, headers=host.token("bdo.domkal"), timeout=60)


def test_documents_and_certificates_cross_hosts_and_kill_9_loses_nothing(hosts, bare_app):
    a, b = hosts
    # 1. uploaded on A, downloaded through B (B's PRAVAH_DATA_DIR has never seen it)
    ain = submit(a, "Cross Host", "cross-1")
    document = requests.get(b.url(f"/api/v1/applications/{ain}"), headers=b.token(OPERATOR), timeout=30).json()
    doc_id = document["documents"][0]["id"]
    r = requests.get(b.url(f"/api/v1/applications/{ain}/documents/{doc_id}"), headers=b.token("bdo.domkal"), timeout=30)
    assert (r.status_code, r.content) == (200, PDF)
    assert not (b.data / "documents").exists() and not (a.data / "documents").exists()

    # 2. issued on A, downloaded and verified on B
    assert act(a, ain, "verify").status_code == 200
    assert act(a, ain, "approve").status_code == 200
    uin = requests.get(a.url(f"/api/v1/applications/{ain}"), headers=a.token(OPERATOR), timeout=30).json()[
        "certificate"]["uin"]
    pdf = requests.get(b.url(f"/api/v1/certificates/{uin}.pdf"), headers=b.token(OPERATOR), timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    verdict = requests.post(b.url("/api/v1/certificates/verify"), files={"file": ("c.pdf", pdf.content)},
                            timeout=60).json()
    assert (verdict["valid"], verdict["matches_record"], verdict["uin"]) == (True, True, uin), verdict

    # 3. load on both hosts; kill -9 host A (web workers and the leading scheduler) in the middle
    to_approve = [submit(b, f"Approve Me {n}", f"approve-{n}") for n in range(APPROVALS)]
    for ain_ in to_approve:
        assert act(b, ain_, "verify").status_code == 200
    keys = [f"load-{uuid.uuid4().hex[:8]}-{n}" for n in range(SUBMISSIONS)]
    done, approved, interrupted, lock = {}, set(), [], threading.Lock()

    def client(n):
        host = (a, b)[n % 2]
        for attempt in range(3):
            try:
                made = submit(host, f"Load {keys[n]}", keys[n])
                with lock:
                    done[keys[n]] = made
                return
            except (requests.RequestException, AssertionError) as exc:
                interrupted.append(repr(exc))
                host = b   # a client whose host died retries on the other with the same Idempotency-Key

    def approver(ain_, first):
        for host in (first, b, b):
            try:
                response = act(host, ain_, "approve")
            except requests.RequestException as exc:
                interrupted.append(repr(exc))
                continue
            if response is None or response.status_code == 200:   # None: the task is gone, it was done
                with lock:
                    approved.add(ain_)
                return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(SUBMISSIONS)]
    threads += [threading.Thread(target=approver, args=(x, (a, b)[k % 2])) for k, x in enumerate(to_approve)]
    a.loaded = True
    for t in threads:
        t.start()
    assert A_BUSY.wait(60)   # one upload through A is done, its other clients are mid-submission
    a.kill()
    for t in threads:
        t.join(240)
    assert interrupted, "the kill landed after the load: nothing was tested"
    assert sorted(done) == sorted(keys), "a client could not finish on the surviving host"
    assert approved == set(to_approve)

    with bare_app.app_context():
        names = db.session.execute(select(Application.applicant_name, func.count()).group_by(
            Application.applicant_name)).all()
        per_name = dict(names)
        assert all(per_name.get(f"Load {k}") == 1 for k in keys), per_name           # nothing lost or doubled
        certs = db.session.execute(select(Application.ain, Certificate.uin).join(
            Certificate, Certificate.application_id == Application.id)).all()
    by_ain = {}
    for ain_, uin_ in certs:
        by_ain.setdefault(ain_, []).append(uin_)
    assert sorted(by_ain) == sorted([ain, *to_approve]) and all(len(v) == 1 for v in by_ain.values())
    serials = sorted(int(u[0][10:]) for u in by_ain.values())
    assert serials == list(range(serials[0], serials[0] + len(serials)))        # no UIN burnt twice or skipped
    for ain_ in to_approve:   # every certificate issued during the load downloads from the survivor
        uin_ = by_ain[ain_][0]
        r = requests.get(b.url(f"/api/v1/certificates/{uin_}.pdf"), headers=b.token(OPERATOR), timeout=30)
        assert r.status_code == 200 and hashlib.sha256(r.content).hexdigest()

    # 4. B's scheduler took over: every open application escalates exactly once at level 1
    open_ains = set(done.values())
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with bare_app.app_context():
            rows = db.session.execute(select(Application.ain, Escalation.level, func.count()).join(
                Escalation, Escalation.application_id == Application.id).group_by(
                Application.ain, Escalation.level)).all()
        level1 = {x for x, level, _ in rows if level == 1}
        if open_ains <= level1:
            break
        time.sleep(0.5)
    assert open_ains <= level1, b.log("scheduler")[-3000:]
    assert all(count == 1 for x, _, count in rows if x in open_ains), rows
    assert "scheduler: leader" in b.log("scheduler")
    ready = requests.get(b.url("/readyz"), timeout=10)
    assert ready.status_code == 200, ready.text
    metrics = requests.get(b.url("/metrics"), timeout=10).text
    assert 'pravah_request_seconds_count{endpoint="api.submit"' in metrics   # summed over B's gunicorn workers
