"""Flow C's SLA walked with time-machine: T+1 working day for the BDO, L1 to the DM, exactly once."""
from datetime import timedelta

from tests.helpers import RESIDENTIAL_FORM, act, submit_residential
from tests.sla.sla_helpers import Clock, escalations, ist, run_sweep, work_item

MONDAY = ist(2026, 1, 5, 10, 0)          # T: Monday 5 January 2026, 10:00 IST


def test_l1_to_dm_just_after_t_plus_1_and_only_once(app, api):
    with Clock(api, MONDAY) as clock:
        ain = submit_residential(api)
        item = work_item(app, ain, "verify_documents")
        assert item["due_at"] == ist(2026, 1, 6, 10, 0)      # T+1 working day

        clock.to(ist(2026, 1, 6, 9, 59))
        assert run_sweep(app).fired == 0
        assert escalations(app, ain) == []

        clock.to(ist(2026, 1, 6, 10, 1))
        result = run_sweep(app)
        assert result.fired == 1 and result.failed == 0
        rows = escalations(app, ain)
        assert [(r["level"], r["role"], r["office"], r["task"]) for r in rows] == [
            (1, "DM", "DM-MURSHIDABAD", "verify_documents")]
        assert rows[0]["due_at"] == ist(2026, 1, 8, 10, 0)  # the DM's own deadline: T+3
        assert work_item(app, ain, "verify_documents")["escalation_level"] == 1

        run_sweep(app)
        clock.to(ist(2026, 1, 6, 18, 0))
        run_sweep(app)
        assert len(escalations(app, ain)) == 1

        # flow C has no L2: the L1 deadline (T+3) passes without a second escalation
        clock.to(ist(2026, 1, 9, 12, 0))
        run_sweep(app)
        assert len(escalations(app, ain)) == 1

        act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
        assert escalations(app, ain)[0]["resolved"] is True
        assert work_item(app, ain, "field_enquiry")["due_at"] == ist(2026, 1, 9, 10, 0)   # T+4


def test_nothing_fires_before_the_deadline_when_the_bdo_acts_in_time(app, api):
    with Clock(api, MONDAY) as clock:
        ain = submit_residential(api)
        clock.to(MONDAY + timedelta(hours=3))
        act(api, "bdo.domkal", ain, "verify")
        clock.to(ist(2026, 1, 20, 10, 0))
        run_sweep(app)
        rows = escalations(app, ain)
        assert [(r["level"], r["task"]) for r in rows] == [(1, "approve_certificate")]   # only the open step


def test_weekend_and_holiday_move_the_deadline(app, api, tmp_path):
    csv = tmp_path / "holidays.csv"
    csv.write_text("date,name,state_lgd,district_lgd\n2026-01-12,Test holiday,19,315\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["holidays", "import", str(csv)])
    assert result.exit_code == 0, result.output
    friday = ist(2026, 1, 9, 10, 0)   # Saturday 10th is the second Saturday, Sunday 11th, Monday 12th a holiday
    with Clock(api, friday) as clock:
        ain = submit_residential(api)
        assert work_item(app, ain, "verify_documents")["due_at"] == ist(2026, 1, 13, 10, 0)
        clock.to(ist(2026, 1, 12, 10, 1))
        run_sweep(app)
        assert escalations(app, ain) == []
        clock.to(ist(2026, 1, 13, 9, 59))
        run_sweep(app)
        assert escalations(app, ain) == []
        clock.to(ist(2026, 1, 13, 10, 0, 30))
        run_sweep(app)
        assert [r["role"] for r in escalations(app, ain)] == ["DM"]


def test_holiday_elsewhere_does_not_count(app, api, tmp_path):
    csv = tmp_path / "holidays.csv"
    csv.write_text("date,name,state_lgd,district_lgd\n2026-01-06,North 24 Parganas only,19,318\n", encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["holidays", "import", str(csv)]).exit_code == 0
    with Clock(api, MONDAY):
        ain = submit_residential(api)
        assert work_item(app, ain, "verify_documents")["due_at"] == ist(2026, 1, 6, 10, 0)


def test_time_with_the_citizen_does_not_count(app, api):
    with Clock(api, MONDAY) as clock:
        ain = submit_residential(api)
        clock.to(ist(2026, 1, 5, 12, 0))
        act(api, "bdo.domkal", ain, "send_back", remarks="Upload a clear photograph.")
        clock.to(ist(2026, 1, 7, 12, 0))          # two working days with the citizen
        run_sweep(app)
        assert escalations(app, ain) == []
        r = api.post(f"/api/v1/applications/{ain}/resubmit", json={"data": RESIDENTIAL_FORM},
                     user="operator.csc-domkal")
        assert r.status_code == 200, r.get_json()
        # the state had used 2 of its 24 hours; 22 remain after resubmission
        assert work_item(app, ain, "verify_documents")["due_at"] == ist(2026, 1, 8, 10, 0)
        clock.to(ist(2026, 1, 8, 9, 59))
        run_sweep(app)
        assert escalations(app, ain) == []
        clock.to(ist(2026, 1, 8, 10, 1))
        run_sweep(app)
        assert [(r["level"], r["role"]) for r in escalations(app, ain)] == [(1, "DM")]
