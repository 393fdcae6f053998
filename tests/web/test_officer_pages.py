"""The inbox and task pages: order, filters, SLA colours, claim/release, actions, FIFO override."""
import re

from tests.helpers import submit_residential, task_for

from .conftest import text


def test_inbox_lists_oldest_first_and_filters(pages, api):
    first, second = submit_residential(api, name="First Applicant"), submit_residential(api, name="Second One")
    html = text(pages.get("/officer/inbox", user="bdo.domkal"))
    assert html.index(first) < html.index(second)
    assert "sla-on_time" in html or "sla-due_soon" in html
    filtered = text(pages.get("/officer/inbox?step=field_enquiry", user="bdo.domkal"))
    assert first not in filtered
    assert first in text(pages.get("/officer/inbox?step=verify_documents&service=residential_edistrict",
                                   user="bdo.domkal"))
    assert first not in text(pages.get("/officer/inbox?overdue=1", user="bdo.domkal"))
    assert first not in text(pages.get("/officer/inbox", user="bdo.jalangi"))


def test_task_page_shows_form_actions_and_diagram(pages, api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    html = text(pages.get(f"/officer/tasks/{item['id']}", user="bdo.domkal"))
    for action in ("forward_enquiry", "verify", "send_back", "reject"):
        assert f'name="action" value="{action}"' in html
    assert 'data-current="verify_documents"' in html
    assert '<option value="eo.domkal"' in html  # the x-officer-role field offers the block's EOs
    diagram = pages.get(f"/officer/tasks/{item['id']}/diagram.bpmn", user="bdo.domkal")
    assert diagram.status_code == 200 and b'id="verify_documents"' in diagram.data
    assert pages.get(f"/officer/tasks/{item['id']}", user="bdo.jalangi").status_code == 403


def test_action_without_required_reason_shows_the_field_error(pages, api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "reject"}, user="bdo.domkal")
    assert r.status_code == 422 and 'id="reason-error">is required for this action' in text(r)
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "reject", "reason": "Not in this block."},
                   user="bdo.domkal")
    assert r.status_code == 302
    assert api.get(f"/api/v1/track/{ain}").get_json()["status"] == "REJECTED"


def test_fifo_refusal_asks_for_a_reason_then_accepts_it(pages, api):
    older, newer = submit_residential(api), submit_residential(api)
    item = task_for(api, "bdo.domkal", newer)
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "verify"}, user="bdo.domkal")
    html = text(r)
    assert r.status_code == 409 and older in html and 'name="fifo_override_reason"' in html
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "verify",
                                                         "fifo_override_reason": "Court order to expedite."},
                   user="bdo.domkal")
    assert r.status_code == 302
    history = api.get(f"/api/v1/applications/{newer}/history", user="bdo.domkal").get_json()["items"]
    assert history[-1]["action"] == "verify"


def test_claim_hides_the_task_from_colleagues_and_release_returns_it(pages, api, app):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    r = pages.post(f"/officer/tasks/{item['id']}/claim", user="bdo.domkal")
    assert r.status_code == 302
    html = text(pages.get("/officer/inbox", user="bdo.domkal"))
    assert re.search(rf'data-ain="{ain}".*?>me<', html, re.S)
    assert pages.post(f"/officer/tasks/{item['id']}/release", user="bdo.domkal").status_code == 302
    assert pages.post(f"/officer/tasks/{item['id']}/release", user="bdo.domkal").status_code == 409


def test_inbox_filter_menus_offer_the_services_and_steps_of_open_tasks(pages, api, app):
    """The menus come from the queue's open items (ix_work_item_open_menu), each service and step once."""
    from tests.services.samples import submit
    submit_residential(api), submit_residential(api, name="Second One")
    submit(api, "income", user="operator.csc-domkal")
    html = text(pages.get("/officer/inbox", user="bdo.domkal"))
    services = re.findall(r'<option value="([a-z_]+)"\s*>', html.split('id="f-service"')[1].split("</select>")[0])
    steps = re.findall(r'<option value="([a-z_]+)"\s*>', html.split('id="f-step"')[1].split("</select>")[0])
    with app.app_context():
        from sqlalchemy import select
        from app.extensions import db
        from app.models import Application, Service, WorkItem
        expected = db.session.execute(select(Service.key, WorkItem.task_key).join(
            Application, Application.id == WorkItem.application_id).join(Service).where(
            WorkItem.closed_at.is_(None), WorkItem.role == "BDO")).all()
    assert sorted(services) == sorted({s for s, _ in expected}) and "residential_edistrict" in services
    assert sorted(steps) == sorted({t for _, t in expected}) and steps.count("verify_documents") == 1
    # nothing open in the queue: empty menus
    assert re.findall(r'<option value="[a-z_]+"', text(pages.get("/officer/inbox", user="bdo.jalangi"))
                      .split('id="f-service"')[1].split("</select>")[0]) == []
