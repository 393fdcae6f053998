"""Throughput through gunicorn on PostgreSQL: flow C lifecycles, officer actions, public track/verify.

    python bench/load.py [--workers 1,2,4] [--clients 8] [--seconds 20] [--database URL]

For each W in --workers: a fresh database (default pravah_scale_load on 127.0.0.1, dropped at the
end) is migrated, deployed and seeded, ``gunicorn -w W`` starts on it (bench/load_wsgi.py: the
production app with the per-IP rate limits off, since every request comes from 127.0.0.1), and
--clients load-generator processes run for --seconds each phase:

1. flow C without certificates: submit → forward to enquiry → enquiry report → reject;
2. flow C with certificates: submit → forward → report → approve (certificate signed);
3. public reads: GET /api/v1/track/<ain> and GET /verify/<uin> alternately.

Officers work the head of their queue (GET /api/v1/inbox?per_page=1, then the action its task asks for); a
client that finds the head taken by another clerk asks again. Prints actions/s, lifecycles/s and
p50/p95 per action for each W, and the public reads per second.
"""
import argparse
import http.client
import json
import multiprocessing as mp
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = "postgresql://postgres@127.0.0.1:5432/pravah_scale_load"
PASSWORD = "demo-pass-2026"
#: (operator, BDO, enquiry officer, GP LGD code) per block: each client works one block's queue.
BLOCKS = [("operator.raipur", "bdo.domkal", "eo.domkal", "131001"),
          ("operator.sadikhardiar", "bdo.jalangi", "eo.jalangi", "131011"),
          ("operator.kadambagachhi", "bdo.barasat1", "eo.barasat1", "132001")]
FORM = {"guardian_name": "Abdul Karim", "date_of_birth": "1990-04-12", "gender": "female",
        "address": "Village Raipur, near the primary school", "post_office": "Raipur", "police_station": "Domkal",
        "pin_code": "742303", "residing_since": 1995, "purpose": "Admission to college"}
DOCS = ("photograph", "identity_proof", "age_proof", "residence_certificate")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class Http:
    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = {}

    def call(self, method, path, body=None, user=None, raw=None, content_type="application/json"):
        headers = {}
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        if data is not None:
            headers["Content-Type"] = content_type
        self.conn.request(method, path, body=data, headers=headers)
        r = self.conn.getresponse()
        payload = r.read()
        return r.status, payload

    def json(self, method, path, body=None, user=None):
        status, payload = self.call(method, path, body, user)
        return status, (json.loads(payload) if payload and payload[:1] in b"{[" else None)

    def token(self, user):
        if user not in self.tokens:
            self.tokens[user] = None
            status, body = self.json("POST", "/api/v1/auth/token", {"username": user, "password": PASSWORD})
            assert status == 200, body
            self.tokens[user] = body["token"]
        return self.tokens[user]

    def upload(self, user, doc_type):
        boundary = "benchboundary"
        raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n{doc_type}\r\n"
               f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.pdf\"\r\n"
               f"Content-Type: application/pdf\r\n\r\n").encode() + PDF + f"\r\n--{boundary}--\r\n".encode()
        status, payload = self.call("POST", "/api/v1/documents", user=user, raw=raw,
                                    content_type=f"multipart/form-data; boundary={boundary}")
        assert status == 201, payload
        return json.loads(payload)["id"]


def _head_action(client, user, eo, final, timings):
    """Complete the head of ``user``'s queue with what its task asks for (forward to enquiry, report,
    or the final decision); :returns: the action taken, or None when the queue is empty."""
    for _ in range(50):
        status, page = client.json("GET", "/api/v1/inbox?per_page=1", user=user)
        assert status == 200, page
        if not page["items"]:
            return None
        head = page["items"][0]
        if "forward_enquiry" in head["actions"]:
            action, body = "forward_enquiry", {"data": {"enquiry_officer": eo}}
        elif "submit_report" in head["actions"]:
            action, body = "submit_report", {"data": {"report": "Visited the house; resident since 1995.",
                                                      "recommendation": "recommend"}}
        else:
            action, body = final
        t0 = time.perf_counter()
        status, result = client.json("POST", f"/api/v1/tasks/{head['id']}/complete", {"action": action, **body},
                                     user=user)
        if status == 200:
            timings.setdefault(action, []).append((time.perf_counter() - t0) * 1000)
            return action
        assert status == 409, (status, result)   # taken meanwhile by another clerk of the office
    return None


def setup_worker(args):
    """Log the client's three users in and upload its documents (before the clock starts)."""
    index, port = args
    operator, bdo, eo, _lgd = BLOCKS[index % len(BLOCKS)]
    client = Http(port)
    documents = [{"type": t, "id": client.upload(operator, t)} for t in DOCS]
    for user in (bdo, eo):
        client.token(user)
    return client.tokens, documents


