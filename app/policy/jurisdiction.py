"""Jurisdiction: an officer sees the applications of the area their office serves (the LGD hierarchy:
a BDO their block and the GPs in it, the DM their district…) and those that passed through their office.

Only officer postings count, and only current ones (:mod:`.postings`). An operator's posting at a GP
office is not jurisdiction: operators see what they or their centre created (:mod:`.ownership`).
"""
from sqlalchemy import exists, false, or_, select

from ..extensions import db
from ..models import Application, Location, WorkItem
from .roles import OFFICERS


def officer_postings(actor, roles: tuple[str, ...] = OFFICERS) -> list:
    return [p for p in actor.postings if p.role in roles and p.office is not None]


def application_offices(application: Application) -> set[int]:
    """Offices that handle or handled the application."""
    ids = {application.processing_office_id} if application.processing_office_id else set()
    ids.update(db.session.scalars(select(WorkItem.office_id).where(
        WorkItem.application_id == application.id, WorkItem.office_id.is_not(None))).all())
    return ids


def in_jurisdiction(actor, application: Application, roles: tuple[str, ...] = OFFICERS) -> bool:
    postings = officer_postings(actor, roles)
    if not postings:
        return False
    if {p.office_id for p in postings} & application_offices(application):
        return True
    areas = {location.id for location in application.location.ancestors()}
    return any(p.office.location_id in areas for p in postings)


def area_ids(actor, roles: tuple[str, ...] = OFFICERS) -> set[int]:
    """Location ids at or below the areas the actor's current ``roles`` postings serve."""
    roots = {p.office.location_id for p in officer_postings(actor, roles) if p.office.location_id}
    if not roots:
        return set()
    children: dict = {}
    for loc_id, parent_id in db.session.execute(select(Location.id, Location.parent_id)):
        children.setdefault(parent_id, []).append(loc_id)
    seen, todo = set(), list(roots)
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(children.get(node, []))
    return seen


def jurisdiction_filter(actor, roles: tuple[str, ...] = OFFICERS):
    """SQL on ``Application``: the rows :func:`in_jurisdiction` accepts."""
    offices = {p.office_id for p in officer_postings(actor, roles)}
    if not offices:
        return false()
    return or_(Application.processing_office_id.in_(offices),
               Application.location_id.in_(area_ids(actor, roles)),
               exists().where(WorkItem.application_id == Application.id, WorkItem.office_id.in_(offices)))
