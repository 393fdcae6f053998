"""MIS by officer: actions, median days per step, SLA breaches and work done under a delegation."""
from datetime import datetime, timedelta, timezone

import time_machine

from tests.helpers import act
from tests.services.samples import submit

DAY1 = datetime(2026, 4, 6, 5, 0, tzinfo=timezone.utc)   # a Monday morning in India


def _travel(when, api):
    api.tokens.clear()
    return time_machine.travel(when, tick=False)


def test_officer_rows_count_actions_breaches_and_delegated_work(api):
    with _travel(DAY1, api):
        quick, late, covered = (submit(api, "income") for _ in range(3))
        api.post("/api/v1/delegations", json={"to": "pradhan.garaimari", "starts_on": "2026-04-07",
                                              "ends_on": "2026-04-08"}, user="pradhan.raipur")
    with _travel(DAY1 + timedelta(hours=3), api):
        act(api, "pradhan.raipur", quick, "approve")
    with _travel(DAY1 + timedelta(days=1), api):
        act(api, "pradhan.garaimari", late, "approve")           # for pradhan.raipur, under the delegation
    with _travel(DAY1 + timedelta(days=40), api):
        act(api, "pradhan.raipur", covered, "approve")           # long past the step's due date
        rows = {r["key"]: r for r in api.get("/api/v1/reports/summary?by=officer", user="dm.murshidabad")
                .get_json()["items"]}
    raipur, garaimari = rows["pradhan.raipur"], rows["pradhan.garaimari"]
    assert (raipur["actions"], raipur["delegated"], raipur["sla_breaches"]) == (2, 0, 1)
    assert (garaimari["actions"], garaimari["delegated"], garaimari["sla_breaches"]) == (1, 1, 0)
    assert garaimari["median_days_per_step"] == 1.0
    assert raipur["median_days_per_step"] == round((0.125 + 40) / 2, 2)
