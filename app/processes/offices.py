"""Finding the office that serves a location at a given level (GP, BLOCK, SUBDIVISION, DISTRICT…)."""
from sqlalchemy import select

from ..extensions import db
from ..models import Location, Office


def office_for_level(location: Location, level: str) -> Office | None:
    """The office of ``level`` whose area contains ``location``, or ``None``."""
    area = location.ancestor_at(level) if location is not None else None
    if area is None:
        return None
    return db.session.scalar(select(Office).where(Office.level == level, Office.location_id == area.id)
                             .order_by(Office.id).limit(1))
