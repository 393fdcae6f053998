"""Bulk actions: one decision on many tasks of one step, each completed and signed on its own."""
import io

from tests.helpers import task_for
from tests.services.samples import submit

BULK = "/api/v1/tasks/bulk"


def _ids(api, user, ains):
    return [task_for(api, user, ain)["id"] for ain in ains]


def test_bulk_approval_issues_separately_signed_certificates_and_reports_one_failure(api):
    ains = [submit(api, "income") for _ in range(20)]
    elsewhere = submit(api, "income", lgd_code="131002")          # Garaimari's task: not Raipur's
    ids = _ids(api, "pradhan.raipur", ains)
    foreign = task_for(api, "pradhan.garaimari", elsewhere)["id"]
    r = api.post(BULK, json={"ids": [*reversed(ids[:10]), foreign, *ids[10:]], "action": "approve",
                             "remarks": "Verified in the weekly camp."}, user="pradhan.raipur")
    assert r.status_code == 200, r.get_json()
    results = r.get_json()["results"]
    assert len(results) == 21
    done = [x for x in results if x["status_code"] == 200]
    assert [x["ain"] for x in done] == ains                    # queue order: oldest first, FIFO kept
    assert all(x["status"] == "DELIVERED" for x in done)
    [failed] = [x for x in results if x["status_code"] != 200]
    assert failed["id"] == foreign and failed["status_code"] == 403 and failed["ain"] is None
    assert api.get(f"/api/v1/track/{elsewhere}").get_json()["status"] == "SUBMITTED"

    uins = set()
    for ain in ains:
        detail = api.get(f"/api/v1/applications/{ain}", user="operator.raipur").get_json()
        uin = detail["certificate"]["uin"]
        uins.add(uin)
        pdf = api.get(f"/api/v1/certificates/{uin}.pdf", user="operator.raipur").data
        check = api.client.post("/api/v1/certificates/verify", data={"file": (io.BytesIO(pdf), "c.pdf")},
                                content_type="multipart/form-data").get_json()
        assert check["signature_valid"] is True and check["matches_record"] is True and check["uin"] == uin
        history = api.get(f"/api/v1/applications/{ain}/history", user="operator.raipur").get_json()["items"]
        assert [h["remarks"] for h in history if h["action"] == "approve"] == ["Verified in the weekly camp."]
    assert len(uins) == 20


def test_tasks_of_another_step_are_refused_one_by_one(api):
    income = submit(api, "income")
    age = submit(api, "age")
    ids = _ids(api, "pradhan.raipur", [income, age])
    results = api.post(BULK, json={"ids": ids, "action": "approve"}, user="pradhan.raipur").get_json()["results"]
    assert [(x["ain"], x["status_code"]) for x in results] == [(income, 200), (age, 422)]
    assert results[1]["error"]["code"] == "other_step"
    assert api.get(f"/api/v1/track/{age}").get_json()["status"] == "SUBMITTED"


def test_fifo_holds_for_an_older_task_left_out_unless_a_reason_is_given(api):
    older, newer1, newer2 = (submit(api, "income") for _ in range(3))
    ids = _ids(api, "pradhan.raipur", [newer1, newer2])
    results = api.post(BULK, json={"ids": ids, "action": "approve"}, user="pradhan.raipur").get_json()["results"]
    assert [x["status_code"] for x in results] == [409, 409]
    assert all(x["error"]["code"] == "fifo_violation" and x["error"]["older_ain"] == older for x in results)
    results = api.post(BULK, json={"ids": ids, "action": "approve", "fifo_override_reason": "Camp for students"},
                       user="pradhan.raipur").get_json()["results"]
    assert [x["status_code"] for x in results] == [200, 200]


def test_bad_requests_are_refused_with_field_errors(api):
    for body, field in (({"ids": [], "action": "approve"}, "ids"), ({"ids": [1, 1], "action": "approve"}, "ids"),
                        ({"ids": [2**64], "action": "approve"}, "ids"), ({"ids": [1]}, "action"),
                        ({"ids": [1], "action": "approve", "colour": "red"}, "colour")):
        r = api.post(BULK, json=body, user="pradhan.raipur")
        assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (body, r.get_json())
    assert api.post(BULK, json={"ids": [1], "action": "approve"}, user="operator.raipur").status_code == 403
    r = api.post(BULK, json={"ids": [987654], "action": "approve"}, user="pradhan.raipur")
    [result] = r.get_json()["results"]
    assert (result["id"], result["ain"], result["status_code"], result["error"]["code"]) == (987654, None, 404, "not_found")
