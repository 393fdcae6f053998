"""Flow C end to end through the HTTP API (API.md "Done when" of the spine)."""
from tests.helpers import RESIDENTIAL_FORM, act, submit_residential, task_for


def status_of(api, ain, user="operator.csc-domkal"):
    return api.get(f"/api/v1/applications/{ain}", user=user).get_json()


def test_enquiry_send_back_resubmit_verify_approve(api):
    ain = submit_residential(api)
    assert status_of(api, ain)["status"] == "SUBMITTED"
    assert status_of(api, ain)["processing_office"]["code"] == "BDO-DOMKAL"

    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert status_of(api, ain)["stage"] == "Field enquiry and report"
    act(api, "eo.domkal", ain, "submit_report", data={"report": "Visited the house; resident since 1995.",
                                                      "recommendation": "recommend"})
    body = act(api, "bdo.domkal", ain, "send_back", remarks="The photograph is blurred; upload a clear one.")
    assert body["status"] == "SENT_BACK"

    fixed = dict(RESIDENTIAL_FORM, address="Village Raipur, house 12, near the primary school")
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": fixed}, user="operator.csc-domkal")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "IN_PROCESS"
    assert status_of(api, ain)["data"]["address"].startswith("Village Raipur, house 12")

    act(api, "bdo.domkal", ain, "verify")
    body = act(api, "bdo.domkal", ain, "approve")
    assert body["status"] == "DELIVERED"

    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-domkal").get_json()["items"]
    actions = [h["action"] for h in history]
    assert actions == ["submitted", "forward_enquiry", "submit_report", "send_back", "resubmitted", "verify", "approve"]
    assert history[3]["remarks"] == "The photograph is blurred; upload a clear one."
    assert status_of(api, ain)["work_items"] == []


def test_reject_records_reason(api):
    ain = submit_residential(api)
    body = act(api, "bdo.domkal", ain, "reject", reason="Applicant does not live in this block.")
    assert body["status"] == "REJECTED"
    detail = status_of(api, ain)
    assert "does not live in this block" in detail["decision_reason"]
    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-domkal").get_json()["items"]
    assert history[-1]["action"] == "reject"
    assert history[-1]["remarks"] == "Applicant does not live in this block."
