"""Read-only lists the pages need and no area operation offers yet (each says where it should move).

They take an explicit actor and return rows; no writes.
"""
from datetime import datetime

from sqlalchemy import func, or_, select

from .. import clock, policy
from ..models import Application, Certificate, Document, Location, Posting, Service, User, WorkItem
from ..certificates import lookup
from ..inbox import operations as inbox_ops
from ..extensions import db
from ..intake import records
from ..intake.listing import visible_applications
from ..intake.recall import recall_target


def my_applications(actor, *, day: datetime | None = None, page: int = 1, per_page: int = 50):
    """What ``GET /api/v1/applications`` lists: a citizen's (their verified mobile included), or
    what an operator entered (on ``day``, when given)."""
    return visible_applications(actor, day=day, page=page, per_page=per_page)


def document_size(actor, document_id: int) -> int:
    """The size of one of ``actor``'s own uploads (0 when it is not theirs)."""
    return db.session.scalar(select(Document.size).where(Document.id == document_id,
                                                         Document.owner_id == actor.id)) or 0


def history_rows(application) -> list[dict]:
    """The application's history for a page: each row with the step's Bengali name (from the
    process's tasks) and, for the enquiry report, its recommendation and text as the remarks."""
    names = {w.task_name: w.task_name_bn for w in application.work_items if w.task_name_bn}
    if application.stage and application.stage_bn:
        names.setdefault(application.stage, application.stage_bn)
    rows = []
    for row in records.history(application):
        row = dict(row, stage_bn=names.get(row.get("stage")))
        if row.get("report"):
            row["remarks"] = row["report"]
        rows.append(row)
    return rows


def inbox(actor, *, service: str | None = None, task_key: str | None = None, overdue: bool = False,
          page: int = 1, per_page: int = 50):
    """The officer's open tasks, filtered (``app.inbox.operations.inbox``)."""
    return inbox_ops.inbox(actor, page, per_page, service=service, task_key=task_key, overdue=overdue)


def inbox_choices(actor) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Services and steps present among the officer's open tasks, for the filter menus.

    The pairs present come from ``ix_work_item_open_menu`` alone (no application row read per open
    item); the steps' names from one open item of each step.
    """
    pairs = db.session.execute(select(WorkItem.service_id, WorkItem.task_key, func.min(WorkItem.id))
                               .where(WorkItem.closed_at.is_(None), policy.visible_work_items(actor))
                               .group_by(WorkItem.service_id, WorkItem.task_key)).all()
    if not pairs:
        return [], []
    names = db.session.execute(select(WorkItem.task_key, WorkItem.task_name, WorkItem.task_name_bn)
                               .where(WorkItem.id.in_({p[2] for p in pairs}))).all()
    steps = sorted({r[0]: (r[0], r[1], r[2] or r[1]) for r in names}.values(), key=lambda s: s[1])
    ids = {p[0] for p in pairs if p[0] is not None}
    services = db.session.scalars(select(Service).where(Service.id.in_(ids))).all() if ids else []
    return [(s.key, s.name, s.name_bn or s.name) for s in services], steps


def officers_for(office_id: int, role: str) -> list[User]:
    """Active officers posted with ``role`` at the office (the choices of an ``x-officer-role`` field)."""
    return db.session.scalars(select(User).join(Posting).where(
        Posting.office_id == office_id, Posting.role == role, policy.current_filter(Posting),
        User.active.is_(True)).order_by(User.name)).all()


def gp_choices() -> list[tuple[Location, list[Location]]]:
    """Every block (or municipality) with its GPs (or wards), for the applicant's location, by district."""
    areas = db.session.scalars(select(Location).where(Location.level.in_(("GP", "WARD")))
                               .order_by(Location.name)).all()
    groups: dict[int, list[Location]] = {}
    for area in areas:
        groups.setdefault(area.parent_id, []).append(area)
    parents = {p.id: p for p in db.session.scalars(select(Location).where(Location.id.in_(list(groups))))}
    def district_then_block(pair):
        district = pair[0].ancestor_at("DISTRICT")
        return (district.name if district else "", pair[0].name)
    return sorted(((parents[pid], items) for pid, items in groups.items() if pid in parents), key=district_then_block)


def certificate_of(application) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.application_id == application.id)
                             .order_by(Certificate.id.desc()).limit(1))


def certificate_public(uin: str) -> Certificate | None:
    """The certificate with this UIN (the verifier page shows only what the certificate prints)."""
    cleaned = "".join((uin or "").split()).upper()
    if not cleaned or len(cleaned) > 16:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.uin == cleaned))


def qr_record(certificate: Certificate | None) -> dict | None:
    """The fields the verify page compares with a QR's signed claims (names as in the CBOR map)."""
    if certificate is None:
        return None
    service = certificate.service
    office = certificate.issuing_office   # the office the QR's signed claims name
    return {"uin": certificate.uin, "name": certificate.application.applicant_name, "svc": service.service_code,
            "dept": service.department.code, "office": getattr(office, "name", "") or "",
            "iat": int(clock.as_utc(certificate.issued_at).timestamp()), "status": certificate.status}


def recallable(actor, application) -> WorkItem | None:
    """The task ``actor`` may still recall on the application (``app.intake.recall`` decides), else ``None``."""
    if application is None:
        return None
    return recall_target(actor, application)[0]


def my_last_recallable(actor) -> WorkItem | None:
    """The task the officer completed most recently, when its application can still be recalled."""
    last = db.session.scalar(select(WorkItem).where(
        WorkItem.closed_by_id == actor.id, or_(WorkItem.outcome.is_(None), WorkItem.outcome != "recalled"))
        .order_by(WorkItem.closed_at.desc(), WorkItem.id.desc()).limit(1))
    if last is None:
        return None
    found = recallable(actor, last.application)
    return found if found is not None and found.id == last.id else None


def may_revoke(actor, certificate: Certificate) -> bool:
    """Whether the page offers the revoke form (``app.certificates.lookup`` decides)."""
    return lookup.may_revoke(actor, certificate)


def open_item_held_by(application, user_id: int) -> WorkItem | None:
    return db.session.scalar(select(WorkItem).where(
        WorkItem.application_id == application.id, WorkItem.closed_at.is_(None), WorkItem.assignee_id == user_id)
        .order_by(WorkItem.id.desc()).limit(1))
