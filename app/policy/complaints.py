"""Complaints on rejected applications are read and answered by the DM of the district and the SDO
of the subdivision the application comes from (the complaint row keeps both areas)."""
from sqlalchemy import false, or_

from ..models import Complaint
from .roles import DM, SDO


def _areas(actor, role: str) -> set[int]:
    return {p.office.location_id for p in actor.postings
            if p.role == role and p.office is not None and p.office.location_id is not None}


def may_answer(actor, complaint: Complaint) -> bool:
    return complaint.district_id in _areas(actor, DM) or complaint.subdivision_id in _areas(actor, SDO)


def complaint_filter(actor):
    """SQL on ``Complaint``: the rows :func:`may_answer` accepts."""
    conditions = []
    if districts := _areas(actor, DM):
        conditions.append(Complaint.district_id.in_(districts))
    if subdivisions := _areas(actor, SDO):
        conditions.append(Complaint.subdivision_id.in_(subdivisions))
    return or_(*conditions) if conditions else false()
