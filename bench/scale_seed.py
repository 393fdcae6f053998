"""Seeding bench/scale.py: real template applications through the API, then many copies through COPY.

1. ``make_templates``: for every GP of both demo districts and every catalogue service, applications
   are submitted and worked through the HTTP API into four end states — just submitted (task open at
   the first officer), sent back to the citizen, rejected, and approved (a signed certificate where
   the service issues one). Flow C (``residential_edistrict``) also gets one after the field enquiry.
2. ``copy_clones``: each template's rows (application, instance, work items, SLA clock and steps,
   audit chain, certificate, notifications, attached documents) are copied N times with fresh ids,
   AINs, UINs, task ids and dedupe keys, every timestamp shifted to a new submission time in the past
   year (open work recent, so some of it is overdue), and the audit chain re-hashed. Rows go in through
   psycopg's ``COPY … FROM STDIN``; sequences are moved past the new ids at the end. The MIS counts
   tables are filled by their triggers as the rows go in (``COPY`` fires them: one grouped upsert per
   table and chunk; ``application`` is copied before ``sla_step`` and ``audit_event``, whose counts
   look their application up).
"""
import hashlib
import json
import random
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.intake import ain as ain_codes
from app.models import (Application, ApplicationDocument, AuditEvent, Certificate, Department, Notification,
                        ProcessInstance, Service, SlaClock, SlaStep, WorkItem)
from tests.helpers import act as _act
from tests.services.samples import FORMS, payload

GPS = {  # GP slug → (LGD code, block slug)
    "raipur": ("131001", "domkal"), "garaimari": ("131002", "domkal"), "sadikhardiar": ("131011", "jalangi"),
    "ghoshpara": ("131012", "jalangi"), "kadambagachhi": ("132001", "barasat1"),
    "chhotajagulia": ("132002", "barasat1")}
#: Share of applications per GP: Raipur is the busy one (its Pradhan's and Domkal BDO's inboxes are measured).
GP_WEIGHT = {"raipur": 0.30, "garaimari": 0.14, "sadikhardiar": 0.14, "ghoshpara": 0.14, "kadambagachhi": 0.14,
             "chhotajagulia": 0.14}
#: A year of work: most applications decided, a few weeks' worth still open.
STATE_WEIGHT = {"open": 0.06, "enquiry": 0.02, "sent_back": 0.01, "rejected": 0.13, "done": 0.78}
BLOCK_LEVEL = ("completion_block", "completion_ps", "residential_edistrict")
REJECT = {"reason": "The document is not attested.", "data": {"remedy": "Apply again with an attested copy."}}


def act(api, user, ain, action, **body):
    """One task action; seeding works applications out of turn (services that enforce FIFO)."""
    try:
        return _act(api, user, ain, action, fifo_override_reason="Bench seeding", **body)
    except AssertionError:
        print("failed:", user, ain, action, api.get(f"/api/v1/applications/{ain}", user=user).get_json())
        raise


def _approver(service, gp):
    return f"bdo.{GPS[gp][1]}" if service in BLOCK_LEVEL else f"pradhan.{gp}"


def _submit(api, service, gp):
    user = f"operator.{gp}"
    r = api.post("/api/v1/applications", json=payload(api, user, service, lgd_code=GPS[gp][0],
                                                      name=f"Applicant {gp.title()}"), user=user)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["ain"]


def _flow_c(api, gp, ain, until):
    bdo, eo = f"bdo.{GPS[gp][1]}", f"eo.{GPS[gp][1]}"
    act(api, bdo, ain, "forward_enquiry", data={"enquiry_officer": eo})
    if until == "enquiry":
        return
    act(api, eo, ain, "submit_report", data={"report": "Visited the house.", "recommendation": "recommend"})
    act(api, bdo, ain, "approve")


