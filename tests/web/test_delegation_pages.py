"""Delegation in the web app: the out-of-office page, and the delegate's inbox saying whose queue a task is from."""
import re

from tests.inbox.test_delegation import DELEGATIONS, _at
from tests.services.samples import submit


def test_the_web_inbox_says_whose_queue_a_delegated_task_is_from(api, pages):
    """The delegate's inbox page marks the delegator's tasks (in English and Bengali); own tasks are unmarked."""
    with _at(9, api):
        theirs = submit(api, "income")
        r = api.post(DELEGATIONS, json={"to": "pradhan.garaimari", "starts_on": "2026-03-10", "ends_on": "2026-03-12"},
                     user="pradhan.raipur")
        assert r.status_code == 201, r.get_json()
    with _at(10, api):
        mine = submit(api, "income", lgd_code="131002")
        html = pages.get("/officer/inbox", user="pradhan.garaimari").get_data(as_text=True)
        marks = re.findall(r'data-ain="([^"]+)".*?(?:data-delegated-from="([^"]+)"|</tr>)', html, flags=re.S)
        assert dict(marks) == {theirs: "pradhan.raipur", mine: ""}
        assert "for pradhan.raipur (delegated)" in html
        pages.post("/language", data={"lang": "bn"}, user="pradhan.garaimari")
        bengali = pages.get("/officer/inbox", user="pradhan.garaimari").get_data(as_text=True)
        assert "pradhan.raipur-এর হয়ে (দায়িত্ব অর্পিত)" in bengali
        own = pages.get("/officer/inbox", user="pradhan.raipur").get_data(as_text=True)
        assert "data-delegated-from" not in own


def test_an_officer_hands_over_the_queue_on_the_out_of_office_page(api, pages):
    """Form with field errors (English and Bengali), then a delegation the API sees, then withdrawn."""
    with _at(9, api):
        shown = pages.get("/officer/delegations", user="pradhan.raipur").get_data(as_text=True)
        assert 'action="/officer/delegations"' in shown and "No delegations." in shown
        refused = pages.post("/officer/delegations", data={"to": "pradhan.raipur", "starts_on": "2026-03-12",
                                                          "ends_on": "2026-03-10"}, user="pradhan.raipur")
        assert refused.status_code == 422
        html = refused.get_data(as_text=True)
        assert 'id="error-summary"' in html and "must be on or after the first day" in html
        assert 'value="2026-03-12"' in html  # what was typed stays in the form
        pages.post("/language", data={"lang": "bn", "next": "/"}, user="pradhan.raipur")
        bengali = pages.post("/officer/delegations", data={"to": "nobody.here", "starts_on": "2026-03-10",
                                                          "ends_on": "2026-03-12"}, user="pradhan.raipur")
        assert bengali.status_code == 422
        assert "একজন সক্রিয় আধিকারিকের ইউজারনেম দিন" in bengali.get_data(as_text=True)
        pages.post("/language", data={"lang": "en", "next": "/"}, user="pradhan.raipur")
        made = pages.post("/officer/delegations", data={"to": "pradhan.garaimari", "starts_on": "2026-03-10",
                                                       "ends_on": "2026-03-12"}, user="pradhan.raipur")
        assert made.status_code == 302
        listed = api.get(DELEGATIONS, user="pradhan.garaimari").get_json()["items"]
        assert [(d["from"], d["to"], d["starts_on"], d["ends_on"], d["withdrawn_at"]) for d in listed] == [
            ("pradhan.raipur", "pradhan.garaimari", "2026-03-10", "2026-03-12", None)]
        page = pages.get("/officer/delegations", user="pradhan.garaimari").get_data(as_text=True)
        assert f'data-delegation="{listed[0]["id"]}"' in page and "Not in force today" in page
        withdrawn = pages.post(f"/officer/delegations/{listed[0]['id']}/withdraw", data={}, user="pradhan.raipur")
        assert withdrawn.status_code == 302
        assert api.get(DELEGATIONS, user="pradhan.raipur").get_json()["items"][0]["withdrawn_at"] is not None
        other = pages.post(f"/officer/delegations/{listed[0]['id']}/withdraw", data={}, user="bdo.jalangi")
        assert other.status_code == 404
