"""API: a model with problems is refused with every problem on its element; uploads are capped."""
import io

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessVersion

from .conftest import ANALYST
from .studio_helpers import BPMN, DMN, DMN_NAME, KEY, line_of

FEEL = DMN.replace('<inputEntry id="rule_gp_in1"><text>"GP"</text>', '<inputEntry id="rule_gp_in1"><text>"GP","BLOCK"</text>')
NO_CATCH_ALL = DMN.replace('<inputEntry id="rule_catch_all_in1"><text></text>',
                           '<inputEntry id="rule_catch_all_in1"><text>"NONE"</text>')
UNKNOWN_TOPIC = BPMN.replace('camunda:topic="assign_processing_office"', 'camunda:topic="send_pigeon"')
UNKNOWN_ROLE = BPMN.replace('<bpmn:lane id="lane_eo" name="EO">', '<bpmn:lane id="lane_eo" name="WIZARD">')
WALK = BPMN.replace('action == "approve"', 'action.__class__ == "approve"')

CASES = {
    "FEEL list in a DMN cell": (dict(dmn={DMN_NAME: FEEL}), DMN_NAME, "rule_gp_in1", "FEEL list"),
    "no catch-all row": (dict(dmn={DMN_NAME: NO_CATCH_ALL}), DMN_NAME, "rule_catch_all", "catch-all"),
    "unknown service topic": (dict(bpmn=UNKNOWN_TOPIC), f"{KEY}.bpmn", "assign_office", "send_pigeon"),
    "lane with an unknown role": (dict(bpmn=UNKNOWN_ROLE), f"{KEY}.bpmn", "lane_eo", "WIZARD"),
    "attribute walk": (dict(bpmn=WALK), f"{KEY}.bpmn", "flow_approved", "__class__"),
}


def count_versions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessVersion))


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_refused_on_the_element_with_its_line(app, upload, case):
    kwargs, file, element, words = CASES[case]
    before = count_versions(app)
    r = upload.post(**kwargs)
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert error["code"] == "invalid_model"
    hits = [p for p in error["problems"] if p["element_id"] == element]
    assert hits, error["problems"]
    assert hits[0]["file"] == file and words in hits[0]["message"]
    text = (kwargs.get("bpmn") or kwargs.get("dmn", {}).get(DMN_NAME))
    # the line of the element, or of its offending child (a condition sits on the next line)
    assert hits[0]["line"] in (line_of(text, f'id="{element}"'), line_of(text, f'id="{element}"') + 1)
    assert count_versions(app) == before


def test_failing_dmn_sample_refuses_the_deploy(upload):
    samples = {DMN_NAME: [{"inputs": {"service_level": "BLOCK", "location_level": "WARD"}, "expect": {"office_level": "BLOCK"}}]}
    r = upload.post(samples=samples)
    assert r.status_code == 422
    [p] = r.get_json()["error"]["problems"]
    assert p["element_id"] == "processing_office_level" and "SUBDIVISION" in p["message"]


def test_passing_samples_are_stored_with_the_version(app, upload):
    samples = {DMN_NAME: [{"inputs": {"service_level": "BLOCK", "location_level": "WARD"},
                           "expect": {"office_level": "SUBDIVISION"}}]}
    r = upload.post(samples=samples)
    assert r.status_code == 201, r.get_json()
    with app.app_context():
        v = db.session.scalar(select(ProcessVersion).where(ProcessVersion.version == 2))
        assert "processing_office_level.samples.json" in v.dmn_xml


def test_doctype_is_refused_and_bad_json_forms_too(upload, api):
    r = upload.post(bpmn='<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>')
    assert r.status_code == 422
    assert "DOCTYPE" in r.get_json()["error"]["problems"][0]["message"]
    data = {"bpmn": (io.BytesIO(BPMN.encode()), "x.bpmn"), "form": [(io.BytesIO(b"{not json"), "approval.json")]}
    r = api.client.post(f"/api/v1/process-models/{KEY}/versions", data=data, content_type="multipart/form-data",
                        headers={"Authorization": f"Bearer {api.token(ANALYST)}"})
    assert r.status_code == 422
    assert r.get_json()["error"]["problems"][0]["file"] == "approval.json"


def test_upload_size_is_capped(api):
    big = b"<x>" + b" " * (9 * 1024 * 1024) + b"</x>"
    data = {"bpmn": (io.BytesIO(big), "x.bpmn")}
    r = api.client.post(f"/api/v1/process-models/{KEY}/versions", data=data, content_type="multipart/form-data",
                        headers={"Authorization": f"Bearer {api.token(ANALYST)}"})
    assert r.status_code == 413


def test_missing_bpmn_is_a_field_error(api):
    r = api.client.post(f"/api/v1/process-models/{KEY}/versions", data={}, content_type="multipart/form-data",
                        headers={"Authorization": f"Bearer {api.token(ANALYST)}"})
    assert r.status_code == 422 and r.get_json()["error"]["fields"] == {"bpmn": "is required"}
