"""Every role × every route × an object of each kind → the expected status (issue 13).

The expectations come from the tables below, written from the rules as the issue and DESIGN.md §8 state
them (who owns what, whose jurisdiction covers what) — never from ``app.policy``. One world is built
once; each request's body is chosen so an allowed caller passes the access check and then stops at
validation or a state conflict (nothing is decided, approved or revoked), so requests do not change who
may see what.

Outcomes: ``ALLOW`` (the access check passed: any status but 401/403/404 and below 500, a page not
sent to the login), ``LOGIN`` (a page sends an anonymous visitor to log in), or an exact status.
Every allowed or object-refused request to a protected route must have asked the policy.
"""
from sqlalchemy import select

from app import policy
from app.accounts.actor import Actor
from app.extensions import db

from .matrix_world import ALLOW, LOGIN, OWNER, SPARE_LOGIN_OF, api_call, build_world, outcome, page_clients, path, user_named


#: actor → the role their posting gives (None: an officer whose only posting ended yesterday).
ACTORS = {
    "anonymous": "ANONYMOUS", "citizen.a": "CITIZEN", "citizen.b": "CITIZEN",
    "operator.csc-domkal": "OPERATOR", "operator.raipur": "OPERATOR",
    "pradhan.raipur": "PRADHAN", "pradhan.garaimari": "PRADHAN",
    "bdo.domkal": "BDO", "bdo.jalangi": "BDO", "eo.domkal": "EO", "eo.jalangi": "EO",
    "sdo.domkal": "SDO", "sdo.barasat": "SDO", "dm.murshidabad": "DM", "dm.north24parganas": "DM",
    "bdo.transferred": None, "analyst.state": "ANALYST", "admin.state": "ADMIN", "key.bsk": "APIKEY",
}
#: Officers whose area covers Raipur GP (Domkal block, Domkal subdivision, Murshidabad district).
RAIPUR_OFFICERS = {"pradhan.raipur", "bdo.domkal", "eo.domkal", "sdo.domkal", "dm.murshidabad"}

#: The objects (filed by ``OWNER``): who may see them, who works their open task.
VIEWERS = {kind: RAIPUR_OFFICERS | {owner} for kind, owner in OWNER.items()}
QUEUE = {"gp": "pradhan.raipur", "csc": "bdo.domkal"}          # also the head of the task's office
#: MIS counting area (counts, no personal data): Raipur GP is also its operator's area; CSC operators
#: count what their centre entered; state postings count everything.
MIS_AREA = {kind: RAIPUR_OFFICERS | {"operator.raipur", "analyst.state", "admin.state"} for kind in OWNER}
MIS_AREA["csc"] = MIS_AREA["csc"] | {"operator.csc-domkal"}

OFFICER_ROLES = {"PRADHAN", "BDO", "EO", "SDO", "DM"}
ROLE_SETS = {
    "officers": OFFICER_ROLES, "submitters": {"OPERATOR", "CITIZEN"}, "submitters+key": {"OPERATOR", "CITIZEN", "APIKEY"},
    "admin": {"ADMIN"}, "analyst": {"ANALYST"}, "models": {"ANALYST", "ADMIN"}, "dm": {"DM"},
    "complaints": {"DM", "SDO"}, "mis": {"OPERATOR", *OFFICER_ROLES, "ADMIN", "ANALYST"},
    "mis+key": {"OPERATOR", *OFFICER_ROLES, "ADMIN", "ANALYST", "APIKEY"}, "auditors": {*OFFICER_ROLES, "ADMIN"},
    "partners": {"APIKEY"}, "staff": {"OPERATOR", *OFFICER_ROLES, "ANALYST", "ADMIN"},
    "mis_pages": {"OPERATOR", "PRADHAN", "BDO", "SDO", "DM"}, "heatmap": {"ANALYST", "BDO", "SDO", "DM"},
    "any": {"CITIZEN", "OPERATOR", *OFFICER_ROLES, "ANALYST", "ADMIN", "APIKEY", None},
}


def _view(actor, kind):
    return ALLOW if actor in VIEWERS[kind] else 404


def _applicant(actor, kind, refused=403):
    """The applicant side only: 404 to who may not see the application, ``refused`` to its officers."""
    if actor == OWNER[kind]:
        return ALLOW
    return refused if actor in VIEWERS[kind] else 404