def lifecycle_worker(args):
    index, port, seconds, certificates, start_at, (tokens, documents) = args
    operator, bdo, eo, lgd = BLOCKS[index % len(BLOCKS)]
    client = Http(port)
    client.tokens = dict(tokens)
    timings, lifecycles = {}, 0
    final = ("approve", {}) if certificates else ("reject", {"reason": "The applicant does not live here."})
    finals = {final[0]}
    while time.time() < start_at:
        time.sleep(0.01)
    end = start_at + seconds
    while time.time() < end:
        t0 = time.perf_counter()
        status, body = client.json("POST", "/api/v1/applications", {
            "service": "residential_edistrict", "channel": "CSC", "applicant": {"name": "Rahima Khatun",
            "mobile": "9876543210", "language": "bn"}, "location": {"lgd_code": lgd}, "data": FORM,
            "documents": documents}, user=operator)
        assert status == 201, body
        timings.setdefault("submit", []).append((time.perf_counter() - t0) * 1000)
        for user in (bdo, eo, bdo):   # the block's officers take the heads of their queues
            if _head_action(client, user, eo, final, timings) in finals:
                lifecycles += 1
    return timings, lifecycles


def reads_worker(args):
    index, port, seconds, ains, uins, start_at = args
    client = Http(port)
    count = 0
    while time.time() < start_at:
        time.sleep(0.01)
    end = start_at + seconds
    while time.time() < end:
        if count % 2 == 0:
            status, _ = client.call("GET", f"/api/v1/track/{ains[count % len(ains)]}")
        else:
            status, _ = client.call("GET", f"/verify/{uins[count % len(uins)]}")
        assert status == 200, status
        count += 1
    return count


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def run_phase(pool, port, clients, seconds, certificates, prepared):
    start_at = time.time() + 2
    results = pool.map(lifecycle_worker, [(i, port, seconds, certificates, start_at, prepared[i])
                                          for i in range(clients)])
    timings, lifecycles = {}, 0
    for t, n in results:
        lifecycles += n
        for k, v in t.items():
            timings.setdefault(k, []).extend(v)
    actions = sum(len(v) for v in timings.values())
    label = "with certificates" if certificates else "without certificates"
    per = ", ".join(f"{k} p50 {statistics.median(v):.0f} / p95 {pct(v, 95):.0f} ms" for k, v in timings.items())
    print(f"  flow C {label}: {actions / seconds:.1f} actions/s, {lifecycles / seconds:.1f} lifecycles/s; {per}",
          flush=True)


def prepare(url, data_dir):
    env = {**os.environ, "DATABASE_URL": url, "PRAVAH_DATA_DIR": str(data_dir), "PRAVAH_ENV": "development",
           "FLASK_APP": "wsgi.py"}
    flask = str(Path(sys.executable).with_name("flask"))
    for args in (["db", "upgrade"], ["deploy"], ["demo", "seed"], ["signing", "init-demo"]):
        subprocess.run([flask, *args], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def _admin(url, sql):
    import psycopg
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(sql)


def one_size(url, workers, clients, seconds, port):
    name = url.rsplit("/", 1)[1]
    _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _admin(url, f"CREATE DATABASE {name}")
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(url, Path(tmp))
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        server = subprocess.Popen([gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                                   "bench.load_wsgi:app"], cwd=ROOT, env=env, start_new_session=True)
        try:
            for _ in range(300):
                try:
                    Http(port).call("GET", "/api/v1/services")
                    break
                except OSError:
                    time.sleep(0.2)
            print(f"gunicorn -w {workers}, {clients} clients, {seconds} s per phase:", flush=True)
            with mp.Pool(clients) as pool:
                prepared = pool.map(setup_worker, [(i, port) for i in range(clients)])
                run_phase(pool, port, clients, seconds, False, prepared)
                run_phase(pool, port, clients, seconds, True, prepared)
                ains, uins = public_keys(url)
                assert ains and uins, "no lifecycle finished: nothing to track or verify"
                start_at = time.time() + 2
                count = sum(pool.map(reads_worker, [(i, port, seconds, ains, uins, start_at) for i in range(clients)]))
            print(f"  public track + verify: {count / seconds:.0f} requests/s", flush=True)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    _admin(url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def public_keys(url):
    import psycopg
    with psycopg.connect(url) as conn:
        ains = [r[0] for r in conn.execute("SELECT ain FROM application ORDER BY id DESC LIMIT 200")]
        uins = [r[0] for r in conn.execute("SELECT uin FROM certificate ORDER BY id DESC LIMIT 200")]
    return ains, uins


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--database", default=DEFAULT)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"PostgreSQL {args.database.rsplit('/', 1)[1]}; load generator on the same machine; {load}", flush=True)
    for workers in (int(w) for w in args.workers.split(",")):
        one_size(args.database, workers, args.clients, args.seconds, args.port)


if __name__ == "__main__":
    main()
