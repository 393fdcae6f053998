"""Flows A and B: the matrix defaults (7 working days, L1 at the deadline, L2 at the L1 deadline)."""
from tests.helpers import act
from tests.services.samples import submit
from tests.sla.sla_helpers import Clock, escalations, ist, run_sweep, work_item

MONDAY = ist(2026, 1, 5, 10, 0)


def test_flow_a_pradhan_to_bdo_then_dm(app, api):
    with Clock(api, MONDAY) as clock:
        ain = submit(api, "income")
        # 7 working days: the 10th is the second Saturday, the 11th a Sunday
        assert work_item(app, ain, "approve_certificate")["due_at"] == ist(2026, 1, 14, 10, 0)
        clock.to(ist(2026, 1, 14, 9, 59))
        run_sweep(app)
        assert escalations(app, ain) == []
        clock.to(ist(2026, 1, 14, 10, 1))
        run_sweep(app)
        assert [(e["level"], e["role"], e["office"]) for e in escalations(app, ain)] == [(1, "BDO", "BDO-DOMKAL")]
        assert escalations(app, ain)[0]["due_at"] == ist(2026, 1, 17, 10, 0)   # T+10 (third Saturday works)
        clock.to(ist(2026, 1, 17, 10, 1))
        run_sweep(app)
        rows = escalations(app, ain)
        assert [(e["level"], e["role"], e["office"]) for e in rows] == [
            (1, "BDO", "BDO-DOMKAL"), (2, "DM", "DM-MURSHIDABAD")]
        assert rows[1]["due_at"] == ist(2026, 1, 23, 10, 0)                    # T+15
        assert work_item(app, ain, "approve_certificate")["escalation_level"] == 2
        item = api.get("/api/v1/inbox?escalated=true", user="bdo.domkal").get_json()["items"]
        assert [i["ain"] for i in item] == [ain]
        clock.to(ist(2026, 1, 30, 10, 0))
        run_sweep(app)
        assert len(escalations(app, ain)) == 2
        act(api, "pradhan.raipur", ain, "approve")
        assert all(e["resolved"] for e in escalations(app, ain))


def test_flow_b_bdo_to_sdo(app, api):
    with Clock(api, MONDAY) as clock:
        ain = submit(api, "completion_block")
        clock.to(ist(2026, 1, 14, 10, 1))
        run_sweep(app)
        assert [(e["level"], e["role"], e["office"]) for e in escalations(app, ain)] == [(1, "SDO", "SDO-DOMKAL")]