def _add_document(actor, kind):
    if actor == OWNER[kind] or actor == QUEUE.get(kind):
        return ALLOW
    return 403 if actor in VIEWERS[kind] else 404


def _queue(actor, kind):
    return ALLOW if actor == QUEUE[kind] else 403


#: Who may delegate EO Domkal's queue (the EO, and the BDO who heads the office), and who manages the
#: delegation EO Domkal gave EO Jalangi (both of them and the head of the office).
DELEGATE_EO = {"eo.domkal", "bdo.domkal"}
MANAGE_EO_DELEGATION = {"eo.domkal", "eo.jalangi", "bdo.domkal"}
#: Who answers a complaint from Raipur GP: the DM of its district and the SDO of its subdivision.
COMPLAINT_ANSWERERS = {"dm.murshidabad", "sdo.domkal"}


OBJECT_RULES = {
    "view": _view, "applicant": _applicant, "owner_or_404": lambda a, k: _applicant(a, k, refused=404),
    "add_document": _add_document, "queue": _queue, "escalated": lambda a, k: 403,
    "revoke": lambda a, k: ALLOW if a == "dm.murshidabad" else 403,
    "mis_area": lambda a, k: ALLOW if a in MIS_AREA[k] else 403,
    # the audit trail: officers whose area covers the application, and the state administrator
    "audit": lambda a, k: ALLOW if a in RAIPUR_OFFICERS or a == "admin.state" else 404,
    "delegate": lambda a, k: ALLOW if k == "own" or a in DELEGATE_EO else 403,
    "delegation": lambda a, k: ALLOW if a in MANAGE_EO_DELEGATION else 404,
    "webhook": lambda a, k: ALLOW if k == "mine" else 404,
    "complaint": lambda a, k: ALLOW if a in COMPLAINT_ANSWERERS else 404,
    "own_login": lambda a, k: ALLOW if a == SPARE_LOGIN_OF else 404,
    None: lambda a, k: ALLOW,
}

APPS = ("gp", "csc", "key")
TASKS = ("gp", "csc")
COMPLAINT = {"text": "The certificate was refused without any reason."}
ANSWER = {"answer": "We looked again: the certificate is issued today."}
#: A delegation body that passes the access check and stops at a field error (ends before it starts).
DELEGATE = {"own": {"to": "eo.jalangi", "starts_on": "2026-01-02", "ends_on": "2026-01-01"},
            "eo": {"from": "eo.domkal", "to": "eo.jalangi", "starts_on": "2026-01-02", "ends_on": "2026-01-01"}}
WRONG_PASSWORD = {"current_password": "not-the-password", "new_password": "short"}


def _bulk(world, kind):
    return {"ids": [world["item"][kind]], "action": "no_such"}


#: What a route answers for its one item when the answer is a list of per-item outcomes.
UNWRAP = {"api.bulk_complete": lambda body: body["results"][0]["status_code"]}

