"""Read-only lists the pages need and no area operation offers yet (each says where it should move).

They take an explicit actor and return rows; no writes.
"""
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from .. import policy
from ..models import Application, Certificate, Location, Posting, User, WorkItem
from ..certificates import lookup
from ..inbox import operations as inbox_ops
from ..extensions import db
from ..intake.recall import recall_target


def my_applications(actor, *, day: datetime | None = None, page: int = 1, per_page: int = 50):
    """The applications a citizen made, or that an operator entered (on ``day``, when given)."""
    query = select(Application).where(policy.owned_filter(actor))
    if day is not None:
        query = query.where(Application.submitted_at >= day, Application.submitted_at < day + timedelta(days=1))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Application.submitted_at.desc(), Application.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total


def inbox(actor, *, service: str | None = None, task_key: str | None = None, overdue: bool = False,
          page: int = 1, per_page: int = 50):
    """The officer's open tasks, filtered (``app.inbox.operations.inbox``)."""
    return inbox_ops.inbox(actor, page, per_page, service=service, task_key=task_key, overdue=overdue)


def inbox_choices(actor) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """Services and steps present among the officer's open tasks, for the filter menus."""
    rows = db.session.execute(select(WorkItem.task_key, WorkItem.task_name, WorkItem.task_name_bn,
                                     Application.service_id).join(Application)
                              .where(WorkItem.closed_at.is_(None), policy.visible_work_items(actor)).distinct()).all()
    steps = sorted({(r[0], r[1], r[2] or r[1]) for r in rows}, key=lambda s: s[1])
    from ..models import Service
    ids = {r[3] for r in rows}
    services = db.session.scalars(select(Service).where(Service.id.in_(ids))).all() if ids else []
    return [(s.key, s.name, s.name_bn or s.name) for s in services], steps


def officers_for(office_id: int, role: str) -> list[User]:
    """Active officers posted with ``role`` at the office (the choices of an ``x-officer-role`` field)."""
    return db.session.scalars(select(User).join(Posting).where(
        Posting.office_id == office_id, Posting.role == role, policy.current_filter(Posting),
        User.active.is_(True)).order_by(User.name)).all()


def gp_choices() -> list[tuple[Location, list[Location]]]:
    """Every block (or municipality) with its GPs (or wards), for the applicant's location."""
    areas = db.session.scalars(select(Location).where(Location.level.in_(("GP", "WARD")))
                               .order_by(Location.name)).all()
    groups: dict[int, list[Location]] = {}
    for area in areas:
        groups.setdefault(area.parent_id, []).append(area)
    parents = {p.id: p for p in db.session.scalars(select(Location).where(Location.id.in_(list(groups))))}
    return sorted(((parents[pid], items) for pid, items in groups.items() if pid in parents),
                  key=lambda pair: pair[0].name)


def certificate_of(application) -> Certificate | None:
    return db.session.scalar(select(Certificate).where(Certificate.application_id == application.id)
                             .order_by(Certificate.id.desc()).limit(1))


def certificate_public(uin: str) -> Certificate | None:
    """The certificate with this UIN (the verifier page shows only what the certificate prints)."""
    cleaned = "".join((uin or "").split()).upper()
    if not cleaned or len(cleaned) > 16:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.uin == cleaned))


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
