"""Complaints on rejected applications (SoP §8.7), seen by the DM's and SDO's offices of the district."""
from tests.helpers import act
from tests.services.samples import submit

TEXT = "My income proof was attested by the BDO; the rejection is wrong."


def complain(api, user, ain, text=TEXT):
    return api.post(f"/api/v1/applications/{ain}/complaint", json={"text": text}, user=user)


def test_complaint_on_a_rejected_application_reaches_the_district(api):
    ain = submit(api, "income", user="operator.csc-barasat")
    assert complain(api, "operator.csc-barasat", ain).status_code == 409        # not rejected yet
    act(api, "pradhan.raipur", ain, "reject", reason="Income proof not attested.")
    assert complain(api, "pradhan.raipur", ain).status_code == 403              # an officer is not the applicant
    assert complain(api, "operator.raipur", ain).status_code == 404             # a GP operator sees only their centre's (issue 13)
    assert complain(api, "operator.garaimari", ain).status_code == 404          # not theirs to see
    assert complain(api, "operator.csc-barasat", ain, "short").status_code == 422
    r = complain(api, "operator.csc-barasat", ain)
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["ain"] == ain and r.get_json()["status"] == "OPEN"
    assert complain(api, "operator.csc-barasat", ain).get_json()["error"]["code"] == "complaint_exists"

    for officer in ("dm.murshidabad", "sdo.domkal"):
        body = api.get("/api/v1/complaints", user=officer).get_json()
        assert [c["ain"] for c in body["items"]] == [ain], officer
        assert body["items"][0]["text"] == TEXT
        assert "not attested" in body["items"][0]["decision_reason"]
    # The district where the CSC sits is not the applicant's district.
    assert api.get("/api/v1/complaints", user="dm.north24parganas").get_json()["items"] == []
    assert api.get("/api/v1/complaints", user="sdo.barasat").get_json()["items"] == []
    assert api.get("/api/v1/complaints", user="pradhan.raipur").status_code == 403
    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-barasat").get_json()["items"]
    assert history[-1]["action"] == "complaint" and history[-1]["remarks"] == TEXT


def test_no_complaint_on_an_approved_application(api):
    ain = submit(api, "completion_block")
    act(api, "bdo.domkal", ain, "approve")
    r = complain(api, "operator.raipur", ain)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "not_rejected"
    assert api.post(f"/api/v1/applications/{ain}/complaint", json={"text": TEXT, "x": 1},
                    user="operator.raipur").status_code == 422


def test_the_dm_answers_and_closes_a_complaint_and_the_applicant_reads_it(api, client):
    """Issue 14: complaints can be answered and closed (API and pages)."""
    from tests.conftest import DEMO_PASSWORD
    ain = submit(api, "income", user="operator.csc-barasat")
    act(api, "pradhan.raipur", ain, "reject", reason="Income proof not attested.")
    complaint_id = complain(api, "operator.csc-barasat", ain).get_json()["id"]
    answer = "The proof was re-examined; please apply again with the attested copy."
    assert api.post(f"/api/v1/complaints/{complaint_id}/answer", json={"answer": answer},
                    user="dm.north24parganas").status_code == 404          # not their district
    assert api.post(f"/api/v1/complaints/{complaint_id}/answer", json={"answer": "ok"},
                    user="dm.murshidabad").status_code == 422
    assert api.post(f"/api/v1/complaints/{complaint_id}/answer", json={"answer": answer},
                    user="pradhan.raipur").status_code == 403
    # through the DM's page
    assert client.post("/login", data={"username": "dm.murshidabad", "password": DEMO_PASSWORD}).status_code == 302
    assert f'action="/officer/complaints/{complaint_id}/answer"' in client.get("/officer/complaints").get_data(as_text=True)
    r = client.post(f"/officer/complaints/{complaint_id}/answer", data={"answer": answer})
    assert r.status_code == 302
    body = api.get("/api/v1/complaints", user="dm.murshidabad").get_json()["items"][0]
    assert (body["status"], body["answer"], body["answered_by"]) == ("CLOSED", answer, "dm.murshidabad")
    r = api.post(f"/api/v1/complaints/{complaint_id}/answer", json={"answer": answer}, user="sdo.domkal")
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "complaint_closed"
    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-barasat").get_json()["items"]
    assert history[-1]["action"] == "complaint_answered" and history[-1]["remarks"] == answer
    applicant = client.application.test_client()
    applicant.post("/login", data={"username": "operator.csc-barasat", "password": DEMO_PASSWORD})
    page = applicant.get(f"/applications/{ain}").get_data(as_text=True)
    assert answer in page and 'id="complaint-answer"' in page