#: endpoint → (method, path, roles, object rule, objects, body). Path placeholders: {ain}, {item},
#: {uin}, {doc}, {notification}, {delegation}, {webhook}, {payment}, {complaint}, {login}. A body may
#: be a function of the world and the object kind. ``DELETE_FRESH`` ends a login made for the request.
API = {
    "api.admin_notifications": ("GET", "/api/v1/admin/notifications", "admin", None, (None,), None),
    "api.admin_notification_retry": ("POST", "/api/v1/admin/notifications/{notification}/retry", "admin", None,
                                     (None,), None),
    "api.submit": ("POST", "/api/v1/applications", "submitters+key", None, (None,), {}),
    "api.detail": ("GET", "/api/v1/applications/{ain}", "any", "view", APPS, None),
    "api.acknowledgement": ("GET", "/api/v1/applications/{ain}/acknowledgement.pdf", "any", "view", ("gp",), None),
    "api.history": ("GET", "/api/v1/applications/{ain}/history", "any", "view", APPS, None),
    "api.file_complaint": ("POST", "/api/v1/applications/{ain}/complaint", "any", "applicant", APPS, COMPLAINT),
    "api.add_application_document": ("UPLOAD", "/api/v1/applications/{ain}/documents", "any", "add_document",
                                     TASKS, None),
    "api.download_application_document": ("GET", "/api/v1/applications/{ain}/documents/{doc}", "any", "view",
                                          APPS, None),
    "api.give_feedback": ("POST", "/api/v1/applications/{ain}/feedback", "any", "applicant", APPS, {"rating": 4}),
    "api.recall_application": ("POST", "/api/v1/applications/{ain}/recall", "officers", "view", TASKS,
                               {"remarks": "Pulled back to check the address."}),
    "api.resubmit": ("POST", "/api/v1/applications/{ain}/resubmit", "any", "owner_or_404", APPS, {}),
    "api.certificate_pdf": ("GET", "/api/v1/certificates/{uin}.pdf", "any", "view", ("done",), None),
    "api.revoke": ("POST", "/api/v1/certificates/{uin}/revoke", "dm", "revoke", ("done",), {"reason": ""}),
    "api.list_complaints": ("GET", "/api/v1/complaints", "complaints", None, (None,), None),
    "api.upload_document": ("POST", "/api/v1/documents", "submitters+key", None, (None,), {}),
    "api.list_my_documents": ("GET", "/api/v1/documents", "any", None, (None,), None),
    "api.list_inbox": ("GET", "/api/v1/inbox?escalated=true", "officers", None, (None,), None),
    "api.process_models": ("GET", "/api/v1/process-models", "models", None, (None,), None),
    "api.upload_version": ("POST", "/api/v1/process-models/residential_gp/versions", "analyst", None, (None,), {}),
    "api.activate_version": ("POST", "/api/v1/process-models/residential_gp/versions/1/activate", "analyst", None,
                             (None,), {}),
    "api.version_diff": ("GET", "/api/v1/process-models/residential_gp/versions/1/diff?from=1", "models", None,
                         (None,), None),
    "api.application_audit": ("GET", "/api/v1/applications/{ain}/audit", "auditors", "audit", APPS, None),
    "api.application_sla": ("GET", "/api/v1/reports/applications/{ain}/sla", "mis", "mis_area", APPS, None),
    "api.report_summary": ("GET", "/api/v1/reports/summary?by=service", "mis", None, (None,), None),
    "api.create_service": ("POST", "/api/v1/services", "models", None, (None,), {}),
    "api.claim": ("POST", "/api/v1/tasks/{item}/claim", "officers", "queue", TASKS, None),
    "api.release": ("POST", "/api/v1/tasks/{item}/release", "officers", "queue", TASKS, None),
    "api.complete": ("POST", "/api/v1/tasks/{item}/complete", "officers", "queue", TASKS, {"action": "no_such"}),
    "api.reassign_task": ("POST", "/api/v1/tasks/{item}/reassign", "officers", "queue", TASKS,
                          {"username": "nobody.here"}),
    "api.add_remark": ("POST", "/api/v1/tasks/{item}/remark", "officers", "escalated", TASKS, {"remarks": "Hurry."}),
    "api.list_remarks": ("GET", "/api/v1/tasks/{item}/remarks", "officers", "queue", TASKS, None),
    "api.take_over": ("POST", "/api/v1/tasks/{item}/take-over", "officers", "escalated", TASKS, None),
    "api.bulk_complete": ("POST", "/api/v1/tasks/bulk", "officers", "queue", TASKS, _bulk),
    "api.list_applications": ("GET", "/api/v1/applications", "any", None, (None,), None),
    "api.migrate": ("POST", "/api/v1/applications/{ain}/migrate", "models", None, APPS, {"version": 0}),
    "api.payment_status": ("GET", "/api/v1/applications/{ain}/payment", "any", "view", APPS, None),
    "api.start_payment": ("POST", "/api/v1/applications/{ain}/payment", "any", "applicant", APPS, {}),
    "api.refunds_due": ("GET", "/api/v1/payments/refunds", "admin", None, (None,), None),
    "api.mark_refunded": ("POST", "/api/v1/payments/{payment}/refunded", "admin", None, ("gp",), {}),
    "api.answer_complaint": ("POST", "/api/v1/complaints/{complaint}/answer", "complaints", "complaint", APPS,
                             ANSWER),
    "api.create_delegation": ("POST", "/api/v1/delegations", "officers", "delegate", ("own", "eo"),
                              lambda w, k: DELEGATE[k]),
    "api.list_delegations": ("GET", "/api/v1/delegations", "officers", None, (None,), None),
    "api.withdraw_delegation": ("DELETE", "/api/v1/delegations/{delegation}", "officers", "delegation", ("eo",),
                                None),
    "api.register_webhook": ("POST", "/api/v1/webhooks", "partners", None, (None,), {"url": "ftp://bsk.example"}),
    "api.list_webhooks": ("GET", "/api/v1/webhooks", "partners", None, (None,), None),
    "api.remove_webhook": ("DELETE", "/api/v1/webhooks/{webhook}", "partners", "webhook", ("theirs", "mine"), None),
    "api.report_etaal": ("GET", "/api/v1/reports/etaal?date=2026-03-10", "mis+key", None, (None,), None),
    "api.update_service": ("PATCH", "/api/v1/services/residential_gp", "models", None, (None,), {"colour": "red"}),
    "api.version_bundle": ("GET", "/api/v1/process-models/residential_gp/versions/1/bundle", "models", None, (None,),
                           None),
    "api.change_password": ("POST", "/api/v1/auth/password", "any", None, (None,), WRONG_PASSWORD),
    "api.list_logins": ("GET", "/api/v1/auth/tokens", "any", None, (None,), None),
    "api.revoke_login": ("DELETE", "/api/v1/auth/tokens/{login}", "any", "own_login", ("spare",), None),
    "api.logout": ("DELETE_FRESH", "/api/v1/auth/token", "any", None, (None,), None),
}
PAGES = {
    "applicant.detail": ("GET", "/applications/{ain}", "any", "view", APPS, None),
    "applicant.acknowledgement": ("GET", "/applications/{ain}/acknowledgement.pdf", "any", "view", ("csc",), None),
    "applicant.certificate": ("GET", "/applications/{ain}/certificate.pdf", "any", "view", ("done",), None),
    "applicant.complaint": ("POST", "/applications/{ain}/complaint", "submitters", "applicant", APPS, COMPLAINT),
    "applicant.document": ("GET", "/applications/{ain}/documents/{doc}", "any", "view", APPS, None),
    "applicant.feedback": ("POST", "/applications/{ain}/feedback", "submitters", "applicant", APPS, {"rating": "4"}),
    "applicant.resubmit": ("GET", "/applications/{ain}/resubmit", "submitters", "owner_or_404", APPS, None),
    "applicant.apply": ("GET", "/apply/residential_gp", "submitters", None, (None,), None),
    "applicant.my_applications": ("GET", "/my/applications", "submitters", None, (None,), None),
    "mis.dashboard": ("GET", "/mis/", "mis_pages", None, (None,), None),
    "mis.summary_csv": ("GET", "/mis/summary.csv", "mis_pages", None, (None,), None),
    "officer.recall": ("GET", "/officer/applications/{ain}/recall", "officers", "view", TASKS, None),
    "district.certificates": ("GET", "/officer/certificates", "dm", None, (None,), None),
    "district.revoke": ("POST", "/officer/certificates/{uin}/revoke", "dm", "revoke", ("done",), {"reason": ""}),
    "district.complaints": ("GET", "/officer/complaints", "complaints", None, (None,), None),
    "officer.escalations": ("GET", "/officer/escalations", "officers", None, (None,), None),
    "supervision.bulk": ("POST", "/officer/bulk", "officers", None, (None,), {}),
    "supervision.bulk_item": ("POST", "/officer/bulk/item", "officers", None, (None,), {}),
    "supervision.audit": ("GET", "/officer/applications/{ain}/audit", "auditors", "audit", APPS, None),
    "officer.inbox": ("GET", "/officer/inbox", "officers", None, (None,), None),
    "delegations.page": ("GET", "/officer/delegations", "officers", None, (None,), None),
    "delegations.create": ("POST", "/officer/delegations", "officers", "delegate", ("own", "eo"),
                           lambda w, k: DELEGATE[k]),
    "delegations.withdraw": ("POST", "/officer/delegations/{delegation}/withdraw", "officers", "delegation", ("eo",),
                             {}),
    "officer.task": ("GET", "/officer/tasks/{item}", "officers", "queue", TASKS, None),
    "officer.complete": ("POST", "/officer/tasks/{item}", "officers", "queue", TASKS, {"action": "no_such"}),
    "officer.claim": ("POST", "/officer/tasks/{item}/claim", "officers", "queue", TASKS, {}),
    "officer.diagram": ("GET", "/officer/tasks/{item}/diagram.bpmn", "officers", "queue", TASKS, None),
    "officer.reassign": ("POST", "/officer/tasks/{item}/reassign", "officers", "queue", TASKS, {"username": "x"}),
    "officer.release": ("POST", "/officer/tasks/{item}/release", "officers", "queue", TASKS, {}),
    "officer.remark": ("POST", "/officer/tasks/{item}/remark", "officers", "escalated", TASKS, {"remarks": "Hurry."}),
    "officer.take_over": ("POST", "/officer/tasks/{item}/take-over", "officers", "escalated", TASKS, {}),
    "studio.index": ("GET", "/studio/", "analyst", None, (None,), None),
    "studio.modeller": ("GET", "/studio/residential_gp", "analyst", None, (None,), None),
    "studio.save": ("POST", "/studio/residential_gp/drafts", "analyst", None, (None,), {}),
    "studio.export": ("GET", "/studio/residential_gp/export.zip", "analyst", None, (None,), None),
    "studio.preview_form": ("POST", "/studio/residential_gp/form-preview", "analyst", None, (None,), {}),
    "studio.heatmap_page": ("GET", "/studio/residential_gp/heatmap", "heatmap", None, (None,), None),
    "studio.heatmap_json": ("GET", "/studio/residential_gp/heatmap.json", "heatmap", None, (None,), None),
    "studio.validate": ("POST", "/studio/residential_gp/validate", "analyst", None, (None,), {}),
    "studio.activate": ("POST", "/studio/residential_gp/versions/1/activate", "analyst", None, (None,), {}),
    "studio.diff": ("GET", "/studio/residential_gp/versions/1/diff?from=1", "analyst", None, (None,), None),
    # moving running applications: each request below moves nothing (there is only version 1)
    "migration.page": ("GET", "/studio/residential_gp/migrate?version=1", "models", None, (None,), None),
    "migration.move_one": ("POST", "/studio/residential_gp/migrate/{ain}", "models", None, ("gp",), {"version": "1"}),
    "migration.move_all": ("POST", "/studio/residential_gp/migrate", "models", None, (None,), {"version": "1"}),
    "studio.certificate_preview_version": ("GET", "/studio/residential_gp/certificate-preview?version=1", "analyst",
                                           None, (None,), None),
    "studio.certificate_preview_files": ("POST", "/studio/residential_gp/certificate-preview", "analyst", None,
                                         (None,), {}),
    "auth.password": ("GET", "/account/password", "staff", None, (None,), None),
    "auth.change_password": ("POST", "/account/password", "staff", None, (None,),
                             {**WRONG_PASSWORD, "new_password_again": "short"}),
    "district.answer_complaint": ("POST", "/officer/complaints/{complaint}/answer", "complaints", "complaint", APPS,
                                  ANSWER),
}
#: Routes anyone may call: the same answer logged in or not (checked: never 401/403, never a 5xx).
PUBLIC = {
    "public.home": ("GET", "/"), "public.track": ("GET", "/track?ain={ain}"), "public.verify_form": ("GET", "/verify"),
    "public.verify_upload": ("POST", "/verify"), "public.verify": ("GET", "/verify/{uin}"),
    "auth.login": ("GET", "/login"), "auth.otp_login": ("GET", "/login/otp"), "auth.language": ("POST", "/language"),
    "api.token": ("POST", "/api/v1/auth/token"), "api.otp_request": ("POST", "/api/v1/auth/otp"),
    "api.otp_verify": ("POST", "/api/v1/auth/otp/verify"), "api.track": ("GET", "/api/v1/track/{ain}"),
    "api.certificate": ("GET", "/api/v1/certificates/{uin}"), "api.verify_upload": ("POST", "/api/v1/certificates/verify"),
    "api.trust_root": ("GET", "/api/v1/signing/trust-root.pem"), "api.services": ("GET", "/api/v1/services"),
    "api.service_form": ("GET", "/api/v1/services/residential_gp/form"),
    "api.task_form": ("GET", "/api/v1/services/residential_gp/forms/residential_gp"),
    "api.locations": ("GET", "/api/v1/locations"),
}
#: Routes the matrix leaves to their own tests, with the reason.
ELSEWHERE = {"auth.logout": "ends the session the other rows use (tests/accounts/test_sessions.py)", "static": "files"}
#: Public, but answering 401 without a valid signature (tests/payments, tests/digilocker) or with
#: nothing to add in the matrix (tests/observability, tests/certificates).
ELSEWHERE.update({endpoint: "public by design (tests/policy/test_every_operation_asks.py PUBLIC_ROUTES)"
                  for endpoint in ("api.payment_callback", "api.status_list", "public.qr_keys", "digilocker.pull_doc", "digilocker.pull_uri",
                                   "health.healthz", "health.metrics", "health.readyz")})


