"""CSRF on forms (not on the bearer-token API), sessions, security headers, language and catalogue."""
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from app.extensions import db
from app.models import User
from app.web.auth import safe_next
from tests.conftest import DEMO_PASSWORD

from .conftest import text

APP = Path(__file__).resolve().parents[2] / "app"


@pytest.fixture
def csrf_app(app_config):
    app_config.WTF_CSRF_ENABLED = True
    return app_config


def test_forms_need_the_csrf_token_but_the_api_does_not(csrf_app, app):
    client = app.test_client()
    r = client.post("/login", data={"username": "bdo.domkal", "password": DEMO_PASSWORD})
    assert r.status_code == 400 and "The form expired" in text(r)
    page = text(client.get("/login"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": "bdo.domkal", "password": DEMO_PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    r = client.post("/api/v1/auth/token", json={"username": "bdo.domkal", "password": DEMO_PASSWORD})
    assert r.status_code == 200


def test_wrong_password_and_unknown_user_get_the_same_answer(pages):
    client = pages.as_(None)
    a = client.post("/login", data={"username": "bdo.domkal", "password": "wrong"})
    b = client.post("/login", data={"username": "nobody", "password": "wrong"})
    assert a.status_code == b.status_code == 401
    assert "The username or password is not correct." in text(a) and "The username or password is not correct." in text(b)


def test_security_headers_and_cookie_flags(pages):
    r = pages.as_(None).post("/login", data={"username": "bdo.domkal", "password": DEMO_PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    home = pages.get("/")
    csp = home.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert home.headers["X-Content-Type-Options"] == "nosniff" and home.headers["X-Frame-Options"] == "DENY"
    assert pages.get("/officer/inbox", user="bdo.domkal").headers["Cache-Control"] == "no-store"


def test_login_redirects_only_within_the_site():
    assert safe_next("/officer/inbox", "/") == "/officer/inbox"
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", ""):
        assert safe_next(bad, "/") == "/"


def test_language_choice_is_remembered_on_the_user(pages, app):
    pages.post("/language", data={"lang": "bn", "next": "/officer/inbox"}, user="bdo.domkal")
    with app.app_context():
        assert db.session.scalar(select(User.language).where(User.username == "bdo.domkal")) == "bn"
    html = text(pages.get("/officer/inbox", user="bdo.domkal"))
    assert '<html lang="bn">' in html and "ইনবক্স" in html


def test_every_page_string_has_a_bengali_translation():
    """Fails when a page string is added without its Bengali (run pybabel extract/update/compile)."""
    method_map = [("web/**.py", "python"), ("templates/**.html", "jinja2")]
    found = {message for _f, _l, message, *_ in extract_from_dir(str(APP), method_map)}
    ids = {m if isinstance(m, str) else m[0] for m in found}
    with open(APP / "translations" / "bn" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    missing = sorted(i for i in ids if not compiled.get(i))
    assert not missing, f"untranslated (or not compiled) page strings: {missing}"


def test_compiled_catalogue_matches_the_po_file():
    with open(APP / "translations" / "bn" / "LC_MESSAGES" / "messages.po", "rb") as f:
        po = {m.id: m.string for m in read_po(f) if m.id}
    with open(APP / "translations" / "bn" / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = {m.id: m.string for m in read_mo(f) if m.id}
    assert po == mo, "run: pybabel compile -d app/translations"


def test_bengali_digits_and_dates(app):
    from app.web.i18n import digits, when
    from datetime import datetime, timezone
    with app.test_request_context("/"):
        from flask import session
        session["lang"] = "bn"
        assert digits(2026) == "২০২৬"
        assert when(datetime(2026, 1, 5, 4, 30, tzinfo=timezone.utc)) == "৫ জানুয়ারি ২০২৬, ১০:০০"
