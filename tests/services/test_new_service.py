"""A 13th service needs only files and a catalogue row: deploy one from fixtures and run an application."""
import shutil
from pathlib import Path

from app.catalogue.operations import load_catalogue
from app.extensions import db
from app.processes.deploy import collect_files, deploy
from tests.helpers import act, upload
from tests.services.samples import inbox_ains

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")


def model_dirs(tmp_path) -> dict:
    """A model directory holding only the new service's files plus the shared routing table and task form."""
    dirs = {kind: tmp_path / kind for kind in ("bpmn", "dmn", "forms", "certificate_templates")}
    for path in dirs.values():
        path.mkdir()
    shutil.copy(FIXTURES / "bpmn" / "trade_noc.bpmn", dirs["bpmn"])
    shutil.copy(FIXTURES / "forms" / "trade_noc.json", dirs["forms"])
    shutil.copy(ROOT / "forms" / "approval.json", dirs["forms"])
    shutil.copy(ROOT / "dmn" / "processing_office_level.dmn", dirs["dmn"])
    shutil.copy(FIXTURES / "certificate_templates" / "trade_noc.typ", dirs["certificate_templates"])
    for shared in ("_layout.typ", "acknowledgement.typ"):
        shutil.copy(ROOT / "certificate_templates" / shared, dirs["certificate_templates"])
    return dirs


def test_a_thirteenth_service_from_files_and_a_catalogue_row(app, api, tmp_path):
    with app.app_context():
        assert load_catalogue(FIXTURES / "catalogue.json") == ["trade_noc"]
        version, created = deploy("trade_noc", collect_files("trade_noc", model_dirs(tmp_path)))
        assert created and version.status == "active"
        assert set(version.certificate_templates) == {"trade_noc.typ", "_layout.typ", "acknowledgement.typ"}
        db.session.commit()
    services = {s["key"]: s for s in api.get("/api/v1/services?per_page=200").get_json()["items"]}
    assert services["trade_noc"]["service_code"] == "013" and len(services) == 13
    assert api.get("/api/v1/services/trade_noc/form").get_json()["$id"] == "trade_noc"

    doc = upload(api, "operator.csc-barasat", "ownership_proof").get_json()["id"]
    r = api.post("/api/v1/applications", user="operator.csc-barasat", json={
        "service": "trade_noc", "applicant": {"name": "Jamal Sheikh", "mobile": "9876543211"},
        "location": {"lgd_code": "131002"}, "documents": [{"type": "ownership_proof", "id": doc}],
        "data": {"trade_name": "Sheikh Grocery", "premises_address": "Garaimari bazar, shop 4"}})
    assert r.status_code == 201, r.get_json()
    ain = r.get_json()["ain"]
    assert ain.startswith("PRD013")
    assert ain in inbox_ains(api, "pradhan.garaimari") and ain not in inbox_ains(api, "pradhan.raipur")
    act(api, "pradhan.garaimari", ain, "send_back", remarks="Give the shop number.")
    r = api.post(f"/api/v1/applications/{ain}/resubmit", user="operator.csc-barasat",
                 json={"data": {"trade_name": "Sheikh Grocery", "premises_address": "Garaimari bazar, shop no. 4"}})
    assert r.status_code == 200, r.get_json()
    assert act(api, "pradhan.garaimari", ain, "approve")["status"] == "APPROVED"
