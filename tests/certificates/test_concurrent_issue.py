"""50 approvals in 5 server processes at once (PostgreSQL): 50 distinct, consecutive UINs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Certificate
from tests.helpers import upload
from tests.services.samples import payload

ROOT = Path(__file__).resolve().parents[2]
PROCESSES, EACH = 5, 10


@pytest.mark.postgres_only
def test_fifty_concurrent_approvals_get_fifty_consecutive_uins(app, api):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL (PRAVAH_TEST_DATABASE_URL): SQLite serialises writers anyway")
    operator = "operator.raipur"
    documents = [{"type": t, "id": upload(api, operator, t).get_json()["id"]}
                 for t in [d["type"] for d in _income_documents(api) if d["required"]]]
    ains = []
    for n in range(PROCESSES * EACH):
        body = payload(api, operator, "income", documents=documents, name=f"Applicant {n:02d}")
        r = api.post("/api/v1/applications", json=body, user=operator)
        assert r.status_code == 201, r.get_json()
        ains.append(r.get_json()["ain"])
    inbox = api.get("/api/v1/inbox?per_page=200", user="pradhan.raipur").get_json()["items"]
    items = [i["id"] for i in inbox if i["ain"] in ains]
    assert len(items) == PROCESSES * EACH

    workers = [subprocess.Popen(
        [sys.executable, "-m", "tests.certificates.approval_worker", str(app.config["DATA_DIR"]),
         str(app.config["SIGNING_KEYS_DIR"]), "pradhan.raipur", *map(str, items[k::PROCESSES])],
        cwd=ROOT, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for k in range(PROCESSES)]
    uins = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err[-3000:]
        uins += json.loads(out.strip().splitlines()[-1])

    assert len(uins) == len(set(uins)) == PROCESSES * EACH
    assert len({u[:10] for u in uins}) == 1 and uins[0].startswith("PRD001")
    assert sorted(int(u[10:]) for u in uins) == list(range(1, PROCESSES * EACH + 1))
    with app.app_context():
        rows = db.session.execute(select(Certificate.uin, Application.status).join(
            Application, Certificate.application_id == Application.id)).all()
        assert sorted(u for u, _ in rows) == sorted(uins)
        assert {s for _, s in rows} == {"DELIVERED"}


def _income_documents(api):
    services = api.get("/api/v1/services?per_page=200").get_json()["items"]
    return next(s for s in services if s["key"] == "income")["documents"]
