"""The world the access matrix runs in, and how its requests are made (``tests/policy/test_matrix.py``).

Built once per app: three applications (a citizen's at the GP, a CSC's at the block, a partner key's),
a fourth with a certificate, their open tasks, documents, paid fees and open complaints; a
delegation that starts tomorrow, a partner's webhook and another partner's, a spare login; a
transferred BDO and a partner key.
"""
import io
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.accounts.tokens import create_api_key, issue_token
from app.extensions import db
from app.models import Application, Complaint, Notification, Payment, User, VerifiedMobile, Webhook
from app.policy.delegations import today
from tests.helpers import PDF, residential_payload, task_for
from tests.services.samples import payload

from .conftest import CITIZEN_A, CITIZEN_B, add_officer, citizen_pages, citizen_token, officer_pages

ALLOW, LOGIN = "allow", "login"
#: The objects: who filed them.
OWNER = {"gp": "citizen.a", "csc": "operator.csc-domkal", "key": "key.bsk", "done": "citizen.a"}
#: The login the matrix may end (``api.revoke_login``): a second login of this officer.
SPARE_LOGIN_OF = "bdo.domkal"


def _user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def user_named(actor: str) -> User:
    """The user behind a matrix actor (citizens by the mobile they proved, the key by its partner user)."""
    if actor.startswith("citizen."):
        mobile = "+91" + {"citizen.a": CITIZEN_A, "citizen.b": CITIZEN_B}[actor]
        return db.session.scalar(select(User).join(VerifiedMobile, VerifiedMobile.user_id == User.id)
                                 .where(VerifiedMobile.mobile == mobile))
    return _user("partner.bsk" if actor == "key.bsk" else actor)


def _file_all(api) -> dict:
    def file(user, body):
        r = api.post("/api/v1/applications", json=body, user=user)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["ain"]

    csc_body = residential_payload(api, "operator.csc-domkal")
    csc_body["applicant"]["mobile"] = "9000000001"
    key_body = payload(api, "key.bsk", "residential_gp")
    key_body["applicant"]["mobile"] = "9000000002"
    return {"gp": file("citizen.a", payload(api, "citizen.a", "residential_gp")),
            "csc": file("operator.csc-domkal", csc_body), "key": file("key.bsk", key_body),
            "done": file("citizen.a", payload(api, "citizen.a", "residential_gp"))}


def _rows_beside(app, ains: dict) -> dict:
    """Rows no route makes in passing: paid fees and open complaints (a complaint needs a rejected
    application; who may answer depends only on where it comes from), another partner's webhook, the
    spare login."""
    with app.app_context():
        now = clock.now()
        payments, complaints = {}, {}
        for kind in ("gp", "csc", "key"):
            application = db.session.scalar(select(Application).where(Application.ain == ains[kind]))
            payment = Payment(application_id=application.id, order_id=f"PAY-{application.ain}-1", amount=5000,
                              status="paid", created_at=now, paid_at=now, receipt_no=f"RCPT-PAY-{application.ain}-1")
            place = application.location
            complaint = Complaint(application_id=application.id, text="The certificate was refused without reason.",
                                  filed_by_id=application.created_by_id, filed_at=now, status="OPEN",
                                  district_id=place.ancestor_at("DISTRICT").id,
                                  subdivision_id=place.ancestor_at("SUBDIVISION").id)
            db.session.add_all([payment, complaint])
            db.session.flush()
            payments[kind], complaints[kind] = payment.id, complaint.id
        theirs = Webhook(user_id=_user("operator.raipur").id, url="https://other.example/hook", secret="0" * 64,
                         created_at=now)
        db.session.add(theirs)
        _raw, spare = issue_token(_user(SPARE_LOGIN_OF), 2)
        db.session.commit()
        return {"payment": payments, "complaint": complaints, "theirs": theirs.id, "login": spare.id}


