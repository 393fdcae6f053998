"""The walkthrough of docs/analyst-guide.md, step by step, through the API only: a Solvency
Certificate (GP verifies, BDO approves, its own SLA rows, form and certificate wording) is added to
the catalogue, deployed as a bundle, activated, and an application runs to a signed certificate whose
text holds the service's wording. The files are the guide's: tests/studio/walkthrough/."""
import io
import json
import zipfile
from pathlib import Path


from tests.certificates.pdftext import pdf_text
from tests.helpers import act, upload

from .conftest import ANALYST
from .test_bundle import download

WALKTHROUGH = Path(__file__).with_name("walkthrough")
ROOT = Path(__file__).resolve().parents[2]
OPERATOR = "operator.csc-domkal"

SERVICE = {
    "key": "solvency", "name": {"en": "Solvency Certificate", "bn": "সচ্ছলতার শংসাপত্র"},
    "department": {"code": "PRD"}, "service_code": "020", "level": "BLOCK", "bilingual": True, "fee": 0,
    "documents": [{"type": "property_record", "name": "Land record (porcha) or property tax receipt",
                   "name_bn": "জমির পরচা বা সম্পত্তি করের রসিদ", "required": True}],
}
APPLICATION = {"father_name": "Abdul Karim", "address": "Village Raipur, near the primary school",
               "property_value": 750000, "property_details": "Mouza Raipur, khatian 112, plot 431 (0.33 acre)",
               "purpose": "Bank guarantee for a contract"}


def guide_bundle(api) -> bytes:
    """Step 2 of the guide: start from a downloaded bundle, put our files in it."""
    members = {n: d for n, d in download(api, 1, service="income").items()
               if n in ("dmn/processing_office_level.dmn", "forms/approval.json")
               or n.startswith("certificate_templates/") and not n.endswith("income.typ")}
    for path in WALKTHROUGH.rglob("*"):
        if path.is_file():
            members[path.relative_to(WALKTHROUGH).as_posix()] = path.read_bytes()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in sorted(members.items()):
            z.writestr(name, data)
    return buffer.getvalue()


def test_solvency_certificate_from_the_guide(app, api):
    # 1. the catalogue entry (closed until a version is activated)
    r = api.post("/api/v1/services", json=SERVICE, user=ANALYST)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["active"] is False
    # 2. the bundle: BPMN, routing and matrix DMN (with our SLA rows), forms, template
    r = api.client.post("/api/v1/process-models/solvency/versions",
                        data={"bundle": (io.BytesIO(guide_bundle(api)), "solvency.zip")},
                        headers={"Authorization": f"Bearer {api.token(ANALYST)}"}, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["version"] == 1 and r.get_json()["status"] == "draft"
    # 3. what activation changes, then activate: the service opens with the SLA of its matrix rows
    diff = api.get("/api/v1/process-models/solvency/versions/1/diff?against=1", user=ANALYST).get_json()
    assert {c["field"] for c in diff["catalogue"]} == {"sla", "active"}
    r = api.post("/api/v1/process-models/solvency/versions/1/activate", user=ANALYST)
    assert r.status_code == 200, r.get_json()
    listed = {s["key"]: s for s in api.get("/api/v1/services?per_page=100").get_json()["items"]}
    sla = listed["solvency"]["sla"]
    assert sla == {"total_days": 10, "steps": [
        {"name": "Verification of assets by the Pradhan", "role": "PRADHAN", "days": 3,
         "l1": {"role": "BDO", "days": 5}, "l2": None},
        {"name": "Approval by the BDO", "role": "BDO", "days": 10,
         "l1": {"role": "SDO", "days": 12}, "l2": {"role": "DM", "days": 15}}]}
    form = api.get("/api/v1/services/solvency/form").get_json()
    assert list(form["properties"]) == list(APPLICATION)
    # 4. an application: the Pradhan of the applicant's GP verifies, the BDO approves and signs
    doc = upload(api, OPERATOR, "property_record")
    assert doc.status_code == 201, doc.get_json()
    r = api.post("/api/v1/applications", user=OPERATOR, json={
        "service": "solvency", "channel": "CSC", "applicant": {"name": "Rahima Khatun", "mobile": "9876543210",
                                                                "language": "bn"},
        "location": {"lgd_code": "131001"}, "data": APPLICATION,
        "documents": [{"type": "property_record", "id": doc.get_json()["id"]}]})
    assert r.status_code == 201, r.get_json()
    ain = r.get_json()["ain"]
    act(api, "pradhan.raipur", ain, "verify", data={"assessed_value": 750000})
    body = act(api, "bdo.domkal", ain, "approve")
    assert body["status"] == "DELIVERED", body
    detail = api.get(f"/api/v1/applications/{ain}", user=OPERATOR).get_json()
    uin = detail["certificate"]["uin"]
    assert uin.startswith("PRD020")
    # 5. the signed certificate carries the service's own wording
    pdf = api.get(f"/api/v1/certificates/{uin}.pdf", user=OPERATOR)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data).split())
    assert "Solvency Certificate" in text
    assert "is found solvent to the extent of Rs. 750000" in text
    assert "Mouza Raipur, khatian 112, plot 431" in text
    verified = api.client.post("/api/v1/certificates/verify", data={"file": (io.BytesIO(pdf.data), "c.pdf")},
                               content_type="multipart/form-data").get_json()
    assert verified["signature_valid"] is True and verified["matches_record"] is True and verified["uin"] == uin


def test_guide_files_are_the_ones_the_guide_shows():
    guide = (ROOT / "docs" / "analyst-guide.md").read_text(encoding="utf-8")
    for path in WALKTHROUGH.rglob("*"):
        if path.is_file():
            assert f"tests/studio/walkthrough/{path.relative_to(WALKTHROUGH).as_posix()}" in guide, path
    assert json.loads((WALKTHROUGH / "forms" / "solvency.json").read_text(encoding="utf-8"))["$id"] == "solvency"
