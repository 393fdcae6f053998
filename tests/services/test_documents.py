"""Documents: checklist, reuse, later additions, downloads, my repository, and refusals that leave nothing."""
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Application, ApplicationDocument, AuditEvent, Document, ProcessInstance, StoredBlob, WorkItem
from tests.helpers import PDF, PNG, act, upload
from tests.services.samples import payload, submit


def counts(app) -> dict:
    with app.app_context():
        rows = {m.__tablename__: db.session.scalar(select(func.count()).select_from(m))
                for m in (Application, ApplicationDocument, AuditEvent, Document, ProcessInstance, WorkItem)}
        if app.config["STORAGE"].name == "database":   # PostgreSQL runs: the bytes are rows
            rows["files"] = db.session.scalar(select(func.count()).select_from(StoredBlob)
                                              .where(StoredBlob.key.like("documents/%")))
            return rows
    files = app.config["DATA_DIR"] / "documents"
    rows["files"] = sum(1 for p in files.rglob("*") if p.is_file()) if files.exists() else 0
    return rows


def add_doc(api, user, ain, doc_type="enquiry_report", content=PDF, filename="report.pdf"):
    return api.client.post(f"/api/v1/applications/{ain}/documents",
                           data={"type": doc_type, "file": (io.BytesIO(content), filename)},
                           headers={"Authorization": f"Bearer {api.token(user)}"}, content_type="multipart/form-data")


def test_earlier_uploads_are_reused_on_a_new_application(api):
    first = payload(api, "operator.raipur", "age")
    r1 = api.post("/api/v1/applications", json=first, user="operator.raipur")
    extra = [{"type": t, "id": upload(api, "operator.raipur", t).get_json()["id"]} for t in ("alias_proof", "affidavit")]
    identity = next(d for d in first["documents"] if d["type"] == "identity_proof")
    second = payload(api, "operator.raipur", "alias", documents=[identity] + extra)
    r2 = api.post("/api/v1/applications", json=second, user="operator.raipur")
    assert (r1.status_code, r2.status_code) == (201, 201), (r1.get_json(), r2.get_json())
    ids = [{d["id"] for d in api.get(f"/api/v1/applications/{r.get_json()['ain']}", user="operator.raipur")
            .get_json()["documents"]} for r in (r1, r2)]
    assert identity["id"] in ids[0] & ids[1]


def test_the_same_document_twice_in_one_application_is_422_not_500(api, app):
    body = payload(api, "operator.raipur", "alias")
    body["documents"].append({"type": "photograph", "id": body["documents"][0]["id"]})
    before = counts(app)
    r = api.post("/api/v1/applications", json=body, user="operator.raipur")
    assert r.status_code == 422
    assert "listed twice" in r.get_json()["error"]["fields"]["documents.3.id"]
    assert counts(app) == before


def test_someone_elses_document_is_refused(api):
    theirs = upload(api, "operator.garaimari", "identity_proof").get_json()["id"]
    body = payload(api, "operator.raipur", "age")
    body["documents"][0]["id"] = theirs
    r = api.post("/api/v1/applications", json=body, user="operator.raipur")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["documents.0.id"] == "no such document in your uploads"


def test_missing_required_document_is_422_and_writes_nothing(api, app):
    body = payload(api, "operator.raipur", "income")
    body["documents"] = [d for d in body["documents"] if d["type"] != "income_proof"]
    before = counts(app)
    r = api.post("/api/v1/applications", json=body, user="operator.raipur")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert [d["type"] for d in error["missing_documents"]] == ["income_proof"]
    assert "documents.income_proof" in error["fields"]
    assert counts(app) == before


def test_30_mb_upload_is_413_and_writes_nothing(api, app):
    before = counts(app)
    r = upload(api, "operator.raipur", "identity_proof", content=PDF + b"\0" * (30 * 1024 * 1024))
    assert r.status_code == 413
    assert r.get_json()["error"]["code"] == "too_large"
    ain = submit(api, "age")
    before = counts(app)
    r = add_doc(api, "operator.raipur", ain, content=PDF + b"\0" * (30 * 1024 * 1024))
    assert r.status_code == 413
    assert counts(app) == before


def test_just_over_the_cap_is_413_from_our_check(api, app, app_config):
    before = counts(app)
    r = upload(api, "operator.raipur", "identity_proof", content=PDF + b"\0" * app.config["MAX_UPLOAD_BYTES"])
    assert r.status_code == 413
    assert counts(app) == before


