"""Issue 16's officer and analyst pages in Chromium: a BDO approves several applications at once and
watches each one done (one, decided meanwhile by someone else, reported and skipped); an analyst
dry-runs and moves a running application to a new version from the studio, and it goes on to a
certificate; the officer reads an application's audit trail, with old and new values, in English and
in Bengali (no English left on the Bengali page)."""
import io
import zipfile

import pytest

from .conftest import set_language, shot
from .test_journey import bengali_only
from .test_studio import SERVICE, Api

pytestmark = [pytest.mark.e2e, pytest.mark.sqlite_only]
BDO = "bdo.domkal"
ANALYST = "analyst.state"
REMARK = "সাপ্তাহিক শিবিরে কাগজ দেখা হয়েছে"
#: Typed text in Bengali too: the Bengali audit page shows it as it was written.
OUT_OF_TURN = "শিবিরের দিন একসঙ্গে দেখা হয়েছে"
#: Records what the progress table and line show while the batch runs (each row's states, each count).
WATCH = """() => {
  window.seen = {rows: [], lines: []};
  new MutationObserver((changes) => changes.forEach((c) => {
    if (c.target.tagName === 'TR') { window.seen.rows.push(c.target.className); }
    if (c.target.id === 'progress-text') { window.seen.lines.push(c.target.textContent); }
  })).observe(document.body, {subtree: true, attributes: true, attributeFilter: ['class'], childList: true});
}"""


@pytest.fixture(scope="module")
def api(browser, server):
    found = Api(browser, server)
    yield found
    found.context.close()


def inbox_item(api, ain, user=BDO):
    items = api.context.request.get("/api/v1/inbox?per_page=200", headers=api.headers(user)).json()["items"]
    found = [i for i in items if i["ain"] == ain]
    return found[0] if found else None


def step_until(api, ain, stop_at: str | None = None):
    """Take the plain decision on each of the application's BDO tasks until it reaches ``stop_at``
    (or none is left): scrutiny done, documents verified, approved."""
    for _ in range(6):
        item = inbox_item(api, ain)
        if item is None or item["task"]["key"] == stop_at:
            return item
        action = next(a for a in ("approve", "verify", "done") if a in item["actions"])
        r = api.context.request.post(f"/api/v1/tasks/{item['id']}/complete", headers=api.headers(BDO),
                                     data={"action": action, "fifo_override_reason": OUT_OF_TURN})
        assert r.status == 200, r.text()
    raise AssertionError(f"{ain} did not reach {stop_at}")


def test_bdo_approves_several_at_once_and_sees_each_one(browser_as, api, server):
    ains = [api.submit(name=f"Bulk Applicant {n}") for n in "ABCD"]
    for ain in ains:
        item = step_until(api, ain, "approve_certificate")
    page = browser_as(BDO)
    page.goto(f"/officer/inbox?service={SERVICE}&step=approve_certificate")
    for ain in ains:
        page.check(f"tr[data-ain='{ain}'] input[type=checkbox]")
    page.click("#bulk-choose")
    page.wait_for_load_state()
    page.check("#bulk-action-approve")
    page.fill("#remarks", REMARK)
    page.fill("#fifo_override_reason", OUT_OF_TURN)
    page.click("#bulk-continue")
    page.wait_for_load_state()
    assert page.locator("#bulk-items tbody tr").count() == 4
    # one application is decided by someone else while the page waits
    changed = inbox_item(api, ains[1])
    r = api.context.request.post(f"/api/v1/tasks/{changed['id']}/complete", headers=api.headers(BDO),
                                 data={"action": "approve", "fifo_override_reason": OUT_OF_TURN})
    assert r.status == 200, r.text()
    page.evaluate(WATCH)
    page.click("#bulk-start")
    page.wait_for_selector("body[data-progress-finished='1']", timeout=60000)
    seen = page.evaluate("window.seen")
    assert "row-working" in seen["rows"]                            # each row shown while it runs
    assert [line for line in seen["lines"] if line.endswith("done") and " of 4 " in line][:1] == ["1 of 4 done"]
    rows = {r.get_attribute("data-ain"): (r.locator(".outcome").inner_text(), r.locator(".message").inner_text())
            for r in page.locator("#bulk-items tbody tr").all()}
    assert rows[ains[1]] == ("Not done", "Someone has already acted on this task.")
    assert [rows[a][0] for a in (ains[0], ains[2], ains[3])] == ["Done", "Done", "Done"]
    assert page.locator("#progress-text").inner_text() == "Finished: 3 done, 1 not done."
    shot(page, "bulk-approval", "en")
    for ain in ains:
        assert server.query("SELECT a.status, count(c.id) FROM application a LEFT JOIN certificate c "
                            "ON c.application_id = a.id WHERE a.ain = ? GROUP BY a.id", ain) == [("DELIVERED", 1)]
    assert len({u for (u,) in server.query(
        "SELECT c.uin FROM certificate c JOIN application a ON a.id = c.application_id WHERE a.ain IN (?, ?, ?, ?)",
        *ains)}) == 4

    # the audit trail of one of them: who, what, the status before and after
    page.goto(f"/applications/{ains[0]}")
    page.click("#audit-link")
    page.wait_for_load_state()
    assert page.locator("#chain-banner").get_attribute("data-intact") == "1"
    approve = page.locator("#audit tr[data-action='approve']")
    assert BDO in approve.inner_text() and REMARK in approve.inner_text()
    status = approve.locator(".change[data-key='status']")
    assert status.locator(".before").inner_text() == "In process"
    assert status.locator(".after").inner_text() == "Certificate issued"
    shot(page, "audit-trail", "en")
    try:
        set_language(page, "bn")
        page.goto(f"/officer/applications/{ains[0]}/audit")
        assert page.locator("h1").inner_text() == "অডিট বিবরণ"
        status = page.locator("#audit tr[data-action='approve'] .change[data-key='status']")
        assert status.locator(".after").inner_text() == "শংসাপত্র দেওয়া হয়েছে"
        bengali_only(page)
        shot(page, "audit-trail", "bn")
    finally:
        set_language(page, "en")


