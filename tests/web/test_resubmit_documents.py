"""The resubmit page attaches replacement documents (the same operation as POST .../documents)."""
import io

from sqlalchemy import select

from app.extensions import db
from app.models import Application, ApplicationDocument, AuditEvent
from tests.helpers import PDF, PNG, act, submit_residential

from .conftest import text

OPERATOR = "operator.csc-domkal"


def _fields(api, ain, **changes):
    data = api.get(f"/api/v1/applications/{ain}", user=OPERATOR).get_json()["data"]
    return {**{f"data.{k}": str(v) for k, v in data.items()}, **changes}


def _links(app, ain):
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        return db.session.scalars(select(ApplicationDocument.type).where(
            ApplicationDocument.application_id == application.id).order_by(ApplicationDocument.id)).all()


def sent_back(api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "send_back", remarks="The photograph is blurred; upload a clear one.")
    return ain


def test_replacement_photograph_is_attached_with_the_resubmission(pages, api, app):
    ain = sent_back(api)
    form = text(pages.get(f"/applications/{ain}/resubmit", user=OPERATOR))
    assert 'enctype="multipart/form-data"' in form and 'name="file.photograph"' in form
    fields = _fields(api, ain, **{"file.photograph": (io.BytesIO(PNG), "clear.png")})
    r = pages.post(f"/applications/{ain}/resubmit", data=fields, user=OPERATOR, content_type="multipart/form-data")
    assert r.status_code == 302, text(r)[-2000:]
    assert _links(app, ain)[-1] == "photograph" and len(_links(app, ain)) == 5
    assert api.get(f"/api/v1/track/{ain}").get_json()["status"] == "IN_PROCESS"
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.data).where(AuditEvent.action == "document_added"))["type"] \
            == "photograph"


def test_a_refused_file_or_field_leaves_nothing_written(pages, api, app):
    ain = sent_back(api)
    fields = _fields(api, ain, **{"file.photograph": (io.BytesIO(b"not an image"), "photo.txt"),
                                  "data.pin_code": "12"})
    r = pages.post(f"/applications/{ain}/resubmit", data=fields, user=OPERATOR, content_type="multipart/form-data")
    html = text(r)
    assert r.status_code == 422
    assert 'id="file-photograph-error">only PDF, JPEG or PNG files are accepted' in html
    assert 'id="f-data-pin_code-error">is not in the expected format' in html
    assert "Choose the replacement files again." in html
    # a good file with a bad field: the file is not kept either
    fields = _fields(api, ain, **{"file.photograph": (io.BytesIO(PDF), "photo.pdf"), "data.pin_code": "12"})
    r = pages.post(f"/applications/{ain}/resubmit", data=fields, user=OPERATOR, content_type="multipart/form-data")
    assert r.status_code == 422 and 'id="f-data-pin_code-error"' in text(r)
    assert len(_links(app, ain)) == 4
    assert api.get(f"/api/v1/track/{ain}").get_json()["status"] == "SENT_BACK"


def test_only_the_applicant_side_may_resubmit_with_documents(pages, api, app):
    ain = sent_back(api)
    for user, status in (("operator.raipur", 404), ("bdo.domkal", 403)):
        fields = _fields(api, ain, **{"file.photograph": (io.BytesIO(PNG), "clear.png")})
        assert pages.post(f"/applications/{ain}/resubmit", data=fields, user=user,
                          content_type="multipart/form-data").status_code == status
    assert len(_links(app, ain)) == 4


def test_no_document_is_attached_when_the_application_was_not_sent_back(pages, api, app):
    ain = submit_residential(api)
    fields = _fields(api, ain, **{"file.photograph": (io.BytesIO(PNG), "clear.png")})
    r = pages.post(f"/applications/{ain}/resubmit", data=fields, user=OPERATOR, content_type="multipart/form-data")
    assert r.status_code == 409
    assert len(_links(app, ain)) == 4
