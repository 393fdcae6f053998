"""Hostile model uploads: nothing an upload contains runs as code, holds a worker, or is stored.

The analyst issue's evidence: an ``adHocSubProcess`` completion condition (and loop and correlation
expressions) reached SpiffWorkflow's plain ``eval``; ``9**(9**7*3)`` held the server for 13 s.
"""
import threading
import time

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessVersion

from .studio_helpers import BPMN, KEY, line_of

#: What each payload would do if it ran: leave a file behind.
MARKER = "/tmp/pravah-hostile-upload-ran"
SHELL = f"__import__('os').system('touch {MARKER}')"

ADHOC = BPMN.replace("</bpmn:process>", f"""
    <bpmn:adHocSubProcess id="adhoc_review" name="Ad hoc review">
      <bpmn:task id="adhoc_note" name="Note" />
      <bpmn:completionCondition xsi:type="bpmn:tFormalExpression"
          xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{SHELL}</bpmn:completionCondition>
    </bpmn:adHocSubProcess>
  </bpmn:process>""", 1)
LOOP = BPMN.replace(
    '<bpmn:userTask id="verify_documents" name="Verification of documents" camunda:formKey="edistrict_verification">',
    '<bpmn:userTask id="verify_documents" name="Verification of documents" camunda:formKey="edistrict_verification">'
    f'<bpmn:standardLoopCharacteristics id="verify_loop"><bpmn:loopCondition xsi:type="bpmn:tFormalExpression" '
    f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">{SHELL}</bpmn:loopCondition>'
    '</bpmn:standardLoopCharacteristics>', 1)
CORRELATION = BPMN.replace('<bpmn:process id=', f"""<bpmn:message id="msg_report" name="report" />
  <bpmn:correlationProperty id="cp_ain" name="ain">
    <bpmn:correlationPropertyRetrievalExpression messageRef="msg_report">
      <bpmn:messagePath>{SHELL}</bpmn:messagePath>
    </bpmn:correlationPropertyRetrievalExpression>
  </bpmn:correlationProperty>
  <bpmn:process id=""", 1)
HUGE_POWER = BPMN.replace('action == "approve"', 'action == "approve" and 9**9**9 > 0', 1)
HUGE_STRING = BPMN.replace('action == "approve"', 'action == "approve" and len("a"*10**10) > 0', 1)

CASES = {
    "adHocSubProcess completion condition": (ADHOC, "adhoc_review", "adHocSubProcess"),
    "loop condition": (LOOP, "verify_loop", "standardLoopCharacteristics"),
    "message correlation": (CORRELATION, "cp_ain", "correlationProperty"),
    "9**9**9": (HUGE_POWER, "flow_approved", "power"),
    '"a"*10**10': (HUGE_STRING, "flow_approved", "repetition"),
}


def _versions(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ProcessVersion))


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_refused_with_file_element_and_line_nothing_stored_nothing_run(app, upload, case, tmp_path):
    import os
    if os.path.exists(MARKER):
        os.unlink(MARKER)
    bpmn, element, words = CASES[case]
    before = _versions(app)
    started = time.perf_counter()
    r = upload.post(bpmn=bpmn)
    assert time.perf_counter() - started < 5
    assert r.status_code == 422, r.get_json()
    problems = r.get_json()["error"]["problems"]
    hits = [p for p in problems if p["element_id"] == element]
    assert hits, problems
    assert hits[0]["file"] == f"{KEY}.bpmn" and words in hits[0]["message"]
    assert hits[0]["line"] in (line_of(bpmn, f'id="{element}"'), line_of(bpmn, f'id="{element}"') + 1)
    assert _versions(app) == before
    assert not os.path.exists(MARKER)


def test_a_slow_check_is_cut_off_and_public_requests_go_on(app, upload, monkeypatch):
    """The checks run in a child process with a wall-clock limit; the worker stays responsive."""
    from app.processes import deploy

    def spin(*args):
        while True:
            pass
    monkeypatch.setattr(deploy, "_checks", spin)
    app.config["MODEL_CHECK_SECONDS"] = 2
    before = _versions(app)
    answer = {}

    def post():
        answer["response"] = upload.post()
    worker = threading.Thread(target=post)
    worker.start()
    time.sleep(0.3)
    public = app.test_client()
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        r = public.get("/static/css/app.css")  # no database: the in-memory test database has one connection
        timings.append(time.perf_counter() - started)
        assert r.status_code == 200
    worker.join(10)
    assert max(timings) < 1.0, timings
    r = answer["response"]
    assert r.status_code == 422
    [problem] = r.get_json()["error"]["problems"]
    assert "longer than 2 s" in problem["message"]
    assert _versions(app) == before