def expected(actor: str, roles: str, rule: str | None, kind: str | None, *, page: bool):
    role = ACTORS[actor]
    if actor == "anonymous":
        return LOGIN if page else 401
    if role not in ROLE_SETS[roles]:
        return 403
    return OBJECT_RULES[rule](actor, kind)


def _run(client_call, table, world, page):
    mismatches, unasked = [], []
    for endpoint, (method, template, roles, rule, kinds, body) in table.items():
        for index, kind in enumerate(kinds):
            target = path(template, world, kind)
            data = body(world, kind) if callable(body) else body
            for actor, call in client_call.items():
                if index and (actor == "anonymous" or ACTORS[actor] not in ROLE_SETS[roles]):
                    continue    # refused before any object is loaded: asked with the first object only
                want = expected(actor, roles, rule, kind, page=page)
                log = policy.start_recording()
                got = outcome(call(method, target, data), page, UNWRAP.get(endpoint))
                if got != want:
                    mismatches.append(f"{actor:22} {method:6} {target}  expected {want}, got {got}")
                asked = [action for action, _allowed in log
                         if rule is None or not action.startswith(("role:", "authenticated"))]
                if actor != "anonymous" and got == ALLOW and not asked:
                    unasked.append(f"{endpoint} as {actor}")
    return mismatches, unasked


