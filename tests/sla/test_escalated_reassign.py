"""The L1 holder (the DM, not the head of the BDO's office) may reassign an escalated task within its office."""
from tests.helpers import submit_residential
from tests.inbox.test_claim_reassign import add_officer
from tests.sla.sla_helpers import Clock, ist, run_sweep

MONDAY = ist(2026, 1, 5, 10, 0)


def test_dm_reassigns_escalated_verification_to_another_bdo(app, api):
    add_officer(app, "bdo2.domkal", "BDO", "BDO-DOMKAL")
    with Clock(api, MONDAY) as clock:
        ain = submit_residential(api)
        item = [i for i in api.get("/api/v1/inbox", user="bdo.domkal").get_json()["items"] if i["ain"] == ain][0]
        r = api.post(f"/api/v1/tasks/{item['id']}/reassign", json={"username": "bdo2.domkal"}, user="dm.murshidabad")
        assert r.status_code == 403                      # not escalated yet: the DM does not head the block office
        clock.to(ist(2026, 1, 6, 11, 0))
        run_sweep(app)
        r = api.post(f"/api/v1/tasks/{item['id']}/reassign", json={"username": "bdo2.domkal"}, user="dm.murshidabad")
        assert r.status_code == 200, r.get_json()
        assert r.get_json()["assignee"] == "bdo2.domkal"
        r = api.post(f"/api/v1/tasks/{item['id']}/reassign", json={"username": "bdo2.domkal"},
                     user="dm.north24parganas")
        assert r.status_code == 403
