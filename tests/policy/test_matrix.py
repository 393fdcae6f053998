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
import io

from sqlalchemy import select

from app import policy
from app.accounts.tokens import create_api_key
from app.extensions import db
from app.models import Notification, User
from tests.helpers import PDF, residential_payload, task_for
from tests.services.samples import payload

from .conftest import CITIZEN_A, CITIZEN_B, add_officer, citizen_pages, citizen_token, officer_pages

ALLOW, LOGIN = "allow", "login"

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

#: The objects: who filed them, who may see them, who works their open task.
OWNER = {"gp": "citizen.a", "csc": "operator.csc-domkal", "key": "key.bsk", "done": "citizen.a"}
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
    "mis_pages": {"OPERATOR", "PRADHAN", "BDO", "SDO", "DM"}, "auditors": OFFICER_ROLES | {"ADMIN"}, "heatmap": {"ANALYST", "BDO", "SDO", "DM"},
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


OBJECT_RULES = {
    "view": _view, "applicant": _applicant, "owner_or_404": lambda a, k: _applicant(a, k, refused=404),
    "add_document": _add_document, "queue": _queue, "escalated": lambda a, k: 403,
    "revoke": lambda a, k: ALLOW if a == "dm.murshidabad" else 403,
    "mis_area": lambda a, k: ALLOW if a in MIS_AREA[k] else 403,
    # the audit trail: officers whose area covers the application, and the state administrator
    "audit": lambda a, k: ALLOW if a in RAIPUR_OFFICERS or a == "admin.state" else 404,
    None: lambda a, k: ALLOW,
}

APPS = ("gp", "csc", "key")
TASKS = ("gp", "csc")
COMPLAINT = {"text": "The certificate was refused without any reason."}

#: endpoint → (method, path, roles, object rule, objects, body). Path placeholders: {ain}, {item},
#: {uin}, {doc}, {notification}. ``roles=None`` marks a public route.
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
ELSEWHERE = {"auth.logout": "ends the session the other rows use (tests/web/test_auth_pages.py)", "static": "files"}
#: Routes merged from issue 16 and the analyst work while the matrix was written: to be added as rows.
ELSEWHERE.update({endpoint: "merged later; rows still to write" for endpoint in (
    "api.bulk_complete", "api.create_delegation", "api.list_delegations",
    "api.list_webhooks", "api.mark_refunded", "api.migrate", "api.payment_callback", "api.payment_status",
    "api.refunds_due", "api.register_webhook", "api.remove_webhook", "api.report_etaal", "api.start_payment",
    "api.update_service", "api.version_bundle", "api.withdraw_delegation",
    # merged from the journeys, hardening, QR/DigiLocker, operations and Typst work
    "api.answer_complaint", "district.answer_complaint", "api.change_password", "api.list_applications",
    "api.list_logins", "api.logout", "api.revoke_login", "studio.certificate_preview_files",
    "studio.certificate_preview_version")})
ELSEWHERE.update({endpoint: "public by design (tests/policy/test_every_operation_asks.py PUBLIC_ROUTES)"
                  for endpoint in ("api.status_list", "public.qr_keys", "digilocker.pull_doc", "digilocker.pull_uri",
                                   "health.healthz", "health.metrics", "health.readyz")})


def expected(actor: str, roles: str, rule: str | None, kind: str | None, *, page: bool):
    role = ACTORS[actor]
    if actor == "anonymous":
        return LOGIN if page else 401
    if role not in ROLE_SETS[roles]:
        return 403
    return OBJECT_RULES[rule](actor, kind)


def _build_world(app, api) -> dict:
    """Three applications (a citizen's at the GP, a CSC's at the block, a partner key's), one with a
    certificate, their open tasks and documents; a transferred BDO and a partner key."""
    add_officer(app, "bdo.transferred", "BDO", "BDO-DOMKAL", days_from=-400, days_to=-1)
    with app.app_context():
        partner = User(username="partner.bsk", name="BSK portal", language="en")
        db.session.add(partner)
        db.session.flush()
        raw_key, _key = create_api_key("bsk-portal", "BSK", partner)
        db.session.commit()
    api.tokens["key.bsk"] = raw_key
    api.tokens["citizen.a"] = citizen_token(api, app, CITIZEN_A)
    api.tokens["citizen.b"] = citizen_token(api, app, CITIZEN_B)

    def file(user, body):
        r = api.post("/api/v1/applications", json=body, user=user)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["ain"]

    csc_body = residential_payload(api, "operator.csc-domkal")
    csc_body["applicant"]["mobile"] = "9000000001"
    key_body = payload(api, "key.bsk", "residential_gp")
    key_body["applicant"]["mobile"] = "9000000002"
    ains = {"gp": file("citizen.a", payload(api, "citizen.a", "residential_gp")),
            "csc": file("operator.csc-domkal", csc_body), "key": file("key.bsk", key_body),
            "done": file("citizen.a", payload(api, "citizen.a", "residential_gp"))}
    done_task = task_for(api, "pradhan.raipur", ains["done"])
    r = api.post(f"/api/v1/tasks/{done_task['id']}/complete", json={"action": "approve", "fifo_override_reason": "test"},
                 user="pradhan.raipur")
    assert r.status_code == 200, r.get_json()
    details = {kind: api.get(f"/api/v1/applications/{ain}", user=OWNER[kind]).get_json() for kind, ain in ains.items()}
    with app.app_context():
        notification = db.session.scalar(select(Notification.id).limit(1))
    return {"ain": ains, "doc": {k: d["documents"][0]["id"] for k, d in details.items()},
            "item": {"gp": task_for(api, "pradhan.raipur", ains["gp"])["id"],
                     "csc": task_for(api, "bdo.domkal", ains["csc"])["id"]},
            "uin": details["done"]["certificate"]["uin"], "notification": notification}


