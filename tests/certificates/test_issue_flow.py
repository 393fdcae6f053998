"""Approval issues the signed certificate in the same transaction (service task ``issue_certificate``)."""
import hashlib
from datetime import datetime

import pytest
from sqlalchemy import select

from app import clock
from app.certificates.qrpayload import verify_fragment
from app.certificates.timefmt import IST
from app.certificates.uin import UIN_RE
from app.certificates.verify import verify_pdf
from app.extensions import db
from app.models import Application, Certificate
from tests.certificates.flow_helpers import (CATALOGUE, SERVICES_WITH_BPMN, approve, approver, download, issue,
                                             published_keys, qr_texts, rasterise, submit_any, submitter)
from tests.certificates.pdftext import pdf_text
from tests.helpers import task_for

DEPARTMENTS = {"PRD": "Panchayats and Rural Development Department", "HHA": "Home and Hill Affairs Department"}
DEPARTMENTS_BN = {"PRD": "পঞ্চায়েত ও গ্রামোন্নয়ন দপ্তর", "HHA": "স্বরাষ্ট্র ও পার্বত্য বিষয়ক দপ্তর"}


@pytest.mark.parametrize("service", SERVICES_WITH_BPMN)
def test_approval_issues_a_signed_certificate(app, api, tmp_path, service):
    entry = CATALOGUE[service]
    before = datetime.now(IST)
    ain, uin = issue(api, service)

    assert UIN_RE.fullmatch(uin)
    assert uin[:6] == f"{entry['department']}{entry['service_code']}" and uin[6:10] == str(before.year)
    assert uin[10:] == "000001"
    detail = api.get(f"/api/v1/applications/{ain}", user=submitter(service)).get_json()
    assert (detail["status"], detail["stage"]) == ("DELIVERED", "Certificate issued")
    assert detail["certificate"]["uin"] == uin and detail["certificate"]["status"] == "VALID"
    history = api.get(f"/api/v1/applications/{ain}/history", user=submitter(service)).get_json()["items"]
    assert history[-1]["action"] == "approve"

    pdf = download(api, service, uin)
    trust_root = api.get("/api/v1/signing/trust-root.pem").data
    result = verify_pdf(pdf, trust_root)
    assert result["valid"] and result["covers_whole_file"] and result["modification_level"] == "NONE", result
    with app.app_context():
        cert = db.session.scalar(select(Certificate).where(Certificate.uin == uin))
        assert cert.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
        assert cert.signer_name == result["signed_by"] and cert.issued_by.username == approver(service)
        application = db.session.scalar(select(Application).where(Application.ain == ain))
        assert application.status == "DELIVERED" and application.decided_at is not None
        issued_at = cert.issued_at

    record = api.get(f"/api/v1/certificates/{uin}").get_json()
    codes = qr_texts(rasterise(pdf, tmp_path))
    assert len(codes) == 1
    url, _, fragment = codes[0].partition("#")
    assert url == record["verify_url"] and url.endswith(f"/verify/{uin}")
    status = record["credential_status"]
    assert verify_fragment(fragment, published_keys(api)) == {
        "uin": uin, "name": "Rahima Khatun", "svc": entry["service_code"], "dept": entry["department"],
        "office": record["issuing_office"], "iat": int(clock.as_utc(issued_at).timestamp()),
        "sl": status["statusListCredential"].rsplit("/", 1)[1], "si": int(status["statusListIndex"])}

    text = pdf_text(pdf)
    assert uin in text and record["verify_url"] in text
    if entry["bilingual"]:
        # The title (conjunct ত্র) and the department's name from the catalogue (conjuncts, reph),
        # copied out of the PDF exactly.
        assert "শংসাপত্র" in text and DEPARTMENTS_BN[entry["department"]] in text


def test_serials_count_per_service(api):
    assert [issue(api, "income")[1][-6:] for _ in range(2)] == ["000001", "000002"]
    assert issue(api, "age")[1][-6:] == "000001"


def _nothing_issued(app, api, service, ain):
    detail = api.get(f"/api/v1/applications/{ain}", user=submitter(service)).get_json()
    assert detail["status"] in ("SUBMITTED", "IN_PROCESS")
    assert detail["certificate"] is None and detail["decided_at"] is None
    assert task_for(api, approver(service), ain)["task"]["key"] == "approve_certificate"
    actions = [h["action"] for h in api.get(f"/api/v1/applications/{ain}/history",
                                            user=submitter(service)).get_json()["items"]]
    assert "approve" not in actions
    with app.app_context():
        assert db.session.scalar(select(Certificate.id)) is None


def test_missing_signing_key_is_a_plain_409_and_nothing_changes(app, api, tmp_path):
    keys = app.config["SIGNING_KEYS_DIR"]
    ain = submit_any(api, "income")
    app.config["SIGNING_KEYS_DIR"] = tmp_path / "no-keys"
    body = approve(api, "income", ain, expect=409)
    assert body["error"]["code"] == "cannot_sign"
    assert "pradhan.raipur" in body["error"]["message"] and str(tmp_path) not in body["error"]["message"]
    _nothing_issued(app, api, "income", ain)

    app.config["SIGNING_KEYS_DIR"] = keys
    assert approve(api, "income", ain)["status"] == "DELIVERED"
    uin = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()["certificate"]["uin"]
    assert uin.endswith("000001")  # the failed attempt's serial went back to the counter


def test_signing_failure_is_a_503_and_nothing_changes(app, api):
    ain = submit_any(api, "completion_block")
    app.config["SIGNING_TIMESTAMP_URL"] = "http://127.0.0.1:9/tsa"  # nothing listens: B-T cannot be made
    body = approve(api, "completion_block", ain, expect=503)
    assert body["error"]["code"] == "signing_unavailable"
    _nothing_issued(app, api, "completion_block", ain)


def test_wrong_passphrase_cannot_sign(app, api):
    ain = submit_any(api, "age")
    app.config["SIGNING_P12_PASSPHRASE"] = "not-the-passphrase"
    assert approve(api, "age", ain, expect=409)["error"]["code"] == "cannot_sign"
    _nothing_issued(app, api, "age", ain)


def test_rejection_issues_nothing(app, api):
    from tests.helpers import act
    ain = submit_any(api, "income")
    assert act(api, "pradhan.raipur", ain, "reject", reason="Income proof missing.")["status"] == "REJECTED"
    with app.app_context():
        assert db.session.scalar(select(Certificate.id)) is None
    assert api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()["certificate"] is None
