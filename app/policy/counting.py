"""Which applications a viewer may count in MIS figures: the areas under the offices of their current
postings (a state posting counts everything; a service point counts what its operators entered).

Counting is wider than seeing (:mod:`.jurisdiction`): a GP's operator counts the GP's applications but
reads only their own centre's (:mod:`.ownership`)."""
from dataclasses import dataclass

from sqlalchemy import false, or_, select

from ..extensions import db
from ..models import Application, Location, Posting
from .roles import MIS_ROLES
from .rules import record, require_role

SERVICE_POINTS = ("CSC", "BSK", "KIOSK")


@dataclass
class Jurisdiction:
    #: location ids the viewer covers; None = everywhere (a state posting)
    location_ids: set | None
    #: service-point offices (CSC, BSK, kiosk): their operators' submissions
    office_ids: set

    def applications(self):
        """A WHERE clause on ``Application`` limiting rows to this jurisdiction."""
        if self.location_ids is None:
            return Application.id.is_not(None)
        conditions = []
        if self.location_ids:
            conditions.append(Application.location_id.in_(self.location_ids))
        if self.office_ids:
            conditions.append(Application.created_by_id.in_(
                select(Posting.user_id).where(Posting.office_id.in_(self.office_ids))))
        return or_(*conditions) if conditions else false()


def counting_area(actor) -> Jurisdiction:
    """The area whose applications ``actor`` may count (MIS roles only).

    :raises Forbidden: the actor holds no current MIS role.
    """
    require_role(actor, MIS_ROLES)
    children: dict = {}
    for loc_id, parent_id in db.session.execute(select(Location.id, Location.parent_id)):
        children.setdefault(parent_id, []).append(loc_id)
    locations: set | None = set()
    offices = set()
    for posting in actor.postings:
        office = posting.office
        if posting.role not in MIS_ROLES:
            continue
        if office.level == "STATE":
            return Jurisdiction(None, set())
        if office.level in SERVICE_POINTS:
            offices.add(office.id)
        elif office.location_id:
            todo = [office.location_id]
            while todo:
                node = todo.pop()
                if node not in locations:
                    locations.add(node)
                    todo.extend(children.get(node, []))
    return Jurisdiction(locations, offices)


def may_count(actor, application: Application) -> bool:
    """Whether ``application`` lies in ``actor``'s counting area (per-step SLA figures of one application)."""
    allowed = db.session.scalar(select(Application.id).where(
        Application.id == application.id, counting_area(actor).applications())) is not None
    record("application.count", allowed)
    return allowed
