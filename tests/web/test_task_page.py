"""The task page (issue 14, defects 3 and 7): evidence first, the EO's report (text, recommendation,
file) on the approval task, the application page, the history and the API; one decision with its
conditional reason box; an error summary linking to the field; approve asks to confirm before
signing; the diagram labelled in Bengali."""
import io
import re

from tests.helpers import PDF, act, submit_residential, task_for

from .conftest import text

REPORT = "Visited the house; the applicant has lived here since 1995."


def enquire(pages, api, *, with_file=True):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    item = task_for(api, "eo.domkal", ain)
    html = text(pages.get(f"/officer/tasks/{item['id']}", user="eo.domkal"))
    assert 'name="attachment"' in html and 'enctype="multipart/form-data"' in html
    form = {"action": "submit_report", "data.report": REPORT, "data.recommendation": "recommend"}
    if with_file:
        form["attachment"] = (io.BytesIO(PDF), "report.pdf")
    r = pages.post(f"/officer/tasks/{item['id']}", data=form, user="eo.domkal", content_type="multipart/form-data")
    assert r.status_code == 302, text(r)[-2000:]
    return ain


def test_the_eo_report_is_on_the_approval_task_the_application_page_history_and_api(pages, api):
    ain = enquire(pages, api)
    item = task_for(api, "bdo.domkal", ain)
    html = text(pages.get(f"/officer/tasks/{item['id']}", user="bdo.domkal"))
    assert 'id="eo-report"' in html and REPORT in html and "Recommended" in html
    assert 'id="eo-report-file"' in html
    assert html.index('id="eo-report"') < html.index('id="decision"')
    page = text(pages.get(f"/applications/{ain}", user="operator.csc-domkal"))
    assert REPORT in page and 'id="eo-report-file"' in page
    assert "Enquiry report submitted" in page and f"Recommended: {REPORT}" in page
    body = api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()
    report = body["eo_report"]
    assert report["report"] == REPORT and report["recommendation"] == "recommend" and report["by"] == "eo.domkal"
    assert report["document"]["type"] == "enquiry_report" and report["document"]["mime"] == "application/pdf"
    history = api.get(f"/api/v1/applications/{ain}/history", user="operator.csc-domkal").get_json()["items"]
    row = next(h for h in history if h["action"] == "submit_report")
    assert row["report"] == REPORT and row["recommendation"] == "recommend"


def test_a_refused_report_file_keeps_neither_file_nor_decision(pages, api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "forward_enquiry", data={"enquiry_officer": "eo.domkal"})
    item = task_for(api, "eo.domkal", ain)
    r = pages.post(f"/officer/tasks/{item['id']}", user="eo.domkal", content_type="multipart/form-data",
                   data={"action": "submit_report", "data.report": REPORT, "data.recommendation": "recommend",
                         "attachment": (io.BytesIO(b"not a pdf at all"), "report.txt")})
    assert r.status_code == 422 and 'id="attachment-error"' in text(r) and REPORT in text(r)
    assert api.get(f"/api/v1/applications/{ain}", user="operator.csc-domkal").get_json()["eo_report"] is None


def test_evidence_comes_first_then_one_decision_with_its_conditional_box(pages, api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    html = text(pages.get(f"/officer/tasks/{item['id']}", user="bdo.domkal"))
    assert html.index('id="applicant-summary"') < html.index('id="documents"') < html.index('id="decision"')
    assert html.count('name="reason"') == 1 and html.count('name="remarks"') == 1
    reject = re.search(r'id="conditional-reject".*?</div>', html, re.S).group(0)
    assert 'name="reason"' in reject
    assert 'name="remarks"' in re.search(r'id="conditional-send_back".*?</div>', html, re.S).group(0)
    assert 'class="doc-pdf"' in html  # PDF documents can be previewed on the page
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "reject"}, user="bdo.domkal")
    page = text(r)
    assert r.status_code == 422 and 'id="error-summary"' in page and 'href="#reason"' in page
    assert 'id="action-reject" name="action" value="reject" checked' in page


def test_approve_asks_for_confirmation_before_signing(pages, api):
    ain = submit_residential(api)
    act(api, "bdo.domkal", ain, "verify")
    item = task_for(api, "bdo.domkal", ain)
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "approve"}, user="bdo.domkal")
    assert r.status_code == 200 and 'id="confirm-sign"' in text(r)
    assert api.get(f"/api/v1/track/{ain}").get_json()["status"] == "IN_PROCESS"
    r = pages.post(f"/officer/tasks/{item['id']}", data={"action": "approve", "confirmed": "1"}, user="bdo.domkal")
    assert r.status_code == 302
    assert api.get(f"/api/v1/track/{ain}").get_json()["status"] == "DELIVERED"


def test_the_diagram_is_labelled_in_bengali_on_bengali_pages(pages, api):
    ain = submit_residential(api)
    item = task_for(api, "bdo.domkal", ain)
    client = pages.as_("bdo.domkal")
    client.post("/language", data={"lang": "bn"})
    xml = client.get(f"/officer/tasks/{item['id']}/diagram.bpmn").data.decode()
    step = re.search(r'<bpmn:userTask id="verify_documents" name="([^"]+)"', xml).group(1)
    assert re.search("[\u0980-\u09FF]", step), step
