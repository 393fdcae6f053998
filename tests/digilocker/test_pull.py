"""DigiLocker pulls a certificate by UIN + name (HMAC-signed XML) and gets the very PDF we issued."""
import base64

from lxml import etree

from tests.certificates.flow_helpers import download, issue
from tests.digilocker.fake_digilocker import parse, pull_uri_xml, sign

ISSUER = "in.gov.wb.pravah"


def test_pull_by_uin_and_name_returns_the_issued_pdf_and_its_data(api, digilocker):
    ain, uin = issue(api, "income")
    r = digilocker.pull_uri("INCER", uin, "  rahima  KHATUN ")
    assert r.status_code == 200 and r.mimetype == "application/xml"
    status, details = parse(r.data)
    assert status == 1
    assert details["URI"] == f"{ISSUER}-INCER-{uin}"
    assert details["UDF1"] == uin and details["DigiLockerId"] == "dl-abc-123"
    assert base64.b64decode(details["DocContent"]) == download(api, "income", uin)
    data = etree.fromstring(base64.b64decode(details["DataContent"]))
    assert (data.tag, data.get("number"), data.get("issuedTo"), data.get("type")) == (
        "Certificate", uin, "Rahima Khatun", "INCER")
    assert data.find("CertificateData/annual_income") is not None

    r = digilocker.pull_doc(details["URI"], fmt="pdf")
    status, doc = parse(r.data)
    assert status == 1 and base64.b64decode(doc["DocContent"]) == download(api, "income", uin)
    assert "DataContent" not in doc


def test_no_match_answers_status_zero(api, digilocker):
    _, uin = issue(api, "income")
    for doc_type, number, name in (("INCER", uin, "Someone Else"), ("AGCER", uin, "Rahima Khatun"),
                                   ("INCER", "PRD0012026999999", "Rahima Khatun")):
        status, details = parse(digilocker.pull_uri(doc_type, number, name).data)
        assert status == 0 and "DocContent" not in details and "URI" not in details, (doc_type, number, name)
    assert parse(digilocker.pull_doc(f"{ISSUER}-INCER-PRD0012026999999").data)[0] == 0
    assert parse(digilocker.pull_doc(f"other.issuer-INCER-{uin}").data)[0] == 0


def test_wrong_or_missing_hmac_is_refused(api, digilocker):
    _, uin = issue(api, "income")
    body = pull_uri_xml("INCER", uin, "Rahima Khatun")
    assert digilocker.post("/digilocker/pulluri", body, signature=sign(body, "another-key")).status_code == 401
    assert digilocker.post("/digilocker/pulluri", body, signature="").status_code == 401
    tampered = body.replace(b"Rahima", b"Rahimb")
    assert digilocker.post("/digilocker/pulluri", tampered, signature=sign(body)).status_code == 401
    assert digilocker.post("/digilocker/pulldoc", body, signature="x").status_code == 401
    assert digilocker.post("/digilocker/pulluri", body).status_code == 200


def test_revoked_certificate_is_not_handed_out(api, digilocker):
    _, uin = issue(api, "income")
    assert api.post(f"/api/v1/certificates/{uin}/revoke", json={"reason": "issued on a forged document"},
                    user="dm.murshidabad").status_code == 200
    status, details = parse(digilocker.pull_uri("INCER", uin, "Rahima Khatun").data)
    assert status == 0 and "DocContent" not in details
    assert parse(digilocker.pull_doc(f"{ISSUER}-INCER-{uin}").data)[0] == 0


def test_entities_and_doctype_are_refused(api, digilocker):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
            b'<PullURIRequest><DocDetails><UDF1>&a;</UDF1></DocDetails></PullURIRequest>')
    r = digilocker.post("/digilocker/pulluri", bomb)
    assert r.status_code == 400 and b"DOCTYPE" in r.data
    r = digilocker.post("/digilocker/pulluri", b"<PullDocRequest/>")
    assert r.status_code == 400 and b"expected PullURIRequest" in r.data
    assert digilocker.post("/digilocker/pulldoc", b"<not xml").status_code == 400


def test_catalogue_names_each_service_doc_type(api):
    items = {s["key"]: s for s in api.get("/api/v1/services?per_page=200").get_json()["items"]}
    assert items["income"]["digilocker_doc_type"] == "INCER"
    assert items["residential_edistrict"]["digilocker_doc_type"] == "RSCER"


def test_an_analyst_sets_a_service_doc_type(api):
    r = api.patch("/api/v1/services/age", json={"digilocker_doc_type": "AGECR"}, user="analyst.state")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["digilocker_doc_type"] == "AGECR"
    r = api.patch("/api/v1/services/age", json={"digilocker_doc_type": "bad type"}, user="analyst.state")
    assert r.status_code == 422 and "body.digilocker_doc_type" in r.get_json()["error"]["fields"]
