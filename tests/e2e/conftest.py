"""Browser tests: one real server per session (gunicorn on a free 127.0.0.1 port, a SQLite
file migrated, deployed and seeded) driven by Playwright with Debian's Chromium.

Skipped only when Chromium (or Playwright) is missing AND ``PRAVAH_REQUIRE_E2E`` is unset; with
``PRAVAH_REQUIRE_E2E=1`` (CI) their absence fails. Every page opened through :func:`browser_as`
fails the test on a request that leaves the server or on a console error.
"""
import os
import shutil
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("PRAVAH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PASSWORD = "e2e-demo-pass"
SHOTS = ROOT / "docs" / "screenshots"
#: Seconds in one SLA "day" on the e2e server: escalation timers fire within the test run.
SLA_DAY_SECONDS = 20

#: The browser suite runs its own SQLite server: it runs in the SQLite pass of `make test` only.
pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def _require():
    why = _missing()
    if why:
        if os.environ.get("PRAVAH_REQUIRE_E2E"):
            pytest.fail(f"browser tests required (PRAVAH_REQUIRE_E2E) but {why}")
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base_url: str, db_path: Path, env: dict, process):
        self.base_url, self.db_path, self.env, self.process = base_url, db_path, env, process

    def url(self, path: str) -> str:
        return self.base_url + path

    def query(self, sql: str, *params):
        """Read the server's database directly (what the pages must show)."""
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()

    def flask(self, *args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    _require()
    data = tmp_path_factory.mktemp("e2e")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRAVAH_", "DATABASE_URL"))}
    env.update({"FLASK_APP": "wsgi.py", "PRAVAH_ENV": "development", "PRAVAH_DATA_DIR": str(data),
                "DATABASE_URL": f"sqlite:///{data / 'e2e.db'}", "PRAVAH_SECRET_KEY": "e2e-secret-key",
                "PRAVAH_DEMO_PASSWORD": PASSWORD, "PRAVAH_PUBLIC_URL": f"http://127.0.0.1:{port}",
                "PRAVAH_SLA_DAY_SECONDS": str(SLA_DAY_SECONDS), "PRAVAH_TIMER_SWEEP_SECONDS": "2",
                "PRAVAH_NOTIFY_BACKEND": "console", "PORT": str(port), "PYTHONUNBUFFERED": "1"})
    server = Server(f"http://127.0.0.1:{port}", data / "e2e.db", env, None)
    server.flask("db", "upgrade")
    # Tables added since the last migration (the integrator generates migrations) still get created.
    subprocess.run([sys.executable, "-c", "from app import create_app; from app.extensions import db\n"
                    "app = create_app()\nwith app.app_context(): db.create_all()"], cwd=ROOT, env=env, check=True)
    server.flask("deploy")
    server.flask("demo", "seed")
    # Demo signing keys (CA + officers), so approvals issue signed certificates.
    if subprocess.run([sys.executable, "-m", "flask", "signing", "--help"], cwd=ROOT, env=env,
                      capture_output=True).returncode == 0:
        server.flask("signing", "init-demo")
    log = open(data / "server.log", "w")
    # gunicorn as in production (``flask serve`` is refused by Flask inside its own CLI).
    server.process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2",
                                       "--threads", "4", "--access-logfile", "-", "wsgi:app"], cwd=ROOT,
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
    server.log_path = data / "server.log"
    # The scheduler fires SLA timers (escalations) and dispatches notifications, as `make run` does.
    scheduler = subprocess.Popen([sys.executable, "-m", "flask", "scheduler", "run"], cwd=ROOT, env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(server.url("/"), timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if server.process.poll() is not None or time.monotonic() > deadline:
            server.process.kill()
            pytest.fail("the server did not start:\n" + (data / "server.log").read_text()[-4000:])
        time.sleep(0.3)
    yield server
    for process in (server.process, scheduler):
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    log.close()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Guard:
    """Collects requests that leave the server and console errors of the pages it watches.

    A test that opens an error page on purpose (a 409 FIFO refusal, a 422 form) names the status it
    expects with :meth:`expect_status`; Chromium reports such a page as a console error too.
    """

    def __init__(self, base_url: str):
        self.origin = urlsplit(base_url)
        self.escaped: list[str] = []
        self.errors: list[str] = []
        self.expected: list[str] = []

    def expect_status(self, status: int) -> None:
        self.expected.append(f"status of {status} ")

    def route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or (url.hostname == "127.0.0.1" and url.port == self.origin.port):
            route.continue_()
        else:
            self.escaped.append(route.request.url)
            route.abort()

    def watch(self, page):
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))

    def check(self):
        escaped = list(self.escaped)
        errors = [e for e in self.errors if not any(x in e for x in self.expected)]
        self.escaped.clear()
        self.errors.clear()
        self.expected.clear()
        assert not escaped, f"requests left localhost: {escaped}"
        assert not errors, f"console errors: {errors}"


