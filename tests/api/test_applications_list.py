"""GET /api/v1/applications: what the caller may see, newest first, paged (issue 14, defect 1)."""
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Notification
from tests.helpers import submit_residential


def citizen_token(app, client, mobile="9876543210") -> str:
    """Log in by OTP as the holder of ``mobile`` (the code read from the outbox)."""
    assert client.post("/api/v1/auth/otp", json={"mobile": mobile}).status_code == 202
    with app.app_context():
        body = db.session.scalar(select(Notification.body).where(Notification.event == "otp")
                                 .order_by(Notification.id.desc()))
    code = re.search(r"\b\d{6}\b", body).group(0)
    r = client.post("/api/v1/auth/otp/verify", json={"mobile": mobile, "otp": code})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["token"]


def listed(client, token, query=""):
    r = client.get(f"/api/v1/applications{query}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def ains(api, user, query=""):
    r = api.get(f"/api/v1/applications{query}", user=user)
    assert r.status_code == 200, r.get_json()
    return [item["ain"] for item in r.get_json()["items"]]


def test_each_caller_sees_what_they_may(app, api, client):
    first = submit_residential(api)                                    # mobile 9876543210, Domkal
    second = submit_residential(api, name="Rahim Sheikh")              # same mobile, newer
    other = submit_residential(api, user="operator.raipur", name="Someone Else")
    with app.app_context():  # a third application on another number
        from app.models import Application
        db.session.scalar(select(Application).where(Application.ain == other)).applicant_mobile = "9123456780"
        db.session.commit()

    # the citizen who proved 9876543210 by OTP sees both operator-filed applications, newest first
    body = listed(client, citizen_token(app, client))
    assert [i["ain"] for i in body["items"]] == [second, first]
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 50
    assert body["items"][0]["applicant"]["name"] == "Rahim Sheikh" and body["items"][0]["status"] == "SUBMITTED"
    # another number sees only its own
    assert [i["ain"] for i in listed(client, citizen_token(app, client, "9123456780"))["items"]] == [other]

    # operators: what they filed
    assert ains(api, "operator.csc-domkal") == [second, first]
    assert ains(api, "operator.raipur") == [other]
    # officers: their jurisdiction
    assert set(ains(api, "bdo.domkal")) >= {first, second}
    assert first not in ains(api, "dm.north24parganas")
    # paging per the conventions
    r = api.get("/api/v1/applications?page=2&per_page=1", user="operator.csc-domkal").get_json()
    assert [i["ain"] for i in r["items"]] == [first] and r["total"] == 2 and r["per_page"] == 1
    assert api.get("/api/v1/applications?per_page=500", user="bdo.domkal").status_code == 422
    assert api.get("/api/v1/applications").status_code == 401


def test_search_by_mobile_finds_every_spelling_within_the_callers_view(app, api):
    first = submit_residential(api)                                    # mobile 9876543210, Domkal
    second = submit_residential(api, name="Rahim Sheikh")
    other = submit_residential(api, name="Someone Else")
    elsewhere = submit_residential(api, user="operator.raipur", name="Far Away")
    with app.app_context():
        from app.models import Application
        rows = {a.ain: a for a in db.session.scalars(select(Application))}
        rows[second].applicant_mobile = "+919876543210"                # the same number, spelt otherwise
        rows[other].applicant_mobile = "9123456780"
        rows[elsewhere].applicant_mobile = "09876543210"               # same number, outside Domkal's view
        db.session.commit()
    for spelt in ("9876543210", "+91 98765-43210", "09876543210"):
        assert ains(api, "operator.csc-domkal", f"?mobile={spelt}") == [second, first]
    assert ains(api, "operator.csc-domkal", "?mobile=9123456780") == [other]
    assert ains(api, "operator.raipur", "?mobile=9876543210") == [elsewhere]   # only what the caller may see
    r = api.get("/api/v1/applications?mobile=12345", user="operator.csc-domkal")
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {"mobile": "must be a 10-digit mobile number"}


def test_search_by_mobile_is_an_index_lookup(app):
    """The search reads ``ix_application_applicant_mobile`` (bench/scale.py: "application by mobile")."""
    from sqlalchemy import text

    from app.accounts.mobile import spellings
    from app.models import Application
    with app.app_context():
        sql = str(select(Application.id).where(Application.applicant_mobile.in_(spellings("+919876543210")))
                  .compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("SET LOCAL enable_seqscan = off"))   # an empty table: ask for the plan it would use
            plan = " ".join(r[0] for r in db.session.execute(text("EXPLAIN " + sql)))
        else:
            plan = " ".join(str(r[-1]) for r in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        db.session.rollback()
    assert "ix_application_applicant_mobile" in plan, plan
