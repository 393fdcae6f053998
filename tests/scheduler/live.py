"""A real Pravah server in subprocesses on a free 127.0.0.1 port with a file SQLite database."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.helpers import PDF, RESIDENTIAL_DOCS, RESIDENTIAL_FORM

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "live-pass-2026"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, data: Path, **settings):
        self.data = data
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("PRAVAH_", "DATABASE_URL", "FLASK_"))}
        self.env.update({"FLASK_APP": "wsgi.py", "PRAVAH_ENV": "development", "PRAVAH_DATA_DIR": str(data),
                         "DATABASE_URL": f"sqlite:///{data / 'live.db'}", "PRAVAH_SECRET_KEY": "live-secret",
                         "PRAVAH_DEMO_PASSWORD": PASSWORD, "PRAVAH_NOTIFY_BACKEND": "console",
                         "PORT": str(self.port), "PYTHONUNBUFFERED": "1", **settings})
        self.processes: dict[str, subprocess.Popen] = {}
        self.tokens: dict[str, str] = {}

    def flask(self, *args):
        result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def prepare(self):
        subprocess.run([sys.executable, "-c", "from app import create_app; from app.extensions import db\n"
                        "app = create_app()\nwith app.app_context(): db.create_all()"],
                       cwd=ROOT, env=self.env, check=True)
        self.flask("deploy")
        self.flask("demo", "seed")

    def start(self, name: str, *argv: str):
        log = open(self.data / f"{name}.log", "w")
        self.processes[name] = subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=self.env,
                                                stdout=log, stderr=subprocess.STDOUT)
        return self.processes[name]

    def log(self, name: str) -> str:
        return (self.data / f"{name}.log").read_text()

    def wait_log(self, name: str, text: str, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.log(name):
                return
            time.sleep(0.1)
        raise AssertionError(f"{name} never logged {text!r}:\n" + self.log(name)[-3000:])

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url("/api/v1/services"), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise AssertionError("server did not start:\n" + "\n".join(self.log(n)[-3000:] for n in self.processes))

    def stop(self):
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.processes.values():
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    def url(self, path):
        return self.base + path

    def token(self, user):
        if user not in self.tokens:
            r = requests.post(self.url("/api/v1/auth/token"), json={"username": user, "password": PASSWORD}, timeout=10)
            assert r.status_code == 200, r.text
            self.tokens[user] = r.json()["token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, path, user):
        return requests.get(self.url(path), headers=self.token(user), timeout=10)

    def submit_residential(self, user="operator.csc-domkal") -> str:
        documents = []
        for doc_type in RESIDENTIAL_DOCS:
            r = requests.post(self.url("/api/v1/documents"), headers=self.token(user), timeout=10,
                              data={"type": doc_type}, files={"file": ("doc.pdf", PDF, "application/pdf")})
            assert r.status_code == 201, r.text
            documents.append({"type": doc_type, "id": r.json()["id"]})
        body = {"service": "residential_edistrict", "channel": "CSC",
                "applicant": {"name": "Rahima Khatun", "mobile": "9876543210", "language": "bn"},
                "location": {"lgd_code": "131001"}, "data": dict(RESIDENTIAL_FORM), "documents": documents}
        r = requests.post(self.url("/api/v1/applications"), json=body, headers=self.token(user), timeout=30)
        assert r.status_code == 201, r.text
        return r.json()["ain"]

    def wait_escalated(self, ain, user="dm.murshidabad", timeout=20.0) -> dict:
        """Poll the L1 officer's escalated inbox (a bounded loop: this is a black-box test)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            items = self.get("/api/v1/inbox?escalated=true&per_page=200", user).json()["items"]
            found = [i for i in items if i["ain"] == ain]
            if found:
                return found[0]
            time.sleep(0.1)
        raise AssertionError(f"{ain} was not escalated within {timeout} s:\n"
                             + "\n".join(f"--- {n}\n" + self.log(n)[-2000:] for n in self.processes))