def make_templates(api, services) -> list[tuple[str, str, str]]:
    """:returns: ``(ain, gp, state)`` of every template application."""
    out = []
    for gp in GPS:
        for service in services:
            if service not in FORMS:
                continue
            for state in STATE_WEIGHT:
                if state == "enquiry" and service != "residential_edistrict":
                    continue
                ain = _submit(api, service, gp)
                who = _approver(service, gp)
                if state == "sent_back":
                    act(api, who, ain, "send_back", remarks="Upload a clear photograph.")
                elif state == "rejected":
                    act(api, who, ain, "reject", **(REJECT if service != "residential_edistrict"
                                                    else {"reason": REJECT["reason"]}))
                elif service == "residential_edistrict" and state in ("enquiry", "done"):
                    _flow_c(api, gp, ain, state)
                elif state == "done":
                    act(api, who, ain, "approve")
                out.append((ain, gp, state))
    return out


def _rows(model, where):
    table = model.__table__
    return [dict(r._mapping) for r in db.session.execute(select(table).where(where))]


def load_template(ain: str) -> dict:
    app_row = _rows(Application, Application.ain == ain)[0]
    aid = app_row["id"]
    return {
        "application": app_row,
        "process_instance": _rows(ProcessInstance, ProcessInstance.id == app_row["process_instance_id"]),
        "work_item": _rows(WorkItem, WorkItem.application_id == aid),
        "sla_clock": _rows(SlaClock, SlaClock.application_id == aid),
        "sla_step": _rows(SlaStep, SlaStep.application_id == aid),
        "audit_event": sorted(_rows(AuditEvent, (AuditEvent.object_type == "application")
                                    & (AuditEvent.object_key == ain)), key=lambda r: r["id"]),
        "certificate": _rows(Certificate, Certificate.application_id == aid),
        "notification": _rows(Notification, Notification.application_id == aid),
        "application_document": _rows(ApplicationDocument, ApplicationDocument.application_id == aid),
    }


ORDER = ("process_instance", "application", "work_item", "sla_clock", "sla_step", "audit_event", "certificate",
         "notification", "application_document")


def _digest(row) -> str:   # the same fields and encoding as app.audit.operations._digest
    payload_ = json.dumps([row["prev_hash"], clock.iso(row["at"]),
                           row["actor"], row["role"], row["action"], row["object_type"], row["object_key"],
                           row["stage"], row["remarks"], row["data"], row["ip"]],
                          sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload_.encode()).hexdigest()


