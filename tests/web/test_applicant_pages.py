"""Applying through the pages (operator and citizen), validation messages, resubmission, complaint."""
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Document
from tests.helpers import act, submit_residential

from .conftest import application_form, apply_via_pages, hidden_fields, text


def test_operator_applies_and_sees_it_in_the_days_list(pages, app):
    ain = apply_via_pages(pages, "operator.csc-domkal")
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        assert application.channel == "CSC" and len(application.documents) == 4
        assert application.data["residing_since"] == 1995  # typed by the schema, not a string
    html = text(pages.get("/my/applications", user="operator.csc-domkal"))
    assert ain in html
    r = pages.get(f"/applications/{ain}/acknowledgement.pdf", user="operator.csc-domkal")
    assert r.status_code == 200 and r.data.startswith(b"%PDF")


def test_review_shows_field_errors_and_keeps_the_uploaded_documents(pages, app):
    form = application_form(**{"data.pin_code": "12345", "data.guardian_name": None})
    r = pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                   content_type="multipart/form-data")
    html = text(r)
    assert r.status_code == 422
    assert 'id="f-data-pin_code-error">is not in the expected format' in html
    assert 'id="f-data-guardian_name-error">is required' in html
    kept = {k: v for k, v in hidden_fields(html).items() if k.startswith("doc.")}
    assert len(kept) == 4
    with app.app_context():  # the uploads were kept in the operator's repository
        assert db.session.scalar(select(db.func.count()).select_from(Document)) == 4
    # correcting the fields without choosing the files again is enough
    fixed = {**hidden_fields(html), **{k: v for k, v in application_form().items() if not k.startswith("file.")}}
    fixed.update(kept)
    r = pages.post("/apply/residential_edistrict", data=fixed, user="operator.csc-domkal")
    assert r.status_code == 200 and "Check and submit" in text(r)


def test_missing_documents_are_named(pages):
    form = application_form(**{"file.age_proof": None})
    r = pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                   content_type="multipart/form-data")
    assert r.status_code == 422 and 'id="file-age_proof-error">is required' in text(r)


def test_messages_are_in_bengali_for_a_bengali_reader(pages):
    pages.post("/language", data={"lang": "bn", "next": "/"}, user="operator.csc-domkal")
    form = application_form(**{"data.pin_code": "12345"})
    html = text(pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                           content_type="multipart/form-data"))
    assert "সঠিক আকারে লেখা হয়নি" in html and "পিন কোড" in html


def test_the_same_token_submits_once(pages, app):
    form = application_form()
    r = pages.post("/apply/residential_edistrict", data=form, user="operator.csc-domkal",
                   content_type="multipart/form-data")
    fields = {**hidden_fields(text(r)), "step": "submit"}
    first = pages.post("/apply/residential_edistrict", data=fields, user="operator.csc-domkal")
    second = pages.post("/apply/residential_edistrict", data=fields, user="operator.csc-domkal")
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Application)) == 1


def test_officers_cannot_apply_and_strangers_cannot_see_an_application(pages, api):
    assert pages.get("/apply/residential_edistrict", user="bdo.domkal").status_code == 403
    ain = submit_residential(api)
    assert pages.get(f"/applications/{ain}", user="operator.raipur").status_code == 404
    assert pages.get(f"/applications/{ain}", user="bdo.jalangi").status_code == 404
    assert pages.get(f"/applications/{ain}", user="bdo.domkal").status_code == 200


def test_sent_back_application_is_corrected_and_resubmitted(pages, api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "send_back", remarks="The PIN code is wrong.")
    page = text(pages.get(f"/applications/{ain}", user="operator.csc-domkal"))
    assert 'id="resubmit-link"' in page
    form = text(pages.get(f"/applications/{ain}/resubmit", user="operator.csc-domkal"))
    assert "The PIN code is wrong." in form and 'value="742303"' in form
    fields = {f"data.{k}": v for k, v in api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal")
              .get_json()["data"].items()}
    fields["data.pin_code"] = "742304"
    r = pages.post(f"/applications/{ain}/resubmit", data=fields, user="operator.csc-domkal")
    assert r.status_code == 302
    detail = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()
    assert detail["status"] == "IN_PROCESS" and detail["data"]["pin_code"] == "742304"


def test_complaint_after_rejection(pages, api, app):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "reject", reason="Not a resident of this block.")
    html = text(pages.get(f"/applications/{ain}", user="operator.csc-domkal"))
    assert "Not a resident of this block." in html and 'id="complaint"' in html
    r = pages.post(f"/applications/{ain}/complaint", data={"text": "I have lived here for thirty years."},
                   user="operator.csc-domkal")
    assert r.status_code == 302
    from app.models import Complaint
    with app.app_context():
        assert db.session.scalar(select(db.func.count()).select_from(Complaint)) == 1


def test_the_gp_list_is_labelled_by_district(pages):
    """Issue 14: blocks of different districts are told apart in the GP list."""
    import re
    html = pages.get("/apply/residential_edistrict", user="operator.csc-domkal").get_data(as_text=True)
    labels = re.findall(r'<optgroup label="([^"]+)"', html)
    assert any(label.endswith("(Murshidabad)") for label in labels), labels
    assert any(label.endswith("(North 24 Parganas)") for label in labels), labels
