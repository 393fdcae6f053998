"""Every shipped service through the HTTP API: submit → approve; reject; send back → resubmit → approve."""
import pytest

from tests.helpers import act
from tests.services.samples import FLOW_A, FLOW_B, FORMS, catalogue, inbox_ains, payload, submit

APPROVER = {**{k: "pradhan.raipur" for k in FLOW_A}, **{k: "bdo.domkal" for k in FLOW_B}}
OFFICE = {**{k: "GP-RAIPUR" for k in FLOW_A}, **{k: "BDO-DOMKAL" for k in FLOW_B}}


def detail(api, ain, user="operator.raipur"):
    r = api.get(f"/api/v1/applications/{ain}", user=user)
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def test_catalogue_lists_all_twelve_services(api):
    services = catalogue(api)
    assert set(services) == set(FLOW_A) | set(FLOW_B) | {"residential_edistrict"}
    prd = sorted(s["service_code"] for s in services.values() if s["department"]["code"] == "PRD")
    assert prd == [f"{n:03d}" for n in range(1, 12)]
    for key in FLOW_A:
        step = services[key]["sla"]["steps"][0]
        assert (services[key]["level"], step["role"], step["days"]) == ("GP", "PRADHAN", 7)
        assert (step["l1"], step["l2"]) == ({"role": "BDO", "days": 10}, {"role": "DM", "days": 15})
    for key in FLOW_B:
        step = services[key]["sla"]["steps"][0]
        assert (services[key]["level"], step["role"], step["days"]) == ("BLOCK", "BDO", 7)
        assert (step["l1"], step["l2"]) == ({"role": "SDO", "days": 10}, {"role": "DM", "days": 15})
    for entry in services.values():
        assert any(d["required"] for d in entry["documents"]), entry["key"]


@pytest.mark.parametrize("service", FLOW_A + FLOW_B)
def test_form_has_bilingual_titles_and_refuses_unknown_fields(api, service):
    form = api.get(f"/api/v1/services/{service}/form").get_json()
    assert form["additionalProperties"] is False
    for name, prop in form["properties"].items():
        assert prop.get("title") and prop.get("title_bn"), f"{service}.{name}"
    bad = dict(FORMS[service], nonsense="x")
    r = api.post("/api/v1/applications", json=payload(api, "operator.raipur", service, data=bad), user="operator.raipur")
    assert r.status_code == 422
    assert r.get_json()["error"]["fields"]["data.nonsense"] == "is not a field of this form"


@pytest.mark.parametrize("service", FLOW_A + FLOW_B)
def test_submit_then_approve(api, service):
    ain = submit(api, service)
    body = detail(api, ain)
    assert body["status"] == "SUBMITTED"
    assert body["processing_office"]["code"] == OFFICE[service]
    assert body["work_items"][0]["role"] == ("PRADHAN" if service in FLOW_A else "BDO")
    assert ain in inbox_ains(api, APPROVER[service])
    result = act(api, APPROVER[service], ain, "approve")
    assert result["status"] == "DELIVERED"
    assert detail(api, ain)["work_items"] == []
    assert ain not in inbox_ains(api, APPROVER[service])
    actions = [h["action"] for h in api.get(f"/api/v1/applications/{ain}/history", user="operator.raipur")
               .get_json()["items"]]
    assert actions == ["submitted", "approve"]


@pytest.mark.parametrize("service", ["income", "completion_block"])
def test_reject_records_reason_and_remedy(api, service):
    ain = submit(api, service)
    result = act(api, APPROVER[service], ain, "reject", reason="The income proof is not attested.",
                 data={"remedy": "Apply again with an attested income proof."})
    assert result["status"] == "REJECTED"
    reason = detail(api, ain)["decision_reason"]
    assert "not attested" in reason and "Remedy: Apply again" in reason


@pytest.mark.parametrize("service", ["income", "completion_block"])
def test_reject_and_send_back_need_their_text(api, service):
    ain = submit(api, service)
    assert act(api, APPROVER[service], ain, "reject", expect=422)["error"]["fields"]["reason"]
    assert act(api, APPROVER[service], ain, "send_back", expect=422)["error"]["fields"]["remarks"]


@pytest.mark.parametrize("service", ["legal_heir", "completion_ps"])
def test_send_back_resubmit_approve(api, service):
    ain = submit(api, service)
    result = act(api, APPROVER[service], ain, "send_back", remarks="Give the date of completion / heirs' ages.")
    assert result["status"] == "SENT_BACK"
    assert ain not in inbox_ains(api, APPROVER[service])
    fixed = dict(FORMS[service])
    key = "address" if "address" in fixed else "location"
    fixed[key] = fixed[key] + " (corrected)"
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": {**fixed, "bogus": 1}}, user="operator.raipur")
    assert r.status_code == 422
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": fixed}, user="operator.raipur")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "IN_PROCESS"
    assert detail(api, ain)["data"][key].endswith("(corrected)")
    result = act(api, APPROVER[service], ain, "approve")
    assert result["status"] == "DELIVERED"
    actions = [h["action"] for h in api.get(f"/api/v1/applications/{ain}/history", user="operator.raipur")
               .get_json()["items"]]
    assert actions == ["submitted", "send_back", "resubmitted", "approve"]
