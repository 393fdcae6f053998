"""Out-of-office delegation: the delegate works the delegator's queue on its dates only, recorded as such."""
from datetime import datetime, timezone

import time_machine

from tests.helpers import task_for
from tests.services.samples import inbox_ains, submit

DELEGATIONS = "/api/v1/delegations"


class _at:
    """Mid-morning in India on that day of March 2026, with fresh logins (tokens last hours, not days)."""

    def __init__(self, day, api):
        self.travel = time_machine.travel(datetime(2026, 3, day, 5, 0, tzinfo=timezone.utc), tick=False)
        self.api = api

    def __enter__(self):
        self.travel.__enter__()
        self.api.tokens.clear()

    def __exit__(self, *exc):
        self.travel.__exit__(*exc)


def test_a_delegation_moves_the_inbox_for_its_dates_only(api):
    with _at(9, api):
        first = submit(api, "income")
        r = api.post(DELEGATIONS, json={"to": "pradhan.garaimari", "starts_on": "2026-03-10", "ends_on": "2026-03-12"},
                     user="pradhan.raipur")
        assert r.status_code == 201, r.get_json()
        made = r.get_json()
        assert (made["from"], made["to"], made["role"], made["active"]) == ("pradhan.raipur", "pradhan.garaimari",
                                                                            "PRADHAN", False)
        assert first not in inbox_ains(api, "pradhan.garaimari")
    with _at(10, api):
        mine = submit(api, "income", lgd_code="131002")
        item = task_for(api, "pradhan.garaimari", first)
        assert item["delegated_from"] == "pradhan.raipur"
        assert task_for(api, "pradhan.garaimari", mine)["delegated_from"] is None
        assert first in inbox_ains(api, "pradhan.raipur")          # the delegator keeps seeing it
        r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "approve"}, user="pradhan.garaimari")
        assert r.status_code == 200, r.get_json()
        history = api.get(f"/api/v1/applications/{first}/history", user="operator.raipur").get_json()["items"]
        assert (history[-1]["actor"], history[-1]["action"], history[-1]["on_behalf_of"]) == (
            "pradhan.garaimari", "approve", "pradhan.raipur")
        second = submit(api, "income")
        listed = api.get(DELEGATIONS, user="pradhan.garaimari").get_json()["items"]
        assert [(d["from"], d["active"]) for d in listed] == [("pradhan.raipur", True)]
    with _at(13, api):
        assert second not in inbox_ains(api, "pradhan.garaimari")
        item = task_for(api, "pradhan.raipur", second)
        r = api.post(f"/api/v1/tasks/{item['id']}/complete", json={"action": "approve"}, user="pradhan.garaimari")
        assert r.status_code == 403


def test_a_withdrawn_delegation_grants_nothing(api):
    with _at(10, api):
        ain = submit(api, "income")
        made = api.post(DELEGATIONS, json={"to": "pradhan.garaimari", "starts_on": "2026-03-10",
                                           "ends_on": "2026-03-20"}, user="pradhan.raipur").get_json()
        assert ain in inbox_ains(api, "pradhan.garaimari")
        r = api.delete(f"{DELEGATIONS}/{made['id']}", user="pradhan.raipur")
        assert r.status_code == 200 and r.get_json()["active"] is False
        assert ain not in inbox_ains(api, "pradhan.garaimari")


def test_the_office_head_may_delegate_an_officers_queue(api):
    with _at(10, api):
        r = api.post(DELEGATIONS, json={"from": "eo.domkal", "to": "eo.jalangi", "starts_on": "2026-03-10",
                                        "ends_on": "2026-03-11"}, user="bdo.domkal")
        assert r.status_code == 201, r.get_json()
        r = api.post(DELEGATIONS, json={"from": "eo.domkal", "to": "eo.jalangi", "starts_on": "2026-03-10",
                                        "ends_on": "2026-03-11"}, user="bdo.jalangi")
        assert r.status_code == 403


def test_refusals_name_the_field(api):
    cases = [
        ({"to": "bdo.domkal"}, "to"),                               # another role
        ({"to": "pradhan.kadambagachhi"}, "to"),                    # another district
        ({"to": "pradhan.raipur"}, "to"),                           # oneself
        ({"to": "nobody.at.all"}, "to"),
        ({"starts_on": "2026-03-12", "ends_on": "2026-03-10"}, "ends_on"),
        ({"ends_on": "2026-09-30"}, "ends_on"),                     # longer than 90 days
        ({"starts_on": "2026-02-30"}, "starts_on"),
        ({"colour": "red"}, "colour"),
    ]
    with _at(10, api):
        for change, field in cases:
            body = {"to": "pradhan.garaimari", "starts_on": "2026-03-10", "ends_on": "2026-03-12", **change}
            r = api.post(DELEGATIONS, json=body, user="pradhan.raipur")
            assert r.status_code == 422 and field in r.get_json()["error"]["fields"], (change, r.get_json())
        assert api.post(DELEGATIONS, json={"to": "pradhan.garaimari", "starts_on": "2026-03-10",
                                           "ends_on": "2026-03-12"}, user="operator.raipur").status_code == 403