def build_world(app, api) -> dict:
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
    ains = _file_all(api)
    done_task = task_for(api, "pradhan.raipur", ains["done"])
    r = api.post(f"/api/v1/tasks/{done_task['id']}/complete", json={"action": "approve", "fifo_override_reason": "test"},
                 user="pradhan.raipur")
    assert r.status_code == 200, r.get_json()
    details = {kind: api.get(f"/api/v1/applications/{ain}", user=OWNER[kind]).get_json() for kind, ain in ains.items()}
    tomorrow = today() + timedelta(days=1)
    r = api.post("/api/v1/delegations", user="eo.domkal", json={
        "to": "eo.jalangi", "starts_on": tomorrow.isoformat(), "ends_on": (tomorrow + timedelta(days=2)).isoformat()})
    assert r.status_code == 201, r.get_json()
    delegation = r.get_json()["id"]
    r = api.post("/api/v1/webhooks", json={"url": "https://bsk.example/hook"}, user="key.bsk")
    assert r.status_code == 201, r.get_json()
    webhook = r.get_json()["id"]
    with app.app_context():
        notification = db.session.scalar(select(Notification.id).limit(1))
    beside = _rows_beside(app, ains)
    return {"ain": ains, "doc": {k: d["documents"][0]["id"] for k, d in details.items()},
            "item": {"gp": task_for(api, "pradhan.raipur", ains["gp"])["id"],
                     "csc": task_for(api, "bdo.domkal", ains["csc"])["id"]},
            "uin": details["done"]["certificate"]["uin"], "notification": notification,
            "delegation": {"eo": delegation}, "webhook": {"mine": webhook, "theirs": beside["theirs"]},
            "payment": beside["payment"], "complaint": beside["complaint"], "login": {"spare": beside["login"]}}


def path(template: str, world: dict, kind: str | None) -> str:
    kind = kind or "gp"

    def of(name):
        return world[name].get(kind, 0)

    return template.format(ain=world["ain"][kind] if kind in world["ain"] else world["ain"]["gp"],
                           doc=world["doc"].get(kind, 0), item=of("item"), uin=world["uin"],
                           notification=world["notification"], delegation=of("delegation"), webhook=of("webhook"),
                           payment=of("payment"), complaint=of("complaint"), login=of("login"))


def outcome(response, page: bool, unwrap=None):
    """``LOGIN``, a refusal or server error status, or ``ALLOW``. ``unwrap`` reads the status of the
    one item of a bulk answer."""
    status = response.status_code
    if page and status == 302 and "/login" in response.headers.get("Location", ""):
        return LOGIN
    if unwrap is not None and status == 200:
        status = unwrap(response.get_json())
    if status in (401, 403, 404) or status >= 500:
        return status
    return ALLOW


def fresh_login(app, actor: str) -> str | None:
    """A new login of ``actor`` that a request may end (``None``: a partner key, which has none)."""
    if actor == "key.bsk":
        return None
    with app.app_context():
        raw, _token = issue_token(user_named(actor), 1)
        db.session.commit()
        return raw


def api_call(api, app, actor, method, target, body):
    token = None if actor == "anonymous" else api.token(actor)
    if method.endswith("_FRESH"):
        token = (fresh_login(app, actor) or token) if token else None
        method = method.removesuffix("_FRESH")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return api.client.get(target, headers=headers)
    if method == "DELETE":
        return api.client.delete(target, headers=headers)
    if method == "PATCH":
        return api.client.patch(target, json=body, headers=headers)
    if method == "UPLOAD":
        return api.client.post(target, headers=headers, content_type="multipart/form-data",
                               data={"type": "photograph", "file": (io.BytesIO(PDF), "p.pdf")})
    return api.client.post(target, json=body, headers=headers)


def page_clients(app, actors) -> dict:
    clients = {"anonymous": app.test_client(), "citizen.a": citizen_pages(app, CITIZEN_A),
               "citizen.b": citizen_pages(app, CITIZEN_B)}
    for actor in actors:
        if actor not in clients and actor != "key.bsk":       # a partner key has no pages
            clients[actor] = officer_pages(app, actor)
    return clients
