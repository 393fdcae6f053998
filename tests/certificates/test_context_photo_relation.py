"""Certificate data (issue 14): the relation wording follows the form's gender; the applicant's
photograph (the uploaded ``photograph`` image) is in the context of services that ask for one."""
from sqlalchemy import select

from app import clock
from app.certificates.context import certificate_context, relation
from app.extensions import db
from app.storage import storage_for
from app.models import Application, User
from tests.helpers import PNG, RESIDENTIAL_FORM, upload


def test_relation_follows_gender():
    assert relation("male") == {"en": "son of", "bn": "পুত্র, পিতা"}
    assert relation("female")["en"] == "daughter/wife of"
    assert relation(None)["en"] == "son/daughter/wife of"


def test_the_photo_and_relation_are_in_the_certificate_context(app, api):
    user = "operator.csc-domkal"
    documents = []
    for doc_type in ("photograph", "identity_proof", "age_proof", "residence_certificate"):
        content, name = (PNG, "photo.png") if doc_type == "photograph" else (None, "doc.pdf")
        r = upload(api, user, doc_type, content, name) if content else upload(api, user, doc_type)
        assert r.status_code == 201, r.get_json()
        documents.append({"type": doc_type, "id": r.get_json()["id"]})
    payload = {"service": "residential_edistrict", "channel": "CSC",
               "applicant": {"name": "Rahim Sheikh", "mobile": "9876543210", "language": "en"},
               "location": {"lgd_code": "131001"}, "data": dict(RESIDENTIAL_FORM, gender="male"),
               "documents": documents}
    r = api.post("/api/v1/applications", json=payload, user=user)
    assert r.status_code == 201, r.get_json()
    ain = r.get_json()["ain"]
    with app.app_context():
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        officer = db.session.scalar(select(User).where(User.username == "bdo.domkal"))
        context = certificate_context(application, officer, "HHA0122026000001", clock.now(), app.config)
        photo = context["applicant"]["photo"]
        assert photo["mime"] == "image/png" and photo["document_id"] == documents[0]["id"]
        assert storage_for(app.config).get(photo["key"]) == PNG
        assert context["applicant"]["relation"]["en"] == "son of"
