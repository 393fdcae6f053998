"""Public lookup, upload verification (tampering, incremental updates), download rights, revocation."""
import io

import pytest

from tests.certificates.flow_helpers import download, issue


@pytest.fixture
def issued(api):
    """An Income certificate (Raipur GP, Murshidabad district) and its signed PDF."""
    ain, uin = issue(api, "income")
    return ain, uin, download(api, "income", uin)


def verify(api, data: bytes, name="certificate.pdf"):
    return api.client.post("/api/v1/certificates/verify", data={"file": (io.BytesIO(data), name)},
                           content_type="multipart/form-data")


def test_public_record_by_uin(api, issued):
    _, uin, _ = issued
    r = api.get(f"/api/v1/certificates/{uin}")
    assert r.status_code == 200
    body = r.get_json()
    assert {k: body[k] for k in ("uin", "status", "service", "department", "applicant_name", "issued_by")} == {
        "uin": uin, "status": "VALID", "service": "Income Certificate",
        "department": "Panchayats and Rural Development Department", "applicant_name": "Rahima Khatun",
        "issued_by": "Pradhan, Raipur GP"}
    assert body["issued_at"].endswith("+00:00") and body["verify_url"].endswith(f"/verify/{uin}")
    assert "mobile" not in str(body) and "9876543210" not in str(body)
    # Spaces, hyphens and lower case are forgiven; a malformed or unknown UIN is a plain 404.
    spaced = f"{uin[:3].lower()}-{uin[3:10]} {uin[10:]}"
    assert api.get(f"/api/v1/certificates/{spaced}").get_json()["uin"] == uin
    for bad in ("PRD0012026999999", "nonsense"):
        r = api.get(f"/api/v1/certificates/{bad}")
        assert r.status_code == 404 and r.get_json()["error"]["code"] == "unknown_uin"


def test_genuine_pdf_verifies(api, issued):
    _, uin, pdf = issued
    body = verify(api, pdf).get_json()
    assert body["signature_valid"] and body["matches_record"] and body["valid"]
    assert (body["uin"], body["status"], body["signed_by"]) == (uin, "VALID", "Pradhan, Raipur GP")
    assert body["problems"] == []


def test_one_changed_byte_is_invalid(api, issued):
    _, uin, pdf = issued
    # inside the signed range, before the signature dictionary: the document information's /Creator
    # (an offset from /Reason depended on how the signing revision orders its keys)
    at = pdf.index(b"/Creator") + 3
    tampered = pdf[:at] + bytes([pdf[at] ^ 0x01]) + pdf[at + 1:]
    body = verify(api, tampered).get_json()
    assert body["signature_valid"] is False and body["matches_record"] is False and body["valid"] is False
    assert body["uin"] == uin  # still named, from the signature's reason
    assert body["problems"]


def test_incremental_update_after_signing_is_invalid(api, issued):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    _, _, pdf = issued
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    writer.document_meta.title = "Edited after signing"
    info = writer.root  # touch the catalogue too, as an editor adding an annotation would
    info["/PageLabels"] = generic.DictionaryObject({generic.NameObject("/Nums"): generic.ArrayObject([])})
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    appended = out.getvalue()
    assert appended.startswith(pdf) and len(appended) > len(pdf)
    body = verify(api, appended).get_json()
    assert body["signature_valid"] is False and body["covers_whole_file"] is False
    assert body["matches_record"] is False and body["valid"] is False


def test_upload_errors_are_plain(api):
    r = api.client.post("/api/v1/certificates/verify", data={}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["error"]["fields"]["file"]
    r = verify(api, b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "photo.png")
    assert r.status_code == 415
    body = verify(api, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").get_json()
    assert body["signature_valid"] is False and body["matches_record"] is False and body["uin"] is None


def test_trust_root_is_the_demo_root(api, app):
    r = api.get("/api/v1/signing/trust-root.pem")
    assert r.status_code == 200 and r.data.startswith(b"-----BEGIN CERTIFICATE-----")
    assert r.data == (app.config["SIGNING_KEYS_DIR"] / "root.pem").read_bytes()


def test_pdf_download_rights(api, issued):
    _, uin, pdf = issued
    assert download(api, "income", uin) == pdf  # the submitter
    assert api.get(f"/api/v1/certificates/{uin}.pdf", user="pradhan.raipur").status_code == 200
    for outsider in ("operator.garaimari", "pradhan.garaimari", "bdo.barasat1"):
        assert api.get(f"/api/v1/certificates/{uin}.pdf", user=outsider).status_code == 404, outsider
    assert api.get(f"/api/v1/certificates/{uin}.pdf").status_code == 401


def test_revocation_by_the_district_magistrate(api, issued):
    ain, uin, pdf = issued
    path = f"/api/v1/certificates/{uin}/revoke"
    reason = {"reason": "Issued on a forged income proof."}
    assert api.post(path, json=reason, user="bdo.domkal").status_code == 403
    assert api.post(path, json=reason, user="dm.north24parganas").status_code == 403  # another district
    assert api.post(path, json={"reason": "  "}, user="dm.murshidabad").status_code == 422
    assert api.post(path, json={"reason": "x", "extra": 1}, user="dm.murshidabad").status_code == 422
    r = api.post(path, json=reason, user="dm.murshidabad")
    assert r.status_code == 200 and r.get_json()["status"] == "REVOKED"
    assert api.post(path, json=reason, user="dm.murshidabad").status_code == 409

    assert api.get(f"/api/v1/certificates/{uin}").get_json()["status"] == "REVOKED"
    body = verify(api, pdf).get_json()
    assert body["signature_valid"] and body["matches_record"]
    assert body["status"] == "REVOKED" and body["valid"] is False
    detail = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()
    assert detail["certificate"]["status"] == "REVOKED"
    r = api.get(f"/api/v1/certificates/{uin}.pdf", user="operator.raipur")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "revoked"


def test_verify_page_says_revoked(api, issued, client):
    _, uin, _ = issued
    page = client.get(f"/verify/{uin}")  # the QR's target (app/web/public.py)
    assert page.status_code == 200 and uin.encode() in page.data and b"Revoked" not in page.data
    assert api.post(f"/api/v1/certificates/{uin}/revoke", json={"reason": "Forged proof."},
                    user="dm.murshidabad").status_code == 200
    page = client.get(f"/verify/{uin}")
    assert page.status_code == 200 and b"Revoked" in page.data


def test_verify_page_checks_an_uploaded_file(api, issued, client):
    _, uin, pdf = issued
    page = client.post("/verify", data={"file": (io.BytesIO(pdf), "c.pdf")}, content_type="multipart/form-data")
    assert page.status_code == 200
    assert b"unchanged" in page.data and uin.encode() in page.data
    tampered = pdf + b"\n% appended\n"
    page = client.post("/verify", data={"file": (io.BytesIO(tampered), "c.pdf")}, content_type="multipart/form-data")
    assert page.status_code == 200 and b"Do not trust this file" in page.data
    # issue 14: never a green "Authentic and valid" card beside a file that fails
    assert b"Authentic and valid" not in page.data and b"status-approved" not in page.data
    assert b"the file above does not match it" in page.data
    page = client.post("/verify", data={}, content_type="multipart/form-data")
    assert page.status_code == 422
