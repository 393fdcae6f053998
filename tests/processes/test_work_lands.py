"""Work always lands somewhere: stranded tasks are shown at validate and refused at activation,
OPERATOR lanes and a certificate issued without an officer's decision are refused at upload."""

import json
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessVersion
from app.processes.work_lands import lane_problems

from tests.studio.test_bundle import download, post_zip
from tests.studio.test_pages import login  # noqa: F401  (fixture)


GP_TO_BLOCK = ('<outputEntry id="rule_gp_out"><text>"GP"</text>', '<outputEntry id="rule_gp_out"><text>"BLOCK"</text>')


def income_with(api, change):
    files = download(api, 1, service="income")
    files = change(files)
    return files


def reroute(files):
    name = "dmn/processing_office_level.dmn"
    text = files[name].decode()
    assert GP_TO_BLOCK[0] in text
    return {**files, name: text.replace(*GP_TO_BLOCK).encode()}


def active(app, key):
    with app.app_context():
        return db.session.scalar(select(ProcessVersion.version).where(
            ProcessVersion.process_key == key, ProcessVersion.status == "active"))


def test_dmn_only_routing_change_that_strands_the_pradhan_is_refused_at_activation(app, api):
    files = income_with(api, reroute)
    r = post_zip(api, files, service="income")
    assert r.status_code == 201, r.get_json()        # stored as a draft: the DMN itself is valid
    number = r.get_json()["version"]
    r = api.post(f"/api/v1/process-models/income/versions/{number}/activate", user="analyst.state")
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "invalid_model" and "nobody's inbox" in error["message"]
    [problem] = error["problems"]
    assert problem["element_id"] == "approve_certificate" and problem["file"] == "income.bpmn"
    assert problem["line"] == files["bpmn/income.bpmn"].decode()[:files["bpmn/income.bpmn"].decode().index(
        'id="approve_certificate"')].count("\n") + 1
    assert "lane PRADHAN" in problem["message"] and "BLOCK office" in problem["message"]
    assert "a PRADHAN is posted only at GP offices" in problem["message"]
    assert active(app, "income") == 1


def test_the_stranded_task_is_shown_at_validate(api, login):  # noqa: F811  (the fixture)
    files = income_with(api, reroute)
    body = {"bpmn": files["bpmn/income.bpmn"].decode(),
            "dmn": {n.split("/")[1]: v.decode() for n, v in files.items() if n.endswith(".dmn")},
            "forms": {n.split("/")[1][:-5]: json.loads(v) for n, v in files.items() if n.startswith("forms/")},
            "samples": {}}
    r = login("analyst.state").post("/studio/income/validate", json=body)
    report = r.get_json()
    assert report["ok"] is True
    hits = [w for w in report["warnings"] if w["element_id"] == "approve_certificate"]
    assert hits and "nobody's inbox" in hits[0]["message"]


def test_operator_lane_is_refused_with_the_reason(app, api):
    def operator(files):
        text = files["bpmn/income.bpmn"].decode()
        return {**files, "bpmn/income.bpmn": text.replace('name="PRADHAN"', 'name="OPERATOR"', 1).encode()}
    r = post_zip(api, income_with(api, operator), service="income")
    assert r.status_code == 422
    hits = [p for p in r.get_json()["error"]["problems"] if p["element_id"] == "approve_certificate"]
    assert hits and "OPERATOR lane, which no inbox shows" in hits[0]["message"]


def test_certificate_without_an_officer_decision_is_refused():
    xml = (Path(__file__).resolve().parents[2] / "bpmn" / "income.bpmn").read_text(encoding="utf-8")
    assert lane_problems({"income.bpmn": xml.encode()}) == []
    bypass = xml.replace('sourceRef="compute_sla" targetRef="approve_certificate"',
                         'sourceRef="compute_sla" targetRef="record_approval"')
    assert bypass != xml
    [problem] = lane_problems({"income.bpmn": bypass.encode()})
    assert problem["element_id"] == "issue_certificate" and "without an officer's decision" in problem["message"]
    assert problem["line"] == bypass[:bypass.index('<bpmn:serviceTask id="issue_certificate"')].count("\n") + 1


def test_shipped_models_strand_nothing(app):
    from app.processes.deploy import dry_run_seed, files_of
    from app.processes.work_lands import stranded_tasks
    with app.app_context():
        for version in db.session.scalars(select(ProcessVersion).where(ProcessVersion.status == "active")):
            files = files_of(version)
            assert stranded_tasks(version.process_key, version.task_meta, files.dmn, files.bpmn,
                                  dry_run_seed(version.process_key, files.forms)) == [], version.process_key
            assert lane_problems(files.bpmn) == [], version.process_key