def _path(template: str, world: dict, kind: str | None) -> str:
    kind = kind or "gp"
    return template.format(ain=world["ain"][kind], doc=world["doc"][kind], item=world["item"].get(kind, 0),
                           uin=world["uin"], notification=world["notification"])


def _outcome(response, page: bool):
    status = response.status_code
    if page and status == 302 and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if status in (401, 403, 404) or status >= 500:
        return status
    return ALLOW


def _api_call(api, actor, method, path, body):
    headers = {} if actor == "anonymous" else {"Authorization": f"Bearer {api.token(actor)}"}
    if method == "GET":
        return api.client.get(path, headers=headers)
    if method == "UPLOAD":
        return api.client.post(path, headers=headers, content_type="multipart/form-data",
                               data={"type": "photograph", "file": (io.BytesIO(PDF), "p.pdf")})
    return api.client.post(path, json=body, headers=headers)


def _page_clients(app):
    clients = {"anonymous": app.test_client(), "citizen.a": citizen_pages(app, CITIZEN_A),
               "citizen.b": citizen_pages(app, CITIZEN_B)}
    for actor in ACTORS:
        if actor not in clients and actor != "key.bsk":       # a partner key has no pages
            clients[actor] = officer_pages(app, actor)
    return clients


def _run(client_call, table, world, page):
    mismatches, unasked = [], []
    for endpoint, (method, template, roles, rule, kinds, body) in table.items():
        for kind in kinds:
            path = _path(template, world, kind)
            for actor, call in client_call.items():
                want = expected(actor, roles, rule, kind, page=page)
                log = policy.start_recording()
                got = _outcome(call(method, path, body), page)
                if got != want:
                    mismatches.append(f"{actor:22} {method:6} {path}  expected {want}, got {got}")
                asked = [action for action, _allowed in log
                         if rule is None or not action.startswith(("role:", "authenticated"))]
                if actor != "anonymous" and got == ALLOW and not asked:
                    unasked.append(f"{endpoint} as {actor}")
    return mismatches, unasked


def test_every_role_on_every_route(app, api):
    world = _build_world(app, api)
    covered = set(API) | set(PAGES) | set(PUBLIC) | set(ELSEWHERE)
    routes = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert routes <= covered, f"routes missing from the matrix: {sorted(routes - covered)}"

    api_calls = {actor: (lambda m, p, b, actor=actor: _api_call(api, actor, m, p, b)) for actor in ACTORS}
    mismatches, unasked = _run(api_calls, API, world, page=False)

    clients = _page_clients(app)
    page_calls = {actor: (lambda m, p, b, c=client: c.get(p) if m == "GET" else c.post(p, data=b or {}))
                  for actor, client in clients.items()}
    more, more_unasked = _run(page_calls, PAGES, world, page=True)
    mismatches += more
    unasked += more_unasked

    for endpoint, (method, template) in PUBLIC.items():
        path = _path(template, world, "done")
        for actor, call in page_calls.items():
            got = call(method, path, None if method == "GET" else {}).status_code
            if got in (401, 403) or got >= 500:
                mismatches.append(f"{actor:22} {method:6} {path}  public route answered {got}")
    assert not mismatches, f"{len(mismatches)} unexpected outcomes:\n" + "\n".join(mismatches)
    assert not unasked, "allowed without asking app.policy: " + ", ".join(unasked)


def _actor_named(name: str):
    from app.accounts.actor import Actor
    from app.models import VerifiedMobile
    if name.startswith("citizen."):
        mobile = {"citizen.a": CITIZEN_A, "citizen.b": CITIZEN_B}[name]
        user = db.session.scalar(select(User).join(VerifiedMobile, VerifiedMobile.user_id == User.id)
                                 .where(VerifiedMobile.mobile == "+91" + mobile))
        return Actor(user=user)
    if name == "key.bsk":
        return Actor(user=db.session.scalar(select(User).where(User.username == "partner.bsk")), channel="BSK")
    return Actor(user=db.session.scalar(select(User).where(User.username == name)))


def test_lists_and_single_objects_agree(app, api):
    """``visible_applications`` / ``visible_work_items`` (lists) let through exactly what ``check``
    lets through one by one, for every actor of the matrix."""
    from app.models import Application, WorkItem
    world = _build_world(app, api)
    with app.app_context():
        applications = db.session.scalars(select(Application)).all()
        items = db.session.scalars(select(WorkItem).where(WorkItem.closed_at.is_(None))).all()
        assert len(applications) >= 4 and len(items) >= 3
        for name in ACTORS:
            if name == "anonymous":
                continue
            actor = _actor_named(name)
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
