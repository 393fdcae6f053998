"""The studio's page for moving running applications: dry run per application, move one (the page's
script, JSON) or every movable one (the plain form), each audited like the API's move."""
import html
import re

from tests.helpers import act, submit_residential, task_for
from tests.processes.test_migration import _deploy, _renamed, _verification_to_eo
from tests.web.conftest import Pages, text

KEY = "residential_edistrict"
ANALYST = "analyst.state"


def _plan_rows(html: str) -> dict[str, tuple[str, str, str]]:
    """AIN → (can move, task map text, reasons) of the dry-run table."""
    rows = re.findall(r'<tr data-ain="([^"]+)" data-item="[^"]+" data-movable="\d".*?<td class="movable">([^<]*)</td>\s*'
                      r'<td class="task-map">(.*?)</td>\s*<td class="reasons">([^<]*)</td>', html, re.S)
    return {ain: (movable, re.sub(r"<[^>]+>", "", task_map.replace("<br>", "|")), reasons) for ain, movable, task_map, reasons in rows}


def test_dry_run_then_move_one_then_all(api, app):
    pages = Pages(app)
    first, second = submit_residential(api), submit_residential(api)
    v2 = _deploy(app, _renamed)
    index = text(pages.get("/studio/", user=ANALYST))
    assert f'href="/studio/{KEY}/migrate"' in index

    page = text(pages.get(f"/studio/{KEY}/migrate?version={v2}", user=ANALYST))
    rows = _plan_rows(page)
    # the waiting task and its SLA timers keep their ids
    assert rows[first] == ("yes", "verify_documents → verify_documents|verify_documents_sla_l1 → "
                           "verify_documents_sla_l1|verify_documents_sla_l2 → verify_documents_sla_l2", "")
    assert rows[second][0] == "yes"
    assert f"Move all {len(rows)} that can move" in page
    assert task_for(api, "bdo.domkal", first)["task"]["name"] == "Verification of documents"   # a dry run

    r = pages.post(f"/studio/{KEY}/migrate/{first}", data={"version": str(v2)}, user=ANALYST,
                   headers={"Accept": "application/json"})
    assert r.status_code == 200
    assert r.get_json() == {"ok": True, "ain": first, "outcome": "Moved", "message": f"Now on version {v2}."}
    assert task_for(api, "bdo.domkal", first)["task"]["name"] == "Scrutiny of documents"
    audit = api.get(f"/api/v1/applications/{first}/audit", user="bdo.domkal").get_json()
    [moved] = [e for e in audit["items"] if e["action"] == "migrated"]
    assert moved["actor"] == ANALYST and moved["before"] == {"version": 1} and moved["after"] == {"version": v2}

    r = pages.post(f"/studio/{KEY}/migrate/{first}", data={"version": str(v2)}, user=ANALYST,
                   headers={"Accept": "application/json"})
    assert r.get_json() == {"ok": False, "ain": first, "outcome": "Not moved",
                            "message": f"the application already runs on version {v2}"}

    r = pages.post(f"/studio/{KEY}/migrate", data={"version": str(v2)}, user=ANALYST)
    assert r.status_code == 200
    results = re.findall(r'<tr data-ain="([^"]+)" class="row-(\w+)"><td>[^<]*</td><td class="outcome">([^<]*)</td>',
                         text(r))
    assert (second, "done", "Moved") in results and all(kind == "done" for _a, kind, _o in results)
    assert second not in _plan_rows(text(r))
    for ain in (first, second):                                   # both continue to a certificate
        act(api, "bdo.domkal", ain, "verify")
        assert act(api, "bdo.domkal", ain, "approve")["status"] == "DELIVERED"


def test_an_unsafe_move_is_shown_with_its_reason_and_refused(api, app):
    pages = Pages(app)
    ain = submit_residential(api)
    v_next = _deploy(app, _verification_to_eo)
    rows = _plan_rows(text(pages.get(f"/studio/{KEY}/migrate?version={v_next}", user=ANALYST)))
    assert rows[ain][0] == "no"
    assert "would move from the BDO inbox to the EO inbox" in rows[ain][2]
    r = pages.post(f"/studio/{KEY}/migrate/{ain}", data={"version": str(v_next)}, user=ANALYST)
    assert r.status_code == 302                                    # the plain form: a message, the page again
    assert "Not moved" in text(pages.get(r.headers["Location"], user=ANALYST))
    assert task_for(api, "bdo.domkal", ain)["task"]["key"] == "verify_documents"


def test_who_may_open_it(api, app):
    pages = Pages(app)
    assert pages.get(f"/studio/{KEY}/migrate", user="admin.state").status_code == 200
    assert pages.get(f"/studio/{KEY}/migrate", user="bdo.domkal").status_code == 403
    assert pages.get(f"/studio/{KEY}/migrate/X", user="bdo.domkal").status_code == 405
    assert pages.post(f"/studio/{KEY}/migrate", data={"version": "1"}, user="bdo.domkal").status_code == 403
    assert pages.get("/studio/nope/migrate", user=ANALYST).status_code == 404


def test_reasons_are_said_in_the_readers_language(api, app):
    """The page says why not in Bengali for a Bengali reader; the API keeps the English text."""
    pages = Pages(app)
    ain = submit_residential(api)
    v_next = _deploy(app, _verification_to_eo)
    pages.post("/language", data={"lang": "bn"}, user=ANALYST)
    rows = _plan_rows(text(pages.get(f"/studio/{KEY}/migrate?version={v_next}", user=ANALYST)))
    assert html.unescape(rows[ain][2]) == ("অপেক্ষমাণ কাজ 'Verification of documents' (verify_documents) BDO-এর ইনবক্স থেকে "
                            "EO-এর ইনবক্সে চলে যাবে")
    r = pages.post(f"/studio/{KEY}/migrate/{ain}", data={"version": str(v_next)}, user=ANALYST,
                   headers={"Accept": "application/json"})
    assert r.get_json()["message"] == html.unescape(rows[ain][2])
    plan = api.post(f"/api/v1/applications/{ain}/migrate", json={"version": v_next}, user=ANALYST).get_json()
    assert plan["reasons"] == ["the waiting task 'Verification of documents' (verify_documents) would move "
                               "from the BDO inbox to the EO inbox"]