def test_every_role_on_every_route(app, api):
    world = build_world(app, api)
    covered = set(API) | set(PAGES) | set(PUBLIC) | set(ELSEWHERE)
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routes <= covered, f"routes missing from the matrix: {sorted(routes - covered)}"

    api_calls = {actor: (lambda m, p, b, actor=actor: api_call(api, app, actor, m, p, b)) for actor in ACTORS}
    mismatches, unasked = _run(api_calls, API, world, page=False)

    clients = page_clients(app, ACTORS)
    page_calls = {actor: (lambda m, p, b, c=client: c.get(p) if m == "GET" else c.post(p, data=b or {}))
                  for actor, client in clients.items()}
    more, more_unasked = _run(page_calls, PAGES, world, page=True)
    mismatches += more
    unasked += more_unasked

    for endpoint, (method, template) in PUBLIC.items():
        target = path(template, world, "done")
        for actor, call in page_calls.items():
            got = call(method, target, None if method == "GET" else {}).status_code
            if got in (401, 403) or got >= 500:
                mismatches.append(f"{actor:22} {method:6} {target}  public route answered {got}")
    assert not mismatches, f"{len(mismatches)} unexpected outcomes:\n" + "\n".join(mismatches)
    assert not unasked, "allowed without asking app.policy: " + ", ".join(unasked)


