"""issue_certificate / acknowledgement_pdf against real models on a Flask-free SQLAlchemy session."""
import hashlib
import io

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

import app.models  # noqa: F401  (registers every table)
from app.certificates.operations import CertificateError, acknowledgement_pdf, issue_certificate
from app.certificates.uin import UIN_RE
from app.certificates.verify import verify_pdf
from app.database import install_sqlite_pragmas
from app.extensions import db
from app.models import (Application, ApplicationDocument, Certificate, Department, Document, Location,
                        Office, Posting, ProcessVersion, Service, User)
from tests.certificates.conftest import FORM_DATA, ISSUED_AT, shipped_template_files


@pytest.fixture()
def session(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'ops.db'}")
    install_sqlite_pragmas(engine)
    db.metadata.create_all(engine)
    with Session(engine) as s:
        yield s


@pytest.fixture()
def approved(session):
    dept = Department(code="HHA", name="Home & Hill Affairs Department", name_bn="স্বরাষ্ট্র দপ্তর")
    service = Service(key="residential_edistrict", name="Ordinary Residential Certificate",
                      name_bn="সাধারণ বাসস্থানের শংসাপত্র", department=dept, service_code="012",
                      level="BLOCK", bilingual=True,
                      documents=[{"type": "photo", "name": "Photograph", "name_bn": "ছবি", "required": True}])
    block = Location(lgd_code="0001", name="Domkal", level="BLOCK")
    office = Office(code="BDO-DOMKAL", name="Office of the BDO, Domkal", name_bn="বিডিও অফিস, ডোমকল",
                    level="BLOCK", location=block)
    bdo = User(username="bdo.domkal", name="Sukanta Mondal")
    # No process instance here: the service's active version carries the templates.
    version = ProcessVersion(process_key="residential_edistrict", version=1, bpmn_xml="", dmn_xml={}, forms={},
                             certificate_templates=shipped_template_files(), spec_json="", task_meta={},
                             sha256="f" * 64, status="active", created_at=ISSUED_AT)
    session.add_all([dept, service, block, office, bdo, version])
    session.flush()
    session.add(Posting(user_id=bdo.id, role="BDO", office_id=office.id))
    application = Application(ain="AIN-HHA-2026-000001", service=service, applicant_name="Rahima Khatun",
                              location_id=block.id, processing_office=office, channel="BSK",
                              status="APPROVED", data=dict(FORM_DATA), submitted_at=ISSUED_AT,
                              updated_at=ISSUED_AT)
    session.add(application)
    session.flush()
    doc = Document(owner_id=bdo.id, type="photo", sha256="0" * 64, size=1, mime="image/jpeg",
                   uploaded_at=ISSUED_AT)
    session.add(doc)
    session.flush()
    session.add(ApplicationDocument(application_id=application.id, document_id=doc.id, type="photo",
                                    added_at=ISSUED_AT))
    session.flush()
    session.refresh(bdo)
    return application, bdo


def test_issue_certificate_signs_stores_and_records(session, approved, settings, trust_root):
    application, bdo = approved
    cert = issue_certificate(session, application, bdo, ISSUED_AT, settings)
    assert UIN_RE.fullmatch(cert.uin) and cert.uin.startswith("HHA0122026")
    stored = (settings["DATA_DIR"] / cert.pdf_path).read_bytes()
    assert cert.pdf_path == f"certificates/{cert.pdf_sha256}.pdf"
    assert hashlib.sha256(stored).hexdigest() == cert.pdf_sha256
    result = verify_pdf(stored, trust_root)
    assert result["valid"], result
    assert cert.signer_name == result["signed_by"]
    assert cert.status == "VALID" and cert.issued_by_id == bdo.id and cert.issued_at == ISSUED_AT
    # flushed, not committed: the row is visible in this transaction only
    assert session.scalar(select(Certificate.uin).where(Certificate.id == cert.id)) == cert.uin
    assert session.in_transaction()


def test_second_issue_is_refused(session, approved, settings):
    application, bdo = approved
    issue_certificate(session, application, bdo, ISSUED_AT, settings)
    with pytest.raises(CertificateError):
        issue_certificate(session, application, bdo, ISSUED_AT, settings)


def test_revoke_needs_reason_and_happens_once(session, approved, settings):
    application, bdo = approved
    cert = issue_certificate(session, application, bdo, ISSUED_AT, settings)
    with pytest.raises(ValueError):
        cert.revoke(bdo, ISSUED_AT, " ")
    cert.revoke(bdo, ISSUED_AT, "issued on a forged document")
    assert cert.status == "REVOKED" and cert.revoked_by_id == bdo.id
    with pytest.raises(ValueError):
        cert.revoke(bdo, ISSUED_AT, "again")


def test_acknowledgement_receipt(session, approved, settings):
    pypdf = pytest.importorskip("pypdf")
    application, _ = approved
    pdf = acknowledgement_pdf(application, settings, expected_at=ISSUED_AT)
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    for expected in ("AIN-HHA-2026-000001", "Ordinary Residential Certificate", "Rahima Khatun",
                     "Photograph", "04-05-2026", "https://pravah.example.gov.in/track?ain=AIN-HHA-2026-000001"):
        assert expected in text


def test_a_serial_taken_while_rendering_is_rendered_again_with_the_next(session, approved, settings, monkeypatch):
    """The counter is only read before rendering: another approval may take that number meanwhile;
    the certificate is then rendered again with the next one (the number printed = the one recorded)."""
    from app.certificates import operations
    from app.certificates.uin import next_uin, reserve_uin
    application, bdo = approved
    calls = []

    def racing_peek(s, dept, code, year):
        found = reserve_uin(s, dept, code, year)
        if not calls:
            next_uin(s, dept, code, year)   # a concurrent approval claims this serial first
        calls.append(found[1])
        return found

    monkeypatch.setattr(operations, "reserve_uin", racing_peek)
    cert = issue_certificate(session, application, bdo, ISSUED_AT, settings)
    assert calls == ["HHA0122026000001", "HHA0122026000002"]
    assert cert.uin == "HHA0122026000002"
    from tests.certificates.pdftext import pdf_text
    text = pdf_text((settings["DATA_DIR"] / cert.pdf_path).read_bytes())
    assert "HHA0122026000002" in text and "HHA0122026000001" not in text