class Sessions:
    """One logged-in browser context per user, reused across tests (log in once per session)."""

    def __init__(self, browser, server):
        self.browser, self.server = browser, server
        self.contexts = {}
        self.guard = Guard(server.base_url)

    def context(self, username: str | None, *, viewport=None):
        key = (username, tuple(sorted((viewport or {}).items())))
        if key not in self.contexts:
            context = self.browser.new_context(base_url=self.server.base_url, locale="en-IN",
                                               viewport=viewport or {"width": 1280, "height": 900})
            context.route("**/*", self.guard.route)
            context.set_default_timeout(15000)
            self.contexts[key] = context
            if username and not username.startswith("otp:"):  # "otp:<mobile>": the test logs in itself
                page = self.page(username, viewport=viewport)
                page.goto("/login")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Log in").click()
                page.wait_for_load_state()
                assert "/login" not in page.url, page.content()[:2000]
                page.close()
        return self.contexts[key]

    def page(self, username: str | None = None, *, viewport=None):
        page = self.context(username, viewport=viewport).new_page()
        self.guard.watch(page)
        return page


@pytest.fixture(scope="session")
def sessions(browser, server):
    found = Sessions(browser, server)
    yield found
    for context in found.contexts.values():
        context.close()


@pytest.fixture
def browser_as(sessions):
    """``browser_as("bdo.domkal")`` → a fresh page in that user's logged-in context (``None``: anonymous).
    The test fails on any request leaving the server or any console error on its pages."""
    opened = []

    def open_page(username=None, **kw):
        page = sessions.page(username, **kw)
        opened.append(page)
        return page

    yield open_page
    try:
        sessions.guard.check()
    finally:
        for page in opened:
            page.close()


def shot(page, name: str, lang: str) -> Path:
    """Save a full-page screenshot of a main page under docs/screenshots/<name>-<lang>.png."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}-{lang}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def set_language(page, lang: str) -> None:
    """Use the language switch in the header (remembered for the user or the session)."""
    label = "বাংলা" if lang == "bn" else "English"
    if page.url == "about:blank":
        page.goto("/")
    button = page.locator(".lang-switch button")
    if button.inner_text().strip() == label:
        button.click()
        page.wait_for_load_state()


def decide(page, action: str, *, confirm: bool = True, **fields) -> None:
    """Take a decision on the task page: choose it, fill what it reveals (``{"#reason": "..."}``
    given as ``reason="..."``; selects by a ``select_`` prefix), continue, and confirm a signing one."""
    page.check(f"#action-{action}")
    for name, value in fields.items():
        if name.startswith("select_"):
            page.select_option(f"#{name[7:]}", value)
        else:
            page.fill(f"#{name}", value)
    page.click("#decision-continue")
    page.wait_for_load_state()
    if confirm and page.locator("#confirm-sign").count():
        page.click("#confirm-sign")
        page.wait_for_load_state()


def otp_from_output(server, mobile: str, *, after: int = 0, timeout: float = 30.0) -> str:
    """The newest one-time code the console backend printed for ``mobile`` on the server's output
    (what someone following the README reads in the `make run` terminal)."""
    deadline = time.monotonic() + timeout
    pattern = re.compile(r"\[sms to \+91" + mobile + r"\][^\n]*?\b(\d{6})\b")
    while True:
        text = server.log_path.read_text(encoding="utf-8", errors="replace")[after:]
        found = pattern.findall(text)
        if found:
            return found[-1]
        assert time.monotonic() < deadline, "no OTP for " + mobile + " on the server output"
        time.sleep(0.5)


def printed(server, needle: str, *, timeout: float = 30.0) -> str:
    """The first line of the server's output containing ``needle`` (messages sent by the console backend)."""
    deadline = time.monotonic() + timeout
    while True:
        for line in server.log_path.read_text(encoding="utf-8", errors="replace").splitlines():
            if needle in line:
                return line
        assert time.monotonic() < deadline, f"nothing like {needle!r} on the server output"
        time.sleep(0.5)
