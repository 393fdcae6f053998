"""The certificate names the officer who approved and the office of the posting that approved.

A service where the Gram Panchayat verifies and the BDO approves (built from the shipped income
model through the process-model API: a PRADHAN verification step, then the approval in a BDO lane at
block level) prints the BDO's designation and office under the signature and in the header, not
the Gram Panchayat that processed the application.
"""
import json
import re

from app.certificates.qrpayload import verify_fragment
from app.processes.deploy import collect_files
from tests.certificates.flow_helpers import published_keys, qr_texts, rasterise
from tests.certificates.pdftext import pdf_text
from tests.helpers import act
from tests.services.samples import submit
from tests.studio.conftest import Uploader

KEY = "income"
VERIFY_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "GP verification",
    "title_bn": "গ্রাম পঞ্চায়েতের যাচাই", "type": "object", "additionalProperties": False, "properties": {},
    "x-actions": [{"key": "verify", "title": "Verified", "title_bn": "যাচাই সম্পন্ন"}]}
VERIFY_TASK = """
    <bpmn:userTask id="verify_at_gp" name="Verification by the Pradhan" camunda:formKey="gp_verification">
      <bpmn:incoming>flow_sla_computed</bpmn:incoming>
      <bpmn:outgoing>flow_gp_verified</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="flow_gp_verified" sourceRef="verify_at_gp" targetRef="approve_certificate" />
  </bpmn:process>"""


def gp_verifies_bdo_approves(bpmn: str) -> str:
    ref = "<bpmn:flowNodeRef>approve_certificate</bpmn:flowNodeRef>"
    out = bpmn.replace(ref, "<bpmn:flowNodeRef>verify_at_gp</bpmn:flowNodeRef>", 1)
    out = out.replace("</bpmn:laneSet>", f'  <bpmn:lane id="lane_bdo" name="BDO">{ref}</bpmn:lane>\n    </bpmn:laneSet>', 1)
    out = out.replace('<camunda:property name="sla_step" value="1" />',
                      '<camunda:property name="sla_step" value="1" />\n'
                      '          <camunda:property name="office_level" value="BLOCK" />', 1)
    out = out.replace('<bpmn:sequenceFlow id="flow_sla_computed" sourceRef="compute_sla" targetRef="approve_certificate" />',
                      '<bpmn:sequenceFlow id="flow_sla_computed" sourceRef="compute_sla" targetRef="verify_at_gp" />')
    out = out.replace("<bpmn:incoming>flow_sla_computed</bpmn:incoming>\n      <bpmn:incoming>flow_sla_resumed</bpmn:incoming>",
                      "<bpmn:incoming>flow_gp_verified</bpmn:incoming>\n      <bpmn:incoming>flow_sla_resumed</bpmn:incoming>")
    assert out.count("verify_at_gp") == 2 and "office_level" in out
    return out.replace("</bpmn:process>", VERIFY_TASK, 1)


def test_bdo_approving_a_gp_verified_application_signs_as_the_bdo(app, api, tmp_path):
    with app.app_context():
        files = collect_files(KEY, app.config["MODEL_DIRS"])
    upload = Uploader(api)
    r = upload.post(service=KEY, bpmn=gp_verifies_bdo_approves(next(iter(files.bpmn.values())).decode()),
                    dmn={k: v.decode() for k, v in files.dmn.items()}, samples=files.samples,
                    forms={**files.forms, "gp_verification": VERIFY_FORM}, templates=files.templates)
    assert r.status_code == 201, r.get_json()
    assert upload.activate(r.get_json()["version"], service=KEY).status_code == 200

    ain = submit(api, KEY)
    act(api, "pradhan.raipur", ain, "verify")
    assert act(api, "bdo.domkal", ain, "approve")["status"] == "DELIVERED"
    detail = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()
    assert detail["processing_office"]["name"] == "Raipur Gram Panchayat"
    pdf = api.get(f"/api/v1/certificates/{detail['certificate']['uin']}.pdf", user="operator.raipur").data
    text = " ".join(pdf_text(pdf).split())
    signature = text.split("Digitally signed by", 1)[1]
    assert signature.startswith(" BDO, Domkal Block Development Officer")
    assert "Office of the BDO, Domkal" in signature
    assert "Raipur Gram Panchayat" not in text and "Pradhan, Gram Panchayat" not in text

    # The verify page compares the QR's signed claims with the record: the record names the issuing
    # office too, not the processing one (a genuine certificate must not read as a mismatch).
    uin = detail["certificate"]["uin"]
    claims = verify_fragment(qr_texts(rasterise(pdf, tmp_path))[0].partition("#")[2], published_keys(api))
    html = api.client.get(f"/verify/{uin}").get_data(as_text=True)
    record = json.loads(re.search(r'id="qr-record">(.*?)</script>', html, re.S).group(1))
    assert record["office"] == claims["office"] == "Office of the BDO, Domkal"
    assert api.get(f"/api/v1/certificates/{uin}").get_json()["issuing_office"] == "Office of the BDO, Domkal"
