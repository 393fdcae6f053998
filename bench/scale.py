"""Reads at a state's scale: inbox, MIS, export, track, certificate lookup with N applications.

    python bench/scale.py [--applications 1000000] [--database URL] [--keep] [--repeat 50]

Without ``--database`` a fresh PostgreSQL database (pravah_scale_bench on 127.0.0.1) is created and
dropped at the end (``--keep`` keeps it; ``--reuse`` measures an already seeded one). Seeding: real
template applications through the API, then copies through COPY (bench/scale_seed.py). Every
figure is measured through the app's routes with the Flask test client, as the users named below.
Prints ``<name>: p50 X ms p95 Y ms`` per read.
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = "postgresql://postgres@127.0.0.1:5432/pravah_scale_bench"


def _admin(url: str, sql: str) -> None:
    import psycopg
    base, _, _name = url.rpartition("/")
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def build_app(url: str, data_dir: Path, fresh: bool):
    from app import create_app
    from app.config import TestingConfig
    from app.extensions import db
    config = TestingConfig()
    config.DATA_DIR = data_dir
    config.SIGNING_KEYS_DIR = data_dir / "keys"
    config.use_database(url)
    app = create_app(config)
    if fresh:
        with app.app_context():
            db.create_all()
        cli = app.test_cli_runner()
        for args in (["deploy"], ["demo", "seed"], ["signing", "init-demo"]):
            result = cli.invoke(args=args)
            assert result.exit_code == 0, result.output
    return app


def percentiles(times):
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]


EXPLAIN = {"on": False, "app": None}
ONLY: list[str] = []


def measure(name, fn, repeat, warm=3):
    if ONLY and not any(name.startswith(prefix) for prefix in ONLY):
        return
    for _ in range(warm):
        fn()
    if EXPLAIN["on"]:
        explain_slowest(name, fn)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    p50, p95 = percentiles(times)
    print(f"{name}: p50 {p50:.1f} ms p95 {p95:.1f} ms", flush=True)


def explain_slowest(name, fn):
    """EXPLAIN ANALYZE the slowest SQL statement that one call of ``fn`` runs (docs/performance.md)."""
    from sqlalchemy import event

    from app.extensions import db
    with EXPLAIN["app"].app_context():
        engine = db.engine
    seen, started = [], {}

    def before(conn, cursor, statement, parameters, context, many):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, many):
        seen.append(((time.perf_counter() - started.pop(id(cursor), time.perf_counter())) * 1000, statement,
                     parameters))
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    ms, statement, parameters = max(seen, key=lambda s: s[0])
    with EXPLAIN["app"].app_context():
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters)
            plan = "\n".join("    " + r[0] for r in cursor.fetchall())
            raw.rollback()
        finally:
            raw.close()
    print(f"--- {name}: {len(seen)} statements, slowest {ms:.1f} ms:\n    {' '.join(statement.split())[:600]}\n{plan}",
          flush=True)


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    return response


def web_client(app, username):
    client = app.test_client()
    ok(client.post("/login", data={"username": username, "password": "demo-pass-2026"}), 302)
    return client


def reads(app, repeat):
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Application, Certificate, Location
    from tests.conftest import Api
    api = Api(app.test_client())
    with app.app_context():
        raipur = select(Location.id).where(Location.lgd_code == "131001").scalar_subquery()
        sample = db.session.execute(select(Application.ain, Application.applicant_mobile)
                                    .where(Application.location_id == raipur)
                                    .order_by(Application.id.desc()).limit(1)).one()
        uin = db.session.scalar(select(Certificate.uin).order_by(Certificate.id.desc()).limit(1))
        counts = db.session.execute(select(Application.status, func.count()).group_by(Application.status)).all()
    print("statuses: " + ", ".join(f"{s} {n:,}" for s, n in sorted(counts)), flush=True)
    pradhan, bdo = web_client(app, "pradhan.raipur"), web_client(app, "bdo.domkal")
    total = api.get("/api/v1/inbox?per_page=1", user="pradhan.raipur").get_json()["total"]
    print(f"busy office: GP-RAIPUR, {total:,} open tasks in pradhan.raipur's inbox", flush=True)
    measure("inbox API page 1 (pradhan.raipur, 20 items)",
            lambda: ok(api.get("/api/v1/inbox?page=1&per_page=20", user="pradhan.raipur")), repeat)
    measure("inbox API page 10", lambda: ok(api.get("/api/v1/inbox?page=10&per_page=20", user="pradhan.raipur")),
            repeat)
    measure("inbox page 1 (web, 50 items)", lambda: ok(pradhan.get("/officer/inbox")), repeat)
    measure("inbox page 10 (web)", lambda: ok(pradhan.get("/officer/inbox?page=10")), repeat)
    measure("inbox by service + overdue (web)",
            lambda: ok(pradhan.get("/officer/inbox?service=income&overdue=1")), repeat)
    measure("inbox BDO page 1 (web, bdo.domkal)", lambda: ok(bdo.get("/officer/inbox")), repeat)
    for by in ("gp", "block", "service", "officer"):
        measure(f"MIS summary by {by} (dm.murshidabad, all time)",
                lambda by=by: ok(api.get(f"/api/v1/reports/summary?by={by}", user="dm.murshidabad")), repeat)
    month = time.strftime("%Y-%m-01")
    measure(f"MIS summary by gp (from {month})",
            lambda: ok(api.get(f"/api/v1/reports/summary?by=gp&from={month}", user="dm.murshidabad")), repeat)
    measure("CSV export by service", lambda: ok(api.get("/api/v1/reports/summary?by=service&format=csv",
                                                        user="dm.murshidabad")), repeat)
    measure("public track (API)", lambda: ok(api.get(f"/api/v1/track/{sample.ain}")), repeat)
    measure("certificate lookup (API)", lambda: ok(api.get(f"/api/v1/certificates/{uin}")), repeat)
    measure("certificate verify page", lambda: ok(app.test_client().get(f"/verify/{uin}")), repeat)
    measure("application by AIN (officer)",
            lambda: ok(api.get(f"/api/v1/applications/{sample.ain}", user="dm.murshidabad")), repeat)
    measure("application search by mobile (officer)",
            lambda: ok(api.get(f"/api/v1/applications?mobile={sample.applicant_mobile}", user="dm.murshidabad")),
            repeat)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--database")
    parser.add_argument("--keep", action="store_true", help="keep the database it created")
    parser.add_argument("--reuse", action="store_true", help="measure an already seeded --database")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of each read's slowest query")
    parser.add_argument("--only", default="", help="comma-separated name prefixes of the reads to measure")
    args = parser.parse_args()
    url = args.database or DEFAULT
    own = args.database is None and not args.reuse
    if not args.reuse:   # a fresh, empty database (an existing one of that name is dropped)
        name = url.rsplit("/", 1)[1]
        _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _admin(url, f"CREATE DATABASE {name}")
    import logging
    logging.disable(logging.WARNING)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            run(url, Path(tmp), args)
    finally:
        if own and not args.keep:
            from app.extensions import db
            db.session.remove()
            _admin(url, f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def run(url, data_dir, args):
    from app.extensions import db
    from tests.conftest import Api
    from tests.services.samples import FORMS

    from bench.scale_seed import copy_clones, make_templates
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"database: {url.rsplit('/', 1)[1]}; load: {load}", flush=True)
    app = build_app(url, data_dir, fresh=not args.reuse)
    EXPLAIN.update(on=args.explain, app=app)
    ONLY.extend(p for p in args.only.split(",") if p)
    if not args.reuse:
        t0 = time.perf_counter()
        templates = make_templates(Api(app.test_client()), sorted(FORMS))   # no app context: g per request
        t1 = time.perf_counter()
        with app.app_context():
            copy_clones(url, templates, args.applications, log=lambda m: print(m, flush=True))
            db.session.remove()
        print(f"seeded {args.applications:,} applications from {len(templates)} templates: templates "
              f"{t1 - t0:.0f} s, COPY {time.perf_counter() - t1:.0f} s", flush=True)
    reads(app, args.repeat)


if __name__ == "__main__":
    main()
