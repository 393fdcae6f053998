"""e-Taal: e-transactions per service and district for one day, within the caller's jurisdiction."""
from datetime import datetime, timezone

import time_machine

from tests.services.samples import submit

ETAAL = "/api/v1/reports/etaal"
#: 23:00 IST on 14 March 2026 is still the 14th in India, already past 17:30 UTC.
LATE_EVENING = datetime(2026, 3, 14, 17, 30, tzinfo=timezone.utc)
NEXT_MORNING = datetime(2026, 3, 14, 19, 0, tzinfo=timezone.utc)   # 00:30 IST on the 15th


def _rows(body):
    return {(r["department_code"], r["service_code"], r["location_code"]): r["count"] for r in body["items"]}


def test_counts_per_service_and_district_on_the_indian_day(api, app):
    with time_machine.travel(LATE_EVENING, tick=False):
        submit(api, "income")
        submit(api, "income", lgd_code="131002")
        submit(api, "age")
        submit(api, "income", user="operator.kadambagachhi", lgd_code="132001")
    with time_machine.travel(NEXT_MORNING, tick=False):
        api.tokens.clear()                       # logins end after 30 idle minutes (staff)
        submit(api, "income")
    api.tokens.clear()

    result = app.test_cli_runner().invoke(args=["apikeys", "create", "--name", "eTaal", "--channel", "BSK"])
    api.tokens["apikey.etaal"] = result.output.strip().splitlines()[-1]
    state = api.get(f"{ETAAL}?date=2026-03-14", user="apikey.etaal")
    assert state.status_code == 200, state.get_json()
    income = api.get("/api/v1/services").get_json()["items"]
    codes = {s["key"]: (s["department"]["code"], s["service_code"]) for s in income}
    assert _rows(state.get_json()) == {(*codes["income"], "315"): 2, (*codes["age"], "315"): 1,
                                       (*codes["income"], "318"): 1}
    district = api.get(f"{ETAAL}?date=2026-03-14", user="dm.murshidabad").get_json()
    assert _rows(district) == {(*codes["income"], "315"): 2, (*codes["age"], "315"): 1}
    next_day = api.get(f"{ETAAL}?date=2026-03-15", user="apikey.etaal").get_json()
    assert _rows(next_day) == {(*codes["income"], "315"): 1}


def test_a_bad_date_or_role_is_refused(api):
    for raw in ("", "14-03-2026", "2026-02-30", "0001-01-01", "9999-12-31"):
        r = api.get(f"{ETAAL}?date={raw}", user="dm.murshidabad")
        assert r.status_code == 422 and "date" in r.get_json()["error"]["fields"], raw
    assert api.get(f"{ETAAL}?date=2026-03-14").status_code == 401