def _new_version(api) -> int:
    """The active version of the service with its verification step renamed, uploaded and activated."""
    models = api.context.request.get("/api/v1/process-models", headers=api.headers(ANALYST)).json()["items"]
    active = next(m for m in models if m["service"] == SERVICE)["active_version"]
    bundle = api.context.request.get(f"/api/v1/process-models/{SERVICE}/versions/{active}/bundle",
                                     headers=api.headers(ANALYST)).body()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(bundle)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name.endswith(".bpmn"):
                changed = data.replace(b'name="Verification of documents"', b'name="Scrutiny of documents"')
                assert changed != data
                data = changed
            dst.writestr(name, data)
    r = api.context.request.post(f"/api/v1/process-models/{SERVICE}/versions", headers=api.headers(ANALYST),
                                 multipart={"bundle": {"name": "b.zip", "mimeType": "application/zip",
                                                       "buffer": out.getvalue()}})
    assert r.status == 201, r.text()
    number = r.json()["version"]
    r = api.context.request.post(f"/api/v1/process-models/{SERVICE}/versions/{number}/activate",
                                 headers=api.headers(ANALYST))
    assert r.status == 200, r.text()
    return number


def test_analyst_moves_a_running_application_which_then_gets_its_certificate(browser_as, api, server):
    ain = api.submit(name="Moved Applicant")
    step_until(api, ain, "verify_documents")
    number = _new_version(api)
    page = browser_as(ANALYST)
    page.goto("/studio/")
    page.click(f"a[href='/studio/{SERVICE}/migrate']")
    page.wait_for_load_state()
    page.select_option("#version", str(number))
    page.click("#dry-run")
    page.wait_for_load_state()
    row = page.locator(f"#migration-plan tr[data-ain='{ain}']")
    assert row.locator(".movable").inner_text() == "yes"
    assert "verify_documents → verify_documents" in row.locator(".task-map").inner_text()
    assert server.query("SELECT pv.version FROM application a JOIN process_instance i ON i.id = a.process_instance_id "
                        "JOIN process_version pv ON pv.id = i.process_version_id WHERE a.ain = ?", ain) != [(number,)]
    shot(page, "migration-dry-run", "en")
    row.locator("button[data-run-one]").click()
    page.wait_for_selector("body[data-progress-finished='1']")
    assert row.locator(".outcome").inner_text() == "Moved"
    assert row.locator(".message").inner_text() == f"Now on version {number}."
    assert server.query("SELECT pv.version FROM application a JOIN process_instance i ON i.id = a.process_instance_id "
                        "JOIN process_version pv ON pv.id = i.process_version_id WHERE a.ain = ?", ain) == [(number,)]
    assert inbox_item(api, ain)["task"]["name"] == "Scrutiny of documents"
    step_until(api, ain)
    assert server.query("SELECT a.status, count(c.id) FROM application a JOIN certificate c ON c.application_id = a.id "
                        "WHERE a.ain = ? GROUP BY a.id", ain) == [("DELIVERED", 1)]
    assert server.query("SELECT count(*) FROM audit_event WHERE object_key = ? AND action = 'migrated' AND actor = ?",
                        ain, ANALYST) == [(1,)]


def test_the_bulk_pages_in_bengali(browser_as, api, sessions):
    ains = [api.submit(name=f"Bengali Bulk {n}") for n in "AB"]
    for ain in ains:
        step_until(api, ain, "approve_certificate")
    page = browser_as(BDO)
    try:
        set_language(page, "bn")
        page.goto(f"/officer/inbox?service={SERVICE}&step=approve_certificate")
        for ain in ains:
            page.check(f"tr[data-ain='{ain}'] input[type=checkbox]")
        page.click("#bulk-choose")
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == "একসঙ্গে কয়েকটি কাজ"
        bengali_only(page)
        page.check("#bulk-action-reject")
        sessions.guard.expect_status(422)
        page.click("#bulk-continue")                     # no reason: refused before any task is touched
        page.wait_for_load_state()
        assert "কারণ লিখুন।" in page.locator("#error-summary").inner_text()
        bengali_only(page)
        page.fill("#reason", "ঠিকানার প্রমাণ মেলেনি")
        page.fill("#fifo_override_reason", OUT_OF_TURN)
        page.click("#bulk-continue")
        page.wait_for_load_state()
        bengali_only(page)
        page.click("#bulk-start")
        page.wait_for_selector("body[data-progress-finished='1']", timeout=60000)
        assert page.locator("#progress-text").inner_text() == "শেষ: ২টি হয়েছে, ০টি হয়নি।"
        bengali_only(page)
        shot(page, "bulk-approval", "bn")
    finally:
        set_language(page, "en")
