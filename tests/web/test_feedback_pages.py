"""Citizen feedback after delivery: the operation and API route, the form on the application page, MIS."""
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, Feedback
from tests.helpers import act, submit_residential

from .conftest import text

OPERATOR = "operator.csc-domkal"


def delivered(api) -> str:
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "verify")
    assert act(api, "bdo.domkal", ain, "approve")["status"] == "DELIVERED"
    return ain


def feedback_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(db.func.count()).select_from(Feedback))


def test_api_accepts_one_feedback_from_the_applicant_side_after_delivery(api, app):
    ain = submit_residential(api)
    r = api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 4}, user=OPERATOR)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "not_delivered"
    act(api, "bdo.domkal", ain, "verify")
    act(api, "bdo.domkal", ain, "approve")
    r = api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 4}, user="bdo.domkal")
    assert r.status_code == 403
    assert api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 4}, user="bdo.jalangi").status_code == 404
    for body, field in (({}, "rating"), ({"rating": 0}, "rating"), ({"rating": 6}, "rating"),
                        ({"rating": True}, "rating"), ({"rating": 2.5}, "rating"),
                        ({"rating": 3, "comment": "x" * 1001}, "comment"), ({"rating": 3, "comment": 7}, "comment"),
                        ({"rating": 3, "stars": 3}, "stars")):
        r = api.post(f"/api/v1/applications/{ain}/feedback", json=body, user=OPERATOR)
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (body, r.get_json())
    assert feedback_count(app) == 0
    r = api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 5, "comment": " Quick and polite. "},
                 user=OPERATOR)
    assert r.status_code == 201, r.get_json()
    assert r.get_json() | {"given_at": None} == {"ain": ain, "rating": 5, "comment": "Quick and polite.",
                                                 "given_at": None, "given_by": OPERATOR}
    r = api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 1}, user=OPERATOR)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "feedback_exists"
    with app.app_context():
        [row] = db.session.scalars(select(Feedback)).all()
        assert (row.rating, row.comment) == (5, "Quick and polite.")
        assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "feedback")) == {"rating": 5}


def test_the_delivered_application_page_offers_the_form_once(pages, api, app):
    ain = delivered(api)
    page = text(pages.get(f"/applications/{ain}", user=OPERATOR))
    assert 'id="feedback"' in page and 'name="rating"' in page
    assert 'name="rating"' not in text(pages.get(f"/applications/{ain}", user="bdo.domkal"))
    r = pages.post(f"/applications/{ain}/feedback", data={"comment": "No rating given."}, user=OPERATOR)
    assert r.status_code == 422 and 'id="rating-error">is required' in text(r)
    assert "No rating given." in text(r)  # the comment is kept for the second try
    r = pages.post(f"/applications/{ain}/feedback", data={"rating": "9"}, user=OPERATOR)
    assert r.status_code == 422 and 'id="rating-error">choose a rating from 1 to 5' in text(r)
    assert feedback_count(app) == 0
    r = pages.post(f"/applications/{ain}/feedback", data={"rating": "4", "comment": "Fine."}, user=OPERATOR)
    assert r.status_code == 302
    page = text(pages.get(f"/applications/{ain}", user=OPERATOR))
    assert 'id="feedback-given"' in page and "4 out of 5" in page and 'name="rating"' not in page
    assert pages.post(f"/applications/{ain}/feedback", data={"rating": "1"}, user=OPERATOR).status_code == 409
    assert pages.post(f"/applications/{ain}/feedback", data={"rating": "1"}, user="bdo.domkal").status_code == 403
    assert feedback_count(app) == 1


def test_feedback_form_is_in_bengali_for_a_bengali_reader(pages, api):
    ain = delivered(api)
    pages.post("/language", data={"lang": "bn", "next": "/"}, user=OPERATOR)
    page = text(pages.get(f"/applications/{ain}", user=OPERATOR))
    assert "পরিষেবা কেমন লাগল?" in page
    r = pages.post(f"/applications/{ain}/feedback", data={"rating": "0"}, user=OPERATOR)
    assert "১ থেকে ৫-এর মধ্যে একটি মূল্যায়ন বাছুন" in text(r)


def test_mis_shows_the_average_rating_per_service(pages, api):
    for rating in (5, 2):
        ain = delivered(api)
        assert api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": rating},
                        user=OPERATOR).status_code == 201
    html = text(pages.get("/mis/?by=service", user="dm.murshidabad"))
    assert 'data-rating="3.5"' in html and 'data-figure="rating">3.5<' in html
    csv = text(pages.get("/mis/summary.csv?by=service", user="dm.murshidabad")).splitlines()
    assert csv[0].endswith(",avg_rating,ratings")
    assert csv[1].startswith("residential_edistrict,") and csv[1].endswith(",3.5,2")
    # outside the jurisdiction nothing is counted
    assert 'data-rating="3.5"' not in text(pages.get("/mis/?by=service", user="dm.north24parganas"))


def test_a_feedback_racing_past_the_check_gets_409_from_the_unique_key(api, app, monkeypatch):
    ain = delivered(api)
    assert api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 3}, user=OPERATOR).status_code == 201
    import app.intake.feedback as feedback_ops
    monkeypatch.setattr(feedback_ops, "feedback_of", lambda application: None)  # as if sent at the same moment
    r = api.post(f"/api/v1/applications/{ain}/feedback", json={"rating": 1}, user=OPERATOR)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "feedback_exists"
    assert feedback_count(app) == 1
