"""A citizen finds the applications an operator filed on their mobile; Track does not ask a
logged-in applicant to log in (issue 14, defect 1)."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.helpers import submit_residential

from .conftest import text


def otp_login(pages, app, mobile="9876543210"):
    client = pages.as_("otp:" + mobile)
    assert client.post("/login/otp", data={"step": "mobile", "mobile": mobile}).status_code == 200
    with app.app_context():
        body = db.session.scalar(select(Notification.body).where(Notification.event == "otp")
                                 .order_by(Notification.id.desc()))
    code = re.search(r"\b\d{6}\b", body).group(0)
    assert client.post("/login/otp", data={"step": "code", "mobile": mobile, "otp": code}).status_code == 302
    return client


def test_my_applications_lists_what_an_operator_filed_for_me(pages, app, api):
    ain = submit_residential(api)  # filed by operator.csc-domkal for 9876543210
    client = otp_login(pages, app)
    html = text(client.get("/my/applications"))
    assert ain in html and "No applications yet." not in html
    assert client.get(f"/applications/{ain}").status_code == 200
    track = text(client.get(f"/track?ain={ain}"))
    assert "Log in to see the details" not in track
    assert f'href="/applications/{ain}"' in track
    # a visitor is still asked to log in
    assert "Log in to see the details" in text(pages.get(f"/track?ain={ain}"))


def test_the_citizens_own_form_prefills_ten_digits_and_no_placeholder_name(pages, app):
    client = otp_login(pages, app, "9123456780")
    html = text(client.get("/apply/residential_edistrict"))
    mobile = re.search(r'<input[^>]*name="applicant.mobile"[^>]*>', html).group(0)
    assert 'value="9123456780"' in mobile
    pattern = re.search(r'pattern="([^"]+)"', mobile)
    assert pattern is None or re.fullmatch(pattern.group(1), "9123456780")
    name = re.search(r'<input[^>]*name="applicant.name"[^>]*>', html).group(0)
    assert "Citizen" not in name and 'value=""' in name