def test_lists_and_single_objects_agree(app, api):
    """``visible_applications`` / ``visible_work_items`` (lists) let through exactly what ``check``
    lets through one by one, for every actor of the matrix."""
    from app.models import Application, WorkItem
    world = build_world(app, api)
    with app.app_context():
        applications = db.session.scalars(select(Application)).all()
        items = db.session.scalars(select(WorkItem).where(WorkItem.closed_at.is_(None))).all()
        assert len(applications) >= 4 and len(items) >= 3
        for name in ACTORS:
            if name == "anonymous":
                continue
            actor = Actor(user=user_named(name), channel="BSK" if name == "key.bsk" else None)
            listed = set(db.session.scalars(select(Application.ain).where(policy.visible_applications(actor))))
            singly = {a.ain for a in applications if policy.may(actor, "application.view", a)}
            assert listed == singly, name
            expected_kinds = {kind for kind in OWNER if name in VIEWERS[kind]}
            assert {world["ain"][kind] for kind in expected_kinds} <= listed, name
            queue = db.session.scalars(select(WorkItem).where(
                WorkItem.closed_at.is_(None), policy.visible_work_items(actor))).all()
            assert {i.id for i in queue} == {i.id for i in items if policy.holds_queue(actor, i)}, \
                (name, [(i.id, i.office_id, i.role, i.closed_at, i.application.ain) for i in queue], [(p.office_id, p.role) for p in actor.postings])
            holders = {"gp": "pradhan.raipur", "key": "pradhan.raipur", "csc": "bdo.domkal"}
            assert {i.application.ain for i in queue} == {world["ain"][k] for k, who in holders.items() if who == name}, name