class Cloner:
    """Makes the rows of one copy of a template; ids come from per-table counters."""

    def __init__(self, next_ids: dict, services: dict, now: datetime, rng: random.Random):
        self.ids = dict(next_ids)
        self.services = services    # id → (dept code, service code)
        self.now, self.rng = now, rng
        self.ain_serial: dict = {}
        self.uin_serial: dict = {}

    def _id(self, table):
        self.ids[table] += 1
        return self.ids[table]

    def _ain(self, service_id):
        dept, code = self.services[service_id]
        while True:
            serial = self.ain_serial.get(service_id, 0) + 1
            self.ain_serial[service_id] = serial
            made = ain_codes.make(dept, code, 2025, serial)
            if made:
                return made

    def _uin(self, service_id):
        dept, code = self.services[service_id]
        serial = self.uin_serial.get(service_id, 0) + 1
        self.uin_serial[service_id] = serial
        return f"{dept}{code}2025{serial:06d}"

    def clone(self, t: dict, state: str) -> dict:
        a = t["application"]
        # open work is recent (some past its 7-day step); decided work spreads over the year
        days = self.rng.uniform(0, 12) if state in ("open", "enquiry", "sent_back") else self.rng.uniform(10, 365)
        submitted = self.now - timedelta(days=days, seconds=self.rng.uniform(0, 86400))
        shift = submitted - a["submitted_at"]

        def moved(row):
            return {k: (v + shift if isinstance(v, datetime) else v) for k, v in row.items()}

        out = {name: [] for name in ORDER}
        pid = self._id("process_instance")
        aid = self._id("application")
        ain = self._ain(a["service_id"])
        guid_map = {w["task_guid"]: str(uuid.uuid4()) for w in t["work_item"]}
        for inst in t["process_instance"]:
            row = moved(inst)
            text = row["state"]
            for old, new in guid_map.items():
                text = text.replace(old, new)
            row.update(id=pid, state=text)
            out["process_instance"].append(row)
        row = moved(a)
        mobile = f"9{self.rng.randrange(10**8, 10**9):09d}"
        row.update(id=aid, ain=ain, process_instance_id=pid, applicant_mobile=mobile, idempotency_key=None)
        out["application"].append(row)
        application = row
        item_ids = {}
        for w in t["work_item"]:
            item_ids[w["id"]] = self._id("work_item")
            out["work_item"].append({**moved(w), "id": item_ids[w["id"]], "instance_id": pid, "application_id": aid,
                                     "task_guid": guid_map[w["task_guid"]]})
        for c in t["sla_clock"]:
            out["sla_clock"].append({**moved(c), "id": self._id("sla_clock"), "application_id": aid})
        for s in t["sla_step"]:
            out["sla_step"].append({**moved(s), "id": self._id("sla_step"), "application_id": aid,
                                    "work_item_id": item_ids[s["work_item_id"]]})
        prev = None
        for e in t["audit_event"]:
            row = {**moved(e), "id": self._id("audit_event"), "object_key": ain, "prev_hash": prev}
            row["hash"] = prev = _digest(row)
            out["audit_event"].append(row)
        application["audit_head"] = prev   # the copy's own chain (the template's head would not verify)
        for c in t["certificate"]:
            # a copy takes no revocation-bit entry of its own (the template's is unique to it)
            out["certificate"].append({**moved(c), "id": self._id("certificate"), "application_id": aid,
                                       "uin": self._uin(a["service_id"]), "status_list": None, "status_index": None})
        for n in t["notification"]:
            out["notification"].append({**moved(n), "id": self._id("notification"), "application_id": aid,
                                        "dedupe_key": f"scale:{aid}:{n['id']}", "to": "+91" + mobile})
        for d in t["application_document"]:
            out["application_document"].append({**moved(d), "id": self._id("application_document"),
                                                "application_id": aid})
        return out


def _plain(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def copy_clones(url: str, templates: list, n: int, seed: int = 15, chunk: int = 20_000, log=print) -> None:
    """Insert ``n`` copies of the templates (weighted by GP and state) through COPY."""
    import psycopg
    rng = random.Random(seed)
    loaded = [(load_template(ain), gp, state) for ain, gp, state in templates]
    per_state = {}
    for _t, gp, state in loaded:
        per_state[gp, state] = per_state.get((gp, state), 0) + 1
    weights = [GP_WEIGHT[gp] * STATE_WEIGHT[state] / per_state[gp, state] for _t, gp, state in loaded]
    codes = dict(db.session.execute(select(Department.id, Department.code)).all())
    services = {s.id: (codes[s.department_id], s.service_code) for s in db.session.scalars(select(Service))}
    tables = {name: db.metadata.tables[name] for name in ORDER}
    next_ids = {name: db.session.scalar(select(db.func.coalesce(db.func.max(tables[name].c.id), 0)))
                for name in ORDER}
    db.session.commit()
    cloner = Cloner(next_ids, services, datetime.now(timezone.utc), rng)
    columns = {name: [c.name for c in tables[name].columns] for name in ORDER}
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as conn:
        done = 0
        while done < n:
            batch = min(chunk, n - done)
            rows = {name: [] for name in ORDER}
            for t, _gp, state in rng.choices(loaded, weights=weights, k=batch):
                for name, values in cloner.clone(t, state).items():
                    rows[name].extend(values)
            with conn.cursor() as cur:
                for name in ORDER:
                    cols = columns[name]
                    quoted = ", ".join(f'"{c}"' for c in cols)
                    with cur.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                        for row in rows[name]:
                            copy.write_row([_plain(row[c]) for c in cols])
            conn.commit()
            done += batch
            if done % 100_000 < chunk:
                log(f"  … {done:,} applications")
        with conn.cursor() as cur:
            for name in ORDER:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT max(id) FROM {name}))")
            cur.execute("ANALYZE")
        conn.commit()