def test_exe_renamed_pdf_is_415_and_writes_nothing(api, app):
    exe = b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 500
    before = counts(app)
    r = upload(api, "operator.raipur", "identity_proof", content=exe, filename="passport.pdf")
    assert r.status_code == 415
    assert r.get_json()["error"]["fields"]["file"] == "not a PDF, JPEG or PNG file"
    ain = submit(api, "age")
    before = counts(app)
    assert add_doc(api, "operator.raipur", ain, content=exe, filename="report.pdf").status_code == 415
    assert counts(app) == before


def test_documents_added_later_by_submitter_and_acting_officer(api, app):
    ain = submit(api, "age")
    r = add_doc(api, "operator.raipur", ain, "photograph", content=PNG, filename="photo.png")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["mime"] == "image/png"
    r = add_doc(api, "pradhan.raipur", ain)
    assert r.status_code == 201, r.get_json()
    report_id = r.get_json()["id"]
    assert add_doc(api, "pradhan.garaimari", ain).status_code == 404
    detail = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()
    assert {"photograph", "enquiry_report"} <= {d["type"] for d in detail["documents"]}
    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.raipur").get_json()["items"]
    assert [h["actor"] for h in history if h["action"] == "document_added"] == ["operator.raipur", "pradhan.raipur"]
    act(api, "pradhan.raipur", ain, "approve")
    r = add_doc(api, "pradhan.raipur", ain)
    assert r.status_code == 403   # no longer acting on it
    r = api.get(f"/api/v1/applications/{ain}/documents/{report_id}", user="operator.raipur")
    assert r.status_code == 200 and r.data == PDF


def test_officers_download_only_what_they_may_view(api):
    ain = submit(api, "age")
    doc = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()["documents"][0]
    r = api.get(f"/api/v1/applications/{ain}/documents/{doc['id']}", user="pradhan.raipur")
    assert r.status_code == 200
    assert r.data == PDF and r.mimetype == "application/pdf"
    assert api.get(f"/api/v1/applications/{ain}/documents/{doc['id']}", user="pradhan.garaimari").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}/documents/{doc['id']}", user="bdo.jalangi").status_code == 404
    unrelated = upload(api, "operator.raipur", "photograph").get_json()["id"]
    assert api.get(f"/api/v1/applications/{ain}/documents/{unrelated}", user="pradhan.raipur").status_code == 404
    assert api.get(f"/api/v1/applications/{ain}/documents/{doc['id']}").status_code == 401


def test_my_document_repository_lists_only_mine(api):
    mine = {upload(api, "operator.raipur", t).get_json()["id"] for t in ("photograph", "identity_proof")}
    upload(api, "operator.garaimari", "photograph")
    r = api.get("/api/v1/documents", user="operator.raipur")
    assert r.status_code == 200
    body = r.get_json()
    assert {d["id"] for d in body["items"]} == mine and body["total"] == 2
    assert {"id", "type", "sha256", "size", "mime"} <= set(body["items"][0])
    assert api.get("/api/v1/documents?per_page=500", user="operator.raipur").status_code == 422


@pytest.mark.parametrize("aadhaar", ["123456789012", "234567890123", "1234", "abcd efgh ijkl"])
def test_invalid_aadhaar_is_422_and_writes_nothing(api, app, aadhaar):
    body = payload(api, "operator.raipur", "income")
    body["applicant"]["aadhaar"] = aadhaar
    before = counts(app)
    r = api.post("/api/v1/applications", json=body, user="operator.raipur")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["applicant.aadhaar"] == "is not a valid Aadhaar number"
    assert counts(app) == before


def test_valid_aadhaar_is_stored_masked_with_a_keyed_hash(api, app):
    body = payload(api, "operator.raipur", "income")
    body["applicant"]["aadhaar"] = "2345 6789 0124"
    from app.intake.aadhaar import normalise
    number = next(f"23456789012{d}" for d in range(10) if normalise(f"23456789012{d}"))
    body["applicant"]["aadhaar"] = number[:4] + " " + number[4:8] + " " + number[8:]
    r = api.post("/api/v1/applications", json=body, user="operator.raipur")
    assert r.status_code == 201, r.get_json()
    detail = api.get(f"/api/v1/applications/{r.get_json()['ain']}", user="operator.raipur").get_json()
    assert detail["applicant"]["aadhaar"] == f"XXXX-XXXX-{number[-4:]}"
    with app.app_context():
        row = db.session.scalar(select(Application).where(Application.ain == r.get_json()["ain"]))
        assert row.aadhaar_hash and number not in row.aadhaar_hash and len(row.aadhaar_hash) == 64
