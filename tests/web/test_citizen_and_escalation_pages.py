"""Citizen OTP login through the pages; the escalations page of an L1 officer."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.helpers import submit_residential, task_for
from tests.sla.sla_helpers import Clock, ist, run_sweep

from .conftest import apply_via_pages, text


def test_citizen_logs_in_with_an_sms_code_and_applies(pages, app):
    client = pages.as_("otp:citizen")
    r = client.post("/login/otp", data={"step": "mobile", "mobile": "9123456780"})
    assert r.status_code == 200 and 'name="otp"' in text(r)
    with app.app_context():
        body = db.session.scalar(select(Notification.body).where(Notification.event == "otp")
                                 .order_by(Notification.id.desc()))
    code = re.search(r"\b\d{6}\b", body).group(0)
    wrong = "000000" if code != "000000" else "111111"
    r = client.post("/login/otp", data={"step": "code", "mobile": "9123456780", "otp": wrong})
    assert r.status_code == 401 and "not correct" in text(r)
    r = client.post("/login/otp", data={"step": "code", "mobile": "9123456780", "otp": code})
    assert r.status_code == 302 and r.headers["Location"].endswith("/my/applications")
    ain = apply_via_pages(pages, "otp:citizen")
    html = text(client.get("/my/applications"))
    assert ain in html and "My applications" in html
    assert "(Online)" in text(client.get(f"/applications/{ain}"))  # the WEB channel, in words


def test_dm_sees_escalations_with_lateness_and_takes_over(pages, api, app):
    with Clock(api, ist(2026, 1, 5, 10, 0)) as clock:
        ain = submit_residential(api)
        clock.to(ist(2026, 1, 6, 13, 0))           # three hours past the BDO's T+1
        run_sweep(app)
        html = text(pages.get("/officer/escalations", user="dm.murshidabad"))
        assert f'data-ain="{ain}"' in html and "L1" in html and "0.12 days" in html
        assert ain not in text(pages.get("/officer/escalations", user="dm.north24parganas"))
        item = task_for(api, "bdo.domkal", ain)
        page = text(pages.get(f"/officer/tasks/{item['id']}", user="dm.murshidabad"))
        assert 'id="escalation-note"' in page
        r = pages.post(f"/officer/tasks/{item['id']}/remark", data={"remarks": "Clear this today."},
                       user="dm.murshidabad")
        assert r.status_code == 302
        assert "Clear this today." in text(pages.get(f"/officer/tasks/{item['id']}", user="bdo.domkal"))
        assert pages.post(f"/officer/tasks/{item['id']}/take-over", user="dm.murshidabad").status_code == 302
        assert api.get(f"/api/v1/applications/{ain}", user="bdo.domkal").get_json()["work_items"][0]["assignee"] \
            == "dm.murshidabad"
