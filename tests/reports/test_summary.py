"""MIS summary: counts, overdue, SLA figures, jurisdiction, CSV."""
import csv
import io

from tests.helpers import act, submit_residential
from tests.services.samples import submit
from tests.sla.sla_helpers import Clock, ist, run_sweep

MONDAY = ist(2026, 1, 5, 10, 0)


def _walk(app, api):
    """Four applications in Murshidabad: one approved late, one rejected on time, one overdue, one on time."""
    with Clock(api, MONDAY) as clock:
        approved = submit_residential(api)
        rejected = submit_residential(api)
        overdue = submit_residential(api)
        gp = submit(api, "income")
        clock.to(ist(2026, 1, 5, 12, 0))
        act(api, "bdo.domkal", rejected, "reject", reason="Not a resident.", fifo_override_reason="clear case")
        clock.to(ist(2026, 1, 6, 16, 0))   # six hours past T+1 for step 1
        run_sweep(app)
        act(api, "bdo.domkal", approved, "verify")
        act(api, "bdo.domkal", approved, "approve")
        clock.to(ist(2026, 1, 7, 10, 0))
        return approved, rejected, overdue, gp


def test_summary_by_service_block_and_officer_with_csv(app, api):
    approved, rejected, overdue, gp = _walk(app, api)
    with Clock(api, ist(2026, 1, 7, 10, 0)):
        r = api.get("/api/v1/reports/summary?by=service", user="dm.murshidabad")
        assert r.status_code == 200, r.get_json()
        rows = {i["key"]: i for i in r.get_json()["items"]}
        res = rows["residential_edistrict"]
        assert {k: res[k] for k in ("received", "pending", "delivered", "rejected", "overdue")} == {
            "received": 3, "pending": 1, "delivered": 1, "rejected": 1, "overdue": 1}
        assert res["name"] == "Ordinary Residential Certificate"
        assert 0 < res["avg_days"] < 2
        # steps judged: rejected's verification (on time), approved's verification (late) and approval
        # (on time), and the overdue application's verification, still open past due (late already):
        # 2 of 4 — counting only the finished steps would say 66.7 beside an overdue application
        assert res["on_time_pct"] == 50.0
        assert rows["income"]["received"] == 1 and rows["income"]["pending"] == 1 and rows["income"]["overdue"] == 0

        blocks = api.get("/api/v1/reports/summary?by=block", user="dm.murshidabad").get_json()["items"]
        # a block without applications is shown with zeros, not left out
        assert [(b["key"], b["name"], b["received"]) for b in blocks] == [("3101", "Domkal", 4), ("3102", "Jalangi", 0)]
        assert blocks[1]["pending"] == blocks[1]["overdue"] == 0 and blocks[1]["on_time_pct"] is None

        officers = {i["key"]: i for i in api.get("/api/v1/reports/summary?by=officer",
                                                    user="dm.murshidabad").get_json()["items"]}
        assert officers["bdo.domkal"]["delivered"] == 3 and officers["bdo.domkal"]["rejected"] == 1
        assert officers["bdo.domkal"]["overdue"] == 1
        offices = {i["key"]: i for i in api.get("/api/v1/reports/summary?by=office",
                                                  user="dm.murshidabad").get_json()["items"]}
        assert offices["BDO-DOMKAL"]["pending"] == 1 and offices["BDO-DOMKAL"]["overdue"] == 2

        r = api.get("/api/v1/reports/summary?by=gp&format=csv", user="bdo.domkal")
        assert r.status_code == 200 and r.mimetype == "text/csv"
        table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
        assert list(table[0]) == ["key", "name", "received", "pending", "delivered", "rejected", "overdue",
                                  "avg_days", "on_time_pct"]
        assert [(t["key"], t["received"]) for t in table] == [("131002", "0"), ("131001", "4")]  # by name

        steps = api.get(f"/api/v1/reports/applications/{approved}/sla", user="bdo.domkal").get_json()["steps"]
        assert [(s["task"], s["late_seconds"], s["officer"]) for s in steps] == [
            ("verify_documents", 6 * 3600, "bdo.domkal"), ("approve_certificate", 0, "bdo.domkal")]
        assert steps[0]["escalations"][0]["role"] == "DM" and steps[0]["escalations"][0]["resolved_at"]


def test_jurisdiction_period_and_bad_input(app, api):
    _walk(app, api)
    with Clock(api, ist(2026, 1, 7, 10, 0)):
        other = api.get("/api/v1/reports/summary?by=district", user="dm.north24parganas").get_json()["items"]
        assert [(o["key"], o["received"], o["on_time_pct"]) for o in other] == [("318", 0, None)]
        mine = api.get("/api/v1/reports/summary?by=district", user="dm.murshidabad").get_json()["items"]
        assert [(m["key"], m["received"]) for m in mine] == [("315", 4)]
        state = api.get("/api/v1/reports/summary?by=district", user="admin.state").get_json()["items"]
        assert [(m["key"], m["received"]) for m in state] == [("315", 4), ("318", 0)]
        pradhan = api.get("/api/v1/reports/summary?by=service", user="pradhan.garaimari").get_json()["items"]
        assert pradhan == []
        later = api.get("/api/v1/reports/summary?by=district&from=2026-01-06", user="dm.murshidabad")
        assert [(m["key"], m["received"]) for m in later.get_json()["items"]] == [("315", 0)]
        assert api.get("/api/v1/reports/summary?by=district&from=2026-01-05&to=2026-01-05",
                       user="dm.murshidabad").get_json()["items"][0]["received"] == 4
        r = api.get("/api/v1/reports/summary?by=planet", user="dm.murshidabad")
        assert r.status_code == 422 and "by" in r.get_json()["error"]["fields"]
        r = api.get("/api/v1/reports/summary?by=gp&from=05-01-2026", user="dm.murshidabad")
        assert r.status_code == 422 and "from" in r.get_json()["error"]["fields"]
        assert api.get("/api/v1/reports/summary?by=gp", user="operator.csc-barasat").get_json()["items"] == []
        assert api.get("/api/v1/reports/summary?by=gp").status_code == 401
