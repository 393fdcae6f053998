"""Recall: the officer who acted last pulls the application back before the next one acts."""
from tests.helpers import act, submit_residential, task_for
from tests.services.samples import FORMS, inbox_ains, submit


def recall(api, user, ain, remarks="Forwarded by mistake."):
    return api.post(f"/api/v1/applications/{ain}/recall", json={"remarks": remarks}, user=user)


def detail(api, ain, user="operator.csc-domkal"):
    return api.get(f"/api/v1/applications/{ain}", user=user).get_json()


def test_bdo_recalls_an_enquiry_before_the_eo_reports(api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert ain in inbox_ains(api, "eo.domkal")
    r = recall(api, "bdo.domkal", ain, "Wrong enquiry officer chosen.")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["stage"] == "Verification of documents"
    assert r.get_json()["status"] == "SUBMITTED"
    assert ain not in inbox_ains(api, "eo.domkal")
    item = task_for(api, "bdo.domkal", ain)
    assert item["task"]["key"] == "verify_documents" and item["assignee"] == "bdo.domkal"
    [open_item] = detail(api, ain)["work_items"]
    assert open_item["task"]["key"] == "verify_documents"
    history = api.get(f"/api/v1/applications/{ain}/history", user="bdo.domkal").get_json()["items"]
    assert [h["action"] for h in history] == ["submitted", "forward_enquiry", "recalled"]
    assert history[-1]["remarks"] == "Wrong enquiry officer chosen."
    act(api, "bdo.domkal", ain, "verify")
    assert act(api, "bdo.domkal", ain, "approve")["status"] == "DELIVERED"


def test_only_the_last_actor_before_the_next_acts(api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    act(api, "eo.domkal", ain, "submit_report", data={"report": "Visited; resident since 1995.",
                                                      "recommendation": "recommend"})
    r = recall(api, "bdo.domkal", ain)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "cannot_recall"
    assert recall(api, "bdo.jalangi", ain).status_code == 404
    r = recall(api, "eo.domkal", ain, "Report attached to the wrong application.")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "IN_PROCESS"
    item = task_for(api, "eo.domkal", ain)
    assert item["task"]["key"] == "field_enquiry"
    assert ain not in inbox_ains(api, "bdo.domkal")
    act(api, "eo.domkal", ain, "submit_report", data={"report": "Visited again; resident since 1995.",
                                                      "recommendation": "recommend"})
    assert act(api, "bdo.domkal", ain, "approve")["status"] == "DELIVERED"


def test_pradhan_recalls_a_send_back_before_the_applicant_resubmits(api):
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "send_back", remarks="Attach the income proof again.")
    assert detail(api, ain, "operator.raipur")["status"] == "SENT_BACK"
    r = recall(api, "pradhan.raipur", ain)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["status"] == "SUBMITTED"
    r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": FORMS["income"]}, user="operator.raipur")
    assert r.status_code == 409
    assert act(api, "pradhan.raipur", ain, "approve")["status"] == "DELIVERED"
    r = recall(api, "pradhan.raipur", ain)
    assert r.status_code == 409   # decided: nothing to pull back


def test_no_recall_after_the_applicant_resubmitted(api):
    ain = submit(api, "income")
    act(api, "pradhan.raipur", ain, "send_back", remarks="Attach the income proof again.")
    assert api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": FORMS["income"]},
                    user="operator.raipur").status_code == 200
    assert recall(api, "pradhan.raipur", ain).status_code == 409


def test_recall_needs_remarks_and_an_officer(api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    assert recall(api, "bdo.domkal", ain, "  ").status_code == 422
    assert api.post(f"/api/v1/applications/{ain}/recall", json={"remarks": "x", "more": 1},
                    user="bdo.domkal").status_code == 422
    assert recall(api, "operator.csc-domkal", ain).status_code == 403
    assert detail(api, ain)["stage"] == "Field enquiry and report"
