"""Local Government Directory geography: State → District → Subdivision → Block → GP; District →
Municipality → Ward."""
import functools

from sqlalchemy import ForeignKey, String, bindparam, select
from sqlalchemy.orm import Mapped, aliased, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from .types import BigId

#: Levels in LGD order; an office's level names the area it serves.
LEVELS = ("STATE", "DISTRICT", "SUBDIVISION", "BLOCK", "GP", "MUNICIPALITY", "WARD")


class Location(db.Model):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: LGD code, unique across levels (the import prefixes nothing: LGD codes do not collide in practice,
    #: and the level is stored beside it).
    lgd_code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(20), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), index=True)

    parent: Mapped["Location | None"] = relationship(remote_side=[id])

    def ancestors(self):
        """This location and every parent up to the state, nearest first."""
        node = self
        while node is not None:
            yield node
            node = node.parent

    def ancestor_at(self, level: str) -> "Location | None":
        return next((loc for loc in self.ancestors() if loc.level == level), None)

    def to_api(self) -> dict:
        return {"lgd_code": self.lgd_code, "name": self.name, "name_bn": self.name_bn, "level": self.level}


def load_with_ancestors(session, *, id: int | None = None, lgd_code: str | None = None) -> Location | None:
    """The location with that id (or LGD code) and its parents up to the state, in one recursive
    query, each ``parent`` filled in: :meth:`Location.ancestors` and ``ancestor_at`` then read no
    more rows (walking ``parent`` loaded them one statement each: 3 for a GP)."""
    by_id = id is not None
    rows = {loc.id: loc for loc in session.scalars(_chain_statement(by_id), {"start": id if by_id else lgd_code})}
    for loc in rows.values():
        if loc.parent_id in rows:
            set_committed_value(loc, "parent", rows[loc.parent_id])
    return next((loc for loc in rows.values() if (loc.id == id if by_id else loc.lgd_code == lgd_code)), None)


@functools.cache
def _chain_statement(by_id: bool):
    """Built once per shape (building the recursive statement cost as much as running it)."""
    start = select(Location.id, Location.parent_id).where(
        (Location.id if by_id else Location.lgd_code) == bindparam("start")).cte("up", recursive=True)
    parent = aliased(Location)
    up = start.union_all(select(parent.id, parent.parent_id).where(parent.id == start.c.parent_id))
    return select(Location).where(Location.id.in_(select(up.c.id)))
