"""Local Government Directory geography: State → District → Subdivision → Block → GP; District →
Municipality → Ward."""
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
