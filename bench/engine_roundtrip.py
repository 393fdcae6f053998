"""Cost of one officer action through HTTP vs the raw engine round trip (DESIGN.md §11).

Prints the median of (a) load → complete → steps → save with the cached spec, engine only, and (b)
one ``POST /api/v1/tasks/<id>/complete`` through the Flask test client on a real database, their
ratio (target ≤ 3×), and the SQL statements and commits per action (target ≤ ~10 and exactly 1).

    python bench/engine_roundtrip.py [--n 200] [--database postgresql://postgres@127.0.0.1:5432/pravah_bench]
"""
import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from app import create_app, engine  # noqa: E402
from app.config import TestingConfig  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Application, WorkItem  # noqa: E402
from app.processes import store  # noqa: E402
from tests.helpers import residential_payload  # noqa: E402


class Client:
    def __init__(self, app):
        self.client = app.test_client()
        self.tokens = {}

    def token(self, user):
        if user not in self.tokens:
            r = self.client.post("/api/v1/auth/token", json={"username": user, "password": "demo-pass-2026"})
            self.tokens[user] = r.get_json()["token"]
        return self.tokens[user]

    def post(self, path, json=None, user=None, headers=None):
        return self.client.post(path, json=json, headers={**(headers or {}), "Authorization": f"Bearer {self.token(user)}"})

    def get(self, path, user=None):
        return self.client.get(path, headers={"Authorization": f"Bearer {self.token(user)}"})


def build_app(database: str | None, data_dir: Path):
    if database and database.startswith("postgres"):
        from tests.pg_available import main as ensure_database
        if ensure_database(database, create=True) != 0:
            raise SystemExit(f"PostgreSQL at {database} does not answer")
    config = TestingConfig()
    config.DATA_DIR = data_dir
    config.use_database(database or f"sqlite:///{data_dir / 'bench.db'}")
    config.PASSWORD_HASH_COST = (1, 1024)
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["deploy", "residential_edistrict"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    return app


def submit_many(app, n):
    api = Client(app)
    payload = residential_payload(api, "operator.csc-domkal")
    for _ in range(n):
        r = api.post("/api/v1/applications", json=payload, user="operator.csc-domkal")
        assert r.status_code == 201, r.get_json()
    return api


def engine_only(app, n):
    """Median ms of restore → complete(verify) → steps → dump for one instance's saved state."""
    with app.app_context():
        item = db.session.scalar(db.select(WorkItem).where(WorkItem.closed_at.is_(None)).limit(1))
        instance = item.application.instance
        state, spec = instance.state, store.spec_for(instance.version)
        guid = item.task_guid
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        wf = engine.restore(spec, state)
        engine.complete(wf, guid, {"action": "verify"})
        engine.dump(wf)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def http_actions(app, api, n):
    with app.app_context():
        ids = db.session.scalars(db.select(WorkItem.id).where(WorkItem.closed_at.is_(None), WorkItem.role == "BDO")
                                 .order_by(WorkItem.id).limit(n)).all()
        statements, commits = [], []
        counter = {"sql": 0, "commit": 0}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _count(*_a):
            counter["sql"] += 1

        @event.listens_for(db.engine, "commit")
        def _commit(*_a):
            counter["commit"] += 1

    token = api.token("bdo.domkal")
    times = []
    for item_id in ids:
        counter["sql"] = counter["commit"] = 0
        t0 = time.perf_counter()
        r = api.client.post(f"/api/v1/tasks/{item_id}/complete", json={"action": "verify"},
                            headers={"Authorization": f"Bearer {token}", "X-Bench": "1"})
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.get_json()
        statements.append(counter["sql"])
        commits.append(counter["commit"])
    return statistics.median(times), statistics.median(statements), statistics.median(commits)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--database", default=os.environ.get("PRAVAH_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(args.database, Path(tmp))
        api = submit_many(app, args.n)
        raw = engine_only(app, args.n)
        http, sql, commits = http_actions(app, api, args.n)
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"database: {args.database or 'SQLite file (WAL)'}; {args.n} applications at 'Verification of documents'")
    print(f"engine round trip (restore → complete → steps → dump, cached spec): median {raw:.2f} ms")
    print(f"POST /api/v1/tasks/<id>/complete (test client, one commit): median {http:.2f} ms")
    print(f"ratio HTTP action / engine round trip: {http / raw:.1f}x (target ≤ 3x)")
    print(f"SQL statements per action: median {sql:.0f}; commits per action: median {commits:.0f}")


if __name__ == "__main__":
    main()
