"""L1 holders see escalated tasks with how late they are, remark on them, take them over."""
from app.processes import hooks
from tests.helpers import submit_residential, task_for
from tests.sla.sla_helpers import Clock, escalations, ist, run_sweep

MONDAY = ist(2026, 1, 5, 10, 0)


def test_dm_sees_remarks_takes_over_and_completes(app, api):
    raised = []
    listener = lambda application, item, escalation: raised.append((application.ain, item.task_key, escalation.level))  # noqa: E731
    hooks.subscribe("escalated", listener)
    try:
        with Clock(api, MONDAY) as clock:
            ain = submit_residential(api)
            assert api.get("/api/v1/inbox?escalated=true", user="dm.murshidabad").get_json()["items"] == []
            clock.to(ist(2026, 1, 6, 13, 0))    # three hours past T+1
            run_sweep(app)
            assert raised == [(ain, "verify_documents", 1)]

            body = api.get("/api/v1/inbox?escalated=true", user="dm.murshidabad").get_json()
            assert body["total"] == 1
            row = body["items"][0]
            assert row["ain"] == ain and row["escalation_level"] == 1
            assert row["escalation"]["level"] == 1 and row["escalation"]["late_seconds"] == 3 * 3600
            assert row["escalation"]["role"] == "DM" and row["escalation"]["office"] == "DM-MURSHIDABAD"
            assert row["due_at"] == "2026-01-06T04:30:00+00:00"
            assert task_for(api, "bdo.domkal", ain)["escalation_level"] == 1
            # another district's DM sees nothing and may do nothing
            assert api.get("/api/v1/inbox?escalated=true", user="dm.north24parganas").get_json()["total"] == 0
            r = api.post(f"/api/v1/tasks/{row['id']}/take-over", user="dm.north24parganas")
            assert r.status_code == 403
            r = api.post(f"/api/v1/tasks/{row['id']}/remark", json={"remarks": "x"}, user="dm.north24parganas")
            assert r.status_code == 403

            r = api.post(f"/api/v1/tasks/{row['id']}/remark", json={"remarks": "Please clear this today."},
                         user="dm.murshidabad")
            assert r.status_code == 201, r.get_json()
            r = api.post(f"/api/v1/tasks/{row['id']}/remark", json={"remarks": " "}, user="dm.murshidabad")
            assert r.status_code == 422
            seen = api.get(f"/api/v1/tasks/{row['id']}/remarks", user="bdo.domkal").get_json()["items"]
            assert [(s["author"], s["role"], s["remarks"]) for s in seen] == [
                ("dm.murshidabad", "DM", "Please clear this today.")]

            r = api.post(f"/api/v1/tasks/{row['id']}/take-over", user="dm.murshidabad")
            assert r.status_code == 200, r.get_json()
            assert r.get_json()["assignee"] == "dm.murshidabad"
            mine = api.get("/api/v1/inbox", user="bdo.domkal").get_json()["items"]
            assert ain not in [i["ain"] for i in mine]

            r = api.post(f"/api/v1/tasks/{row['id']}/complete", json={"action": "verify"}, user="dm.murshidabad")
            assert r.status_code == 200, r.get_json()
            assert escalations(app, ain)[0]["resolved"] is True
            assert api.get("/api/v1/inbox?escalated=true", user="dm.murshidabad").get_json()["total"] == 0
            r = api.post(f"/api/v1/tasks/{row['id']}/remark", json={"remarks": "late"}, user="dm.murshidabad")
            assert r.status_code == 403     # closed: no longer escalated to anyone
            history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-domkal").get_json()["items"]
            assert [h["action"] for h in history] == ["submitted", "escalated", "remarked", "taken_over", "verify"]
    finally:
        hooks._listeners["escalated"].remove(listener)
