"""Actors the policy tests share: OTP citizens, officers whose posting lapsed or has not begun."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Notification, Office, Posting, User
from tests.conftest import DEMO_PASSWORD

CITIZEN_A = "9876543210"   # the applicant's mobile in tests/helpers.py and tests/services/samples.py
CITIZEN_B = "9123456780"


def otp_code(app, mobile: str) -> str:
    with app.app_context():
        body = db.session.scalar(select(Notification.body).where(
            Notification.event == "otp", Notification.to.like(f"%{mobile[-10:]}"))
            .order_by(Notification.id.desc()))
    return re.search(r"\b\d{6}\b", body).group(0)


def citizen_token(api, app, mobile: str) -> str:
    """Log a citizen in by SMS code through the API; the token is kept under ``otp:<mobile>``."""
    key = f"otp:{mobile}"
    if key not in api.tokens:
        assert api.client.post("/api/v1/auth/otp", json={"mobile": mobile}).status_code == 202
        r = api.client.post("/api/v1/auth/otp/verify", json={"mobile": mobile, "otp": otp_code(app, mobile)})
        assert r.status_code == 200, r.get_json()
        api.tokens[key] = r.get_json()["token"]
    return api.tokens[key]


def citizen_pages(app, mobile: str):
    """A browser client of a citizen logged in by SMS code through the login page."""
    client = app.test_client()
    assert client.post("/login/otp", data={"step": "mobile", "mobile": mobile}).status_code == 200
    r = client.post("/login/otp", data={"step": "code", "mobile": mobile, "otp": otp_code(app, mobile)})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def officer_pages(app, username: str):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


def add_officer(app, username: str, role: str, office_code: str, *, days_from: int | None = None,
                days_to: int | None = None) -> None:
    """A user with one posting valid from/to ``days_*`` days from now (``None``: open-ended)."""
    from app.accounts.passwords import hash_password
    now = clock.now()
    with app.app_context():
        office = db.session.scalar(select(Office).where(Office.code == office_code))
        user = User(username=username, name=username, password_hash=hash_password(DEMO_PASSWORD), language="en")
        db.session.add(user)
        db.session.flush()
        db.session.add(Posting(user_id=user.id, role=role, office_id=office.id,
                               valid_from=now + timedelta(days=days_from) if days_from is not None else None,
                               valid_to=now + timedelta(days=days_to) if days_to is not None else None))
        db.session.commit()


@pytest.fixture
def lapsed(app):
    """``bdo.transferred``: a BDO of Domkal until yesterday; ``bdo.incoming``: from tomorrow."""
    add_officer(app, "bdo.transferred", "BDO", "BDO-DOMKAL", days_from=-400, days_to=-1)
    add_officer(app, "bdo.incoming", "BDO", "BDO-DOMKAL", days_from=1)
    return ("bdo.transferred", "bdo.incoming")
